// The join panel the Demo slide mounts: the QR code to /join, the URL as text, and live attendee counts.
import './joinPanel.css';
import type { AudienceStats, JoinInfo } from '../../model/index.ts';

export interface JoinPanelOptions {
  /** Where the deck server's API lives, e.g. '/' or 'http://127.0.0.1:8080/'; relative to the page. */
  apiBase: string;
  /** How often the counts refresh (default 1000 ms). */
  pollMs?: number;
}

export interface JoinPanel {
  destroy(): void;
}

/** The URL without its scheme: shorter to read off a projector, and phones' browsers add it back. */
function shortUrl(url: string): string {
  return url.replace(/^https?:\/\//, '');
}

/**
 * The SVG comes from our own server, yet it is parsed as SVG and only its <svg>/<path> elements are
 * kept, so nothing in it can run script even if a proxy tampered with it.
 */
function qrElement(svgText: string): SVGSVGElement | undefined {
  const doc = new DOMParser().parseFromString(svgText, 'image/svg+xml');
  const svg = doc.documentElement;
  if (svg.nodeName !== 'svg' || doc.getElementsByTagName('parsererror').length) return undefined;
  for (const node of Array.from(svg.querySelectorAll('*'))) if (node.nodeName !== 'path') node.remove();
  for (const node of [svg, ...Array.from(svg.children)]) {
    for (const attr of Array.from(node.attributes)) if (/^on/i.test(attr.name) || /href/i.test(attr.name)) node.removeAttribute(attr.name);
  }
  svg.setAttribute('role', 'img');
  return document.importNode(svg, true) as unknown as SVGSVGElement;
}

export function createJoinPanel(host: HTMLElement, opts: JoinPanelOptions): JoinPanel {
  const base = new URL(opts.apiBase || '.', location.href);
  const root = document.createElement('div');
  root.className = 'join-panel';
  const qr = document.createElement('div');
  qr.className = 'join-panel__qr';
  const url = document.createElement('p');
  url.className = 'join-panel__url';
  url.textContent = 'Finding the join address…';
  const counts = document.createElement('p');
  counts.className = 'join-panel__counts';
  const attendees = document.createElement('b');
  const rate = document.createElement('b');
  attendees.textContent = '0';
  rate.textContent = '0';
  counts.append(attendees, ' connected · ', rate, ' req/s');
  const error = document.createElement('p');
  error.className = 'join-panel__error';
  error.hidden = true;
  root.append(qr, url, counts, error);
  host.append(root);

  let stopped = false;
  let haveInfo = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  async function loadInfo(): Promise<void> {
    const res = await fetch(new URL('api/audience/join-info', base), { cache: 'no-store' });
    if (!res.ok) throw new Error(`join-info answered ${res.status}`);
    const info = (await res.json()) as JoinInfo;
    const svg = qrElement(info.qrSvg);
    if (stopped) return;
    if (svg) {
      svg.setAttribute('aria-label', `QR code for ${info.url}`);
      qr.replaceChildren(svg);
    }
    url.textContent = shortUrl(info.url);
    root.dataset.joinUrl = info.url;
    haveInfo = true;
  }

  async function loadStats(): Promise<void> {
    const res = await fetch(new URL('api/audience/stats', base), { cache: 'no-store' });
    if (!res.ok) throw new Error(`stats answered ${res.status}`);
    const stats = (await res.json()) as AudienceStats;
    if (stopped) return;
    attendees.textContent = String(stats.attendeesConnected);
    const r = stats.requestsPerSecond;
    rate.textContent = r === 0 || r >= 10 ? String(Math.round(r)) : r.toFixed(1);
  }

  async function tick(): Promise<void> {
    try {
      if (!haveInfo) await loadInfo();
      await loadStats();
      error.hidden = true;
    } catch {
      // Self-study (no server) or a hiccup: say so quietly and keep trying.
      error.textContent = 'Audience mode needs the live server (npm start).';
      error.hidden = false;
    }
    if (!stopped) timer = setTimeout(() => void tick(), opts.pollMs ?? 1000);
  }
  void tick();

  return {
    destroy() {
      stopped = true;
      if (timer) clearTimeout(timer);
      root.remove();
    },
  };
}
