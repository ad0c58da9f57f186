// Reads the pixels of the join panel's QR code as the browser draws it, for jsQR to decode.
import type { Page } from 'playwright-core';

/** Draws the panel's <svg> into a canvas the way it is shown, and hands back its pixels for jsQR. */
export async function qrPixels(page: Page): Promise<{ width: number; height: number; data: number[] }> {
  return page.evaluate(async () => {
    const svg = document.querySelector('.join-panel__qr svg')!;
    // The size it is drawn at on screen, device pixels included.
    const scale = window.devicePixelRatio;
    const rect = svg.getBoundingClientRect();
    const box = { width: rect.width * scale, height: rect.height * scale };
    const img = new Image();
    img.src = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(svg)], { type: 'image/svg+xml' }));
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(box.width);
    canvas.height = Math.round(box.height);
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    return { width: canvas.width, height: canvas.height, data: Array.from(data) };
  });
}
