import { mapCoordinate, roundHalfAwayFromZero } from './map-coordinate.js';
import type { TransformSpec } from './transform-spec.js';

/** A writable array of numbers (Float32Array or Int32Array: values written to it are converted). */
export interface WritableNumbers {
  readonly length: number;
  [index: number]: number;
}

/**
 * Resamples every image of a batch through its projective transform, with TensorFlow's
 * `ImageProjectiveTransformV3` semantics. Row `[a0, a1, a2, b0, b1, b2, c0, c1]` of `transforms` maps
 * output pixel `(x, y)` (x = column) to input point `((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k)`
 * with `k = c0 x + c1 y + 1`; that point is placed per fill mode (see `mapCoordinate`) and read with
 * nearest (halves away from zero) or bilinear interpolation, taps outside the image reading
 * `fillValue`. Where `k` is 0 (a point at infinity), or the point is not finite, the output is
 * `fillValue`.
 *
 * @param image `[batch, height, width, channels]` values, row-major.
 * @param transforms `[batch, 8]` or `[1, 8]` rows (see `spec.sharedTransform`).
 * @param out receives `[batch, outHeight, outWidth, channels]` values; every element is written.
 */
export function transformImages(
  image: ArrayLike<number>,
  transforms: ArrayLike<number>,
  spec: TransformSpec,
  out: WritableNumbers,
): void {
  const { batch, height, width, channels, outHeight, outWidth, interpolation, fillMode, fillValue } = spec;
  const rowStride = width * channels;
  const imageStride = height * rowStride;
  const nearest = interpolation === 'nearest';
  let o = 0;
  for (let b = 0; b < batch; b++) {
    const t = spec.sharedTransform ? 0 : 8 * b;
    const a0 = transforms[t];
    const a1 = transforms[t + 1];
    const a2 = transforms[t + 2];
    const b0 = transforms[t + 3];
    const b1 = transforms[t + 4];
    const b2 = transforms[t + 5];
    const c0 = transforms[t + 6];
    const c1 = transforms[t + 7];
    const base = b * imageStride;
    for (let y = 0; y < outHeight; y++) {
      for (let x = 0; x < outWidth; x++) {
        const k = c0 * x + c1 * y + 1;
        const inX = mapCoordinate((a0 * x + a1 * y + a2) / k, width, fillMode);
        const inY = mapCoordinate((b0 * x + b1 * y + b2) / k, height, fillMode);
        if (k === 0 || !Number.isFinite(inX) || !Number.isFinite(inY)) {
          for (let c = 0; c < channels; c++) out[o++] = fillValue;
          continue;
        }
        if (nearest) {
          const row = roundHalfAwayFromZero(inY);
          const col = roundHalfAwayFromZero(inX);
          if (row >= 0 && row < height && col >= 0 && col < width) {
            const at = base + row * rowStride + col * channels;
            for (let c = 0; c < channels; c++) out[o++] = image[at + c];
          } else {
            for (let c = 0; c < channels; c++) out[o++] = fillValue;
          }
          continue;
        }
        // The four taps around (inX, inY); a tap outside the image (offset -1) reads fillValue.
        const x0 = Math.floor(inX);
        const y0 = Math.floor(inY);
        const fx = inX - x0;
        const fy = inY - y0;
        const col0 = x0 >= 0 && x0 < width ? x0 * channels : -1;
        const col1 = x0 + 1 >= 0 && x0 + 1 < width ? (x0 + 1) * channels : -1;
        const row0 = y0 >= 0 && y0 < height ? base + y0 * rowStride : -1;
        const row1 = y0 + 1 >= 0 && y0 + 1 < height ? base + (y0 + 1) * rowStride : -1;
        const p00 = row0 < 0 || col0 < 0 ? -1 : row0 + col0;
        const p01 = row0 < 0 || col1 < 0 ? -1 : row0 + col1;
        const p10 = row1 < 0 || col0 < 0 ? -1 : row1 + col0;
        const p11 = row1 < 0 || col1 < 0 ? -1 : row1 + col1;
        for (let c = 0; c < channels; c++) {
          const v00 = p00 < 0 ? fillValue : image[p00 + c];
          const v01 = p01 < 0 ? fillValue : image[p01 + c];
          const v10 = p10 < 0 ? fillValue : image[p10 + c];
          const v11 = p11 < 0 ? fillValue : image[p11 + c];
          // The row above, the row below, then between them (TensorFlow's order).
          const top = (1 - fx) * v00 + fx * v01;
          const bottom = (1 - fx) * v10 + fx * v11;
          out[o++] = (1 - fy) * top + fy * bottom;
        }
      }
    }
  }
}
