// Service colours from the Okabe–Ito colour-blind-safe palette; the name is always written beside the colour.

/** Okabe–Ito without black (black is kept for the critical-path stripe drawn over the bars). */
const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442'] as const;

export interface ServiceColour {
  /** Fill of the bar and the legend swatch. */
  fill: string;
  /** A second cue once the seven colours repeat: a hatch, so two services never look alike. */
  pattern: string;
}

export function serviceColour(index: number): ServiceColour {
  const fill = OKABE_ITO[index % OKABE_ITO.length]!;
  const round = Math.floor(index / OKABE_ITO.length);
  const angle = [0, 45, -45, 90][round % 4]!;
  const pattern = round === 0 ? 'none' : `repeating-linear-gradient(${angle}deg, rgba(0,0,0,0.45) 0 2px, transparent 2px 7px)`;
  return { fill, pattern };
}

/** Applies a service's colour (and hatch, if any) to a swatch or bar element. */
export function paintService(el: HTMLElement, index: number): void {
  const c = serviceColour(index);
  el.style.backgroundColor = c.fill;
  el.style.backgroundImage = c.pattern;
}
