import { embedFont } from '../svg/embed-font.js';
import type { Figure } from '../svg/figure.js';

/** Options of {@link toPngBlob} and {@link toPngBrowser}. */
export interface BrowserPngOptions {
  /** Pixels per SVG px. Default `devicePixelRatio` rounded up, at least 1. */
  scale?: number;
  /**
   * A TrueType font (DejaVu Sans Mono) to embed, so text looks the same as in Node's PNGs; without
   * it the browser's own monospace font draws the text (the layout does not change). Default none.
   */
  font?: Uint8Array;
}

/**
 * Draws a figure on a canvas and encodes it as PNG, in the browser. The SVG goes through an
 * `<img>`, which cannot load external resources: pass `font` for exact text.
 */
export async function toPngBlob(figure: Figure, options: BrowserPngOptions = {}): Promise<Blob> {
  const dpr = (globalThis as { devicePixelRatio?: number }).devicePixelRatio ?? 1;
  const scale = options.scale ?? Math.max(1, Math.ceil(dpr));
  const svg = options.font ? embedFont(figure, options.font) : figure.svg;
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const w = Math.round(figure.width * scale);
    const h = Math.round(figure.height * scale);
    const canvas = new OffscreenCanvas(w, h);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('This browser gave no 2-D canvas context, so it cannot draw PNGs.');
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, w, h);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(img, 0, 0, w, h);
    return await canvas.convertToBlob({ type: 'image/png' });
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** PNG bytes of a figure, in the browser (see {@link toPngBlob}). */
export async function toPngBrowser(figure: Figure, options: BrowserPngOptions = {}): Promise<Uint8Array> {
  return new Uint8Array(await (await toPngBlob(figure, options)).arrayBuffer());
}
