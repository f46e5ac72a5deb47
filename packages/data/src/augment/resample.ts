/**
 * Resampling images through per-image affine (or projective) transforms, built from `gather`, `mul`
 * and `sum` so it runs the same on every backend. (`tf.image.transform` is not used: the CPU kernel
 * of tfjs-backend-cpu 4.22 returns after the first image of a batch, leaving the others blank.)
 * Source coordinates are computed in JavaScript, one set per output pixel.
 */
import * as tf from '@tensorflow/tfjs-core';
import { invert, type Matrix3 } from './matrix.js';

/** How pixels are sampled and what lies outside the image. */
export interface SamplingOptions {
  /** `'bilinear'` (smooth) or `'nearest'` (exact pixel values). Default `'bilinear'`. */
  interpolation?: 'bilinear' | 'nearest';
  /** `'constant'` (fillValue), `'reflect'` (mirror at the edge), `'wrap'` (tile) or `'nearest'` (repeat the edge). Default `'constant'`. */
  fillMode?: 'constant' | 'reflect' | 'wrap' | 'nearest';
  /** Value outside the image for `fillMode: 'constant'`. Default 0. */
  fillValue?: number;
}

/** Maps an integer coordinate outside `[0, len)` per the fill mode; -1 means "use the fill value". */
function mapCoordinate(i: number, len: number, mode: NonNullable<SamplingOptions['fillMode']>): number {
  if (i >= 0 && i < len) return i;
  switch (mode) {
    case 'nearest':
      return i < 0 ? 0 : len - 1;
    case 'wrap':
      return ((i % len) + len) % len;
    case 'reflect': {
      if (len === 1) return 0;
      const period = 2 * len;
      const m = ((i % period) + period) % period;
      return m < len ? m : period - 1 - m;
    }
    default:
      return -1;
  }
}

/**
 * Each image of `images` seen through its forward transform (input pixel to output pixel, x =
 * column, y = row): output pixel `p` takes the input at `inverse(matrix) * p`.
 *
 * @param outputSize `[height, width]` of the output. Default: the input size.
 */
export function resampleImages(
  images: tf.Tensor4D,
  forward: readonly Matrix3[],
  options: SamplingOptions = {},
  outputSize?: readonly [number, number],
): tf.Tensor4D {
  const [b, h, w, c] = images.shape;
  const [oh, ow] = outputSize ?? [h, w];
  const mode = options.fillMode ?? 'constant';
  const nearest = options.interpolation === 'nearest';
  const taps = nearest ? 1 : 4;
  const pixels = h * w;
  const outPixels = oh * ow;
  const n = b * outPixels;
  const fillRow = b * pixels; // index of the extra row holding fillValue
  const index = new Int32Array(taps * n);
  const weight = nearest ? null : new Float32Array(taps * n);
  for (let i = 0; i < b; i++) {
    const m = invert(forward[i]);
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        const k = m[6] * x + m[7] * y + m[8];
        const sx = (m[0] * x + m[1] * y + m[2]) / k;
        const sy = (m[3] * x + m[4] * y + m[5]) / k;
        const out = i * outPixels + y * ow + x;
        if (nearest) {
          const ix = mapCoordinate(Math.round(sx), w, mode);
          const iy = mapCoordinate(Math.round(sy), h, mode);
          index[out] = ix < 0 || iy < 0 ? fillRow : i * pixels + iy * w + ix;
          continue;
        }
        const x0 = Math.floor(sx);
        const y0 = Math.floor(sy);
        const fx = sx - x0;
        const fy = sy - y0;
        const corners: Array<[number, number, number]> = [
          [x0, y0, (1 - fx) * (1 - fy)],
          [x0 + 1, y0, fx * (1 - fy)],
          [x0, y0 + 1, (1 - fx) * fy],
          [x0 + 1, y0 + 1, fx * fy],
        ];
        corners.forEach(([cx, cy, wt], t) => {
          const ix = mapCoordinate(cx, w, mode);
          const iy = mapCoordinate(cy, h, mode);
          index[t * n + out] = ix < 0 || iy < 0 ? fillRow : i * pixels + iy * w + ix;
          (weight as Float32Array)[t * n + out] = wt;
        });
      }
    }
  }
  return tf.tidy(() => {
    const flat = tf.concat([tf.reshape(images, [b * pixels, c]), tf.fill([1, c], options.fillValue ?? 0)]); // [input pixels + 1, channels]
    const gathered = tf.gather(flat, tf.tensor1d(index, 'int32')); // [taps * output pixels, channels]
    const mixed = weight
      ? tf.sum(tf.mul(tf.reshape(gathered, [taps, n, c]), tf.tensor3d(weight, [taps, n, 1])), 0)
      : gathered;
    return tf.reshape(mixed, [b, oh, ow, c]) as tf.Tensor4D;
  });
}
