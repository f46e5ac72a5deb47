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
  // Flat offsets of the four taps of a pixel (-1: outside the image, reads fillValue) and weights.
  const taps = new Int32Array(4);
  const weights = new Float64Array(4);
  let o = 0;
  for (let b = 0; b < batch; b++) {
    const t = spec.sharedTransform ? 0 : 8 * b;
    const [a0, a1, a2, b0, b1, b2, c0, c1] = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => transforms[t + i]);
    const base = b * imageStride;
    // Offset of (row, col) in this image, or -1 outside it.
    const offset = (row: number, col: number) =>
      row >= 0 && row < height && col >= 0 && col < width ? base + row * rowStride + col * channels : -1;
    for (let y = 0; y < outHeight; y++) {
      for (let x = 0; x < outWidth; x++) {
        const k = c0 * x + c1 * y + 1;
        const inX = mapCoordinate((a0 * x + a1 * y + a2) / k, width, fillMode);
        const inY = mapCoordinate((b0 * x + b1 * y + b2) / k, height, fillMode);
        if (k === 0 || !Number.isFinite(inX) || !Number.isFinite(inY)) {
          for (let c = 0; c < channels; c++) out[o++] = fillValue;
          continue;
        }
        if (interpolation === 'nearest') {
          const at = offset(roundHalfAwayFromZero(inY), roundHalfAwayFromZero(inX));
          for (let c = 0; c < channels; c++) out[o++] = at < 0 ? fillValue : image[at + c];
          continue;
        }
        const x0 = Math.floor(inX);
        const y0 = Math.floor(inY);
        const fx = inX - x0;
        const fy = inY - y0;
        taps[0] = offset(y0, x0);
        taps[1] = offset(y0, x0 + 1);
        taps[2] = offset(y0 + 1, x0);
        taps[3] = offset(y0 + 1, x0 + 1);
        weights[0] = 1 - fx;
        weights[1] = fx;
        weights[2] = 1 - fy;
        weights[3] = fy;
        for (let c = 0; c < channels; c++) {
          const v00 = taps[0] < 0 ? fillValue : image[taps[0] + c];
          const v01 = taps[1] < 0 ? fillValue : image[taps[1] + c];
          const v10 = taps[2] < 0 ? fillValue : image[taps[2] + c];
          const v11 = taps[3] < 0 ? fillValue : image[taps[3] + c];
          // The row above, the row below, then between them (TensorFlow's order).
          const top = weights[0] * v00 + weights[1] * v01;
          const bottom = weights[0] * v10 + weights[1] * v11;
          out[o++] = weights[2] * top + weights[3] * bottom;
        }
      }
    }
  }
}
