import { DataError, type tf } from '@tensorfold/core';
import { encode } from 'fast-png';

/**
 * PNG bytes of `images` `[n, h, w, c]` (c = 1 or 3, values in [0, 1], clipped) laid out in a grid of
 * `columns` columns (default: a square) with a 1-pixel gap; a grey image stays grey, a colour one is RGB.
 */
export async function pngGrid(images: tf.Tensor, columns?: number): Promise<Uint8Array> {
  if (images.rank !== 4 || (images.shape[3] !== 1 && images.shape[3] !== 3))
    throw new DataError(
      `Expected images [n, height, width, 1 or 3]; got shape [${images.shape.join(', ')}].`,
    );
  const [n, h, w, c] = images.shape;
  const cols = columns ?? Math.ceil(Math.sqrt(n));
  const rows = Math.ceil(n / cols);
  const gap = 1;
  const width = cols * (w + gap) - gap;
  const height = rows * (h + gap) - gap;
  const pixels = new Uint8Array(width * height * c).fill(255);
  const values = await images.data();
  for (let k = 0; k < n; k++) {
    const top = Math.floor(k / cols) * (h + gap);
    const left = (k % cols) * (w + gap);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let ch = 0; ch < c; ch++) {
          const v = values[((k * h + y) * w + x) * c + ch];
          pixels[((top + y) * width + left + x) * c + ch] = Math.round(255 * Math.min(1, Math.max(0, v)));
        }
      }
    }
  }
  return encode({ width, height, data: pixels, channels: c, depth: 8 });
}
