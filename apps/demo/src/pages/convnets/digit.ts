/**
 * A drawing (or an uploaded picture) turned into an MNIST digit, as the MNIST images were made: the
 * ink's bounding box scaled to fit 20 x 20 pixels (aspect kept), then placed in a 28 x 28 image so that
 * its centre of mass sits at the centre. Pure functions on grayscale arrays; no DOM.
 */
import { SIDE } from './classifier';

/** The box the digit is scaled into, in pixels (MNIST: 20). */
export const BOX = 20;

/** Ink below this (of 1) counts as background when finding the bounding box. */
const THRESHOLD = 0.1;

/**
 * Grayscale ink in [0, 1] (1: ink) from RGBA pixels: the luminance, inverted when the picture is dark
 * ink on a light background (judged by the mean of its border), as photos and scans of digits are.
 */
export function inkFromRgba(rgba: ArrayLike<number>, width: number, height: number): Float32Array {
  const ink = new Float32Array(width * height);
  let border = 0;
  let borderCount = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const alpha = rgba[4 * i + 3] / 255;
      // Transparent pixels count as the white page.
      const lum =
        ((0.299 * rgba[4 * i] + 0.587 * rgba[4 * i + 1] + 0.114 * rgba[4 * i + 2]) / 255) * alpha +
        (1 - alpha);
      ink[i] = lum;
      if (x === 0 || y === 0 || x === width - 1 || y === height - 1) {
        border += lum;
        borderCount++;
      }
    }
  }
  if (border / borderCount > 0.5) for (let i = 0; i < ink.length; i++) ink[i] = 1 - ink[i];
  return ink;
}

/**
 * The 28 x 28 MNIST-style image (`784` values in [0, 1], row-major) of the ink in a `width` x `height`
 * grayscale picture, or `null` when there is no ink.
 */
export function toMnist(ink: Float32Array, width: number, height: number): Float32Array | null {
  let top = height;
  let bottom = -1;
  let left = width;
  let right = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x] <= THRESHOLD) continue;
      top = Math.min(top, y);
      bottom = Math.max(bottom, y);
      left = Math.min(left, x);
      right = Math.max(right, x);
    }
  }
  if (bottom < 0) return null;
  const boxW = right - left + 1;
  const boxH = bottom - top + 1;
  const scale = BOX / Math.max(boxW, boxH);
  const w = Math.max(1, Math.round(boxW * scale));
  const h = Math.max(1, Math.round(boxH * scale));
  // Area average of the source pixels under each small pixel.
  const small = new Float32Array(w * h);
  for (let sy = 0; sy < h; sy++) {
    const y0 = top + sy / scale;
    const y1 = top + (sy + 1) / scale;
    for (let sx = 0; sx < w; sx++) {
      const x0 = left + sx / scale;
      const x1 = left + (sx + 1) / scale;
      let sum = 0;
      let area = 0;
      for (let y = Math.floor(y0); y < Math.min(Math.ceil(y1), height); y++) {
        const cy = Math.min(y + 1, y1) - Math.max(y, y0);
        for (let x = Math.floor(x0); x < Math.min(Math.ceil(x1), width); x++) {
          const c = cy * (Math.min(x + 1, x1) - Math.max(x, x0));
          sum += c * ink[y * width + x];
          area += c;
        }
      }
      small[sy * w + sx] = area > 0 ? sum / area : 0;
    }
  }
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = small[y * w + x];
      mass += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  }
  const offsetX = Math.round(SIDE / 2 - mx / mass);
  const offsetY = Math.round(SIDE / 2 - my / mass);
  const out = new Float32Array(SIDE * SIDE);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const ox = x + offsetX;
      const oy = y + offsetY;
      if (ox >= 0 && oy >= 0 && ox < SIDE && oy < SIDE) out[oy * SIDE + ox] = Math.min(1, small[y * w + x]);
    }
  }
  return out;
}

/** The largest side an uploaded picture keeps (larger ones are scaled down to it). */
export const MAX_UPLOAD_SIDE = 280;

/** The size a `width` x `height` picture is drawn at: scaled down to fit {@link MAX_UPLOAD_SIDE}. */
export function fitSize(width: number, height: number): { width: number; height: number; resized: boolean } {
  const scale = Math.min(1, MAX_UPLOAD_SIDE / Math.max(width, height));
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
    resized: scale < 1,
  };
}

/** Whether a file's type says it is an image the browser decodes (its bytes are checked when decoded). */
export function looksLikeImage(type: string): boolean {
  return /^image\/(png|jpeg|gif|webp|bmp|avif|x-icon|vnd\.microsoft\.icon)$/.test(type);
}
