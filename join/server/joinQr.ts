// The join URL as a QR code in SVG, made on the server (no external service), one per URL.
import QRCode from 'qrcode';

const cache = new Map<string, Promise<string>>();

/** Black on white with a quiet zone of 2 modules: decodes from the back row off a projector. */
export function joinQrSvg(url: string): Promise<string> {
  let svg = cache.get(url);
  if (!svg) {
    svg = QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2, color: { dark: '#000000', light: '#ffffff' } });
    cache.set(url, svg);
  }
  return svg;
}
