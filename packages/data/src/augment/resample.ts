/**
 * Resampling images through per-image affine (or projective) transforms. On WASM and WebGPU this is
 * one `tf.image.transform` call. On the CPU backend it is computed in JavaScript (where the CPU
 * backend keeps its values anyway), because the CPU `Transform` kernel of tfjs-backend-cpu 4.22
 * returns after the first image of a batch and leaves the others blank; on WASM too for
 * `fillMode: 'reflect'`, which its kernel gets wrong.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '@tensorfold/core';
import { assertImageBatch } from './augmentation.js';
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

/**
 * Checks sampling options, so that a typo fails when an augmentation is made, the same way on every
 * backend. @throws ConfigError for an unknown `interpolation` or `fillMode`, or a non-finite `fillValue`.
 */
export function checkSampling(options: SamplingOptions): void {
  const { interpolation, fillMode, fillValue } = options;
  if (interpolation !== undefined && interpolation !== 'bilinear' && interpolation !== 'nearest')
    throw new ConfigError(`interpolation must be 'bilinear' or 'nearest', got '${interpolation}'.`);
  if (fillMode !== undefined && !['constant', 'reflect', 'wrap', 'nearest'].includes(fillMode))
    throw new ConfigError(`fillMode must be 'constant', 'reflect', 'wrap' or 'nearest', got '${fillMode}'.`);
  if (fillValue !== undefined && !Number.isFinite(fillValue))
    throw new ConfigError(`fillValue must be a finite number, got ${fillValue}.`);
}

/**
 * Where a sampling coordinate lands for a fill mode, as the tfjs/TensorFlow `Transform` kernel
 * defines it: the continuous coordinate is mapped (mirrored, wrapped or clamped) and kept inside
 * `[0, len - 1]`, then interpolated; `'constant'` leaves it as is, and taps outside read the fill value.
 */
function placeCoordinate(v: number, len: number, mode: NonNullable<SamplingOptions['fillMode']>): number {
  if (mode === 'constant') return v;
  const last = len - 1;
  let u = v;
  if (len <= 1) u = 0;
  else if (mode === 'wrap') {
    if (u < 0) u += len * (Math.trunc(-u / last) + 1);
    else if (u > last) u -= len * Math.trunc(u / last);
  } else if (mode === 'reflect') {
    const period = 2 * len;
    if (u < 0) {
      u += period * Math.trunc(-u / period); // now in (-period, 0]
      u = u < -len ? u + period : -u - 1;
    } else if (u > last) {
      u -= period * Math.trunc(u / period); // now in [0, period)
      if (u >= len) u = period - u - 1;
    }
  }
  return Math.min(Math.max(u, 0), last);
}

/**
 * Each image of `images` seen through its forward transform (input pixel to output pixel, x =
 * column, y = row): output pixel `p` takes the input at `inverse(matrix) * p`.
 *
 * @param outputSize `[height, width]` of the output. Default: the input size.
 * @throws ShapeError when `images` is not a 4-D batch; ConfigError when there is not one matrix per
 *   image, `outputSize` is not two integers >= 1, or the options are invalid.
 */
export function resampleImages(
  images: tf.Tensor4D,
  forward: readonly Matrix3[],
  options: SamplingOptions = {},
  outputSize?: readonly [number, number],
): tf.Tensor4D {
  assertImageBatch(images, 'resampleImages');
  checkSampling(options);
  const [b, h, w] = images.shape;
  if (!Array.isArray(forward) || forward.length !== b)
    throw new ConfigError(
      `resampleImages got ${forward?.length} matrices for ${b} images; pass one per image.`,
    );
  if (outputSize && !(outputSize.length === 2 && outputSize.every((s) => Number.isInteger(s) && s >= 1)))
    throw new ConfigError(`outputSize must be [height, width] in pixels, got [${outputSize.join(', ')}].`);
  const [oh, ow] = outputSize ?? [h, w];
  const backend = tf.getBackend();
  // tfjs-backend-wasm 4.22's Transform kernel reflects about the wrong edge (a pixel 2 left of
  // [1, 2, 3, 4] reads 4 instead of 2): resample in JS there too (WASM reads tensors synchronously).
  const kernelIsRight = backend !== 'cpu' && !(backend === 'wasm' && options.fillMode === 'reflect');
  if (kernelIsRight) return transformKernel(images, forward, options, [oh, ow]);
  return cpuResample(images, forward, options, [oh, ow]);
}

/** The backend's `Transform` kernel (correct on WASM and WebGPU). */
function transformKernel(
  images: tf.Tensor4D,
  forward: readonly Matrix3[],
  options: SamplingOptions,
  size: [number, number],
): tf.Tensor4D {
  const rows = forward.flatMap((f) => {
    const m = invert(f); // output pixel -> input pixel, normalized so m[8] = 1
    return [
      m[0] / m[8],
      m[1] / m[8],
      m[2] / m[8],
      m[3] / m[8],
      m[4] / m[8],
      m[5] / m[8],
      m[6] / m[8],
      m[7] / m[8],
    ];
  });
  return tf.tidy(() =>
    tf.image.transform(
      images,
      tf.tensor2d(rows, [forward.length, 8]),
      options.interpolation ?? 'bilinear',
      options.fillMode ?? 'constant',
      options.fillValue ?? 0,
      size,
    ),
  );
}

/**
 * Resampling in JavaScript (the CPU backend, whose tensors already live in JS arrays, and WASM
 * for `fillMode: 'reflect'`): one pass
 * computes each output pixel's source taps (one for nearest, four for bilinear) and mixes them.
 */
function cpuResample(
  images: tf.Tensor4D,
  forward: readonly Matrix3[],
  options: SamplingOptions,
  [oh, ow]: [number, number],
): tf.Tensor4D {
  const [b, h, w, c] = images.shape;
  const mode = options.fillMode ?? 'constant';
  const nearest = options.interpolation === 'nearest';
  const taps = nearest ? 1 : 4;
  const pixels = h * w;
  const outPixels = oh * ow;
  const n = b * outPixels;
  const fillRow = b * pixels; // marks a tap outside the image: it reads fillValue
  const index = new Int32Array(taps * n);
  const weight = nearest ? null : new Float32Array(taps * n);
  for (let i = 0; i < b; i++) {
    const m = invert(forward[i]);
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        const k = m[6] * x + m[7] * y + m[8];
        const sx = placeCoordinate((m[0] * x + m[1] * y + m[2]) / k, w, mode);
        const sy = placeCoordinate((m[3] * x + m[4] * y + m[5]) / k, h, mode);
        const out = i * outPixels + y * ow + x;
        // a tap's column or row inside the image, or -1 (it reads the fill value)
        const col = (v: number) => (v >= 0 && v < w ? v : -1);
        const row = (v: number) => (v >= 0 && v < h ? v : -1);
        if (nearest) {
          const ix = col(Math.round(sx));
          const iy = row(Math.round(sy));
          index[out] = ix < 0 || iy < 0 ? fillRow : i * pixels + iy * w + ix;
          continue;
        }
        const x0 = Math.floor(sx);
        const y0 = Math.floor(sy);
        const fx = sx - x0;
        const fy = sy - y0;
        const xa = col(x0);
        const xb = col(x0 + 1);
        const ya = row(y0);
        const yb = row(y0 + 1);
        const base = i * pixels;
        const wts = weight as Float32Array;
        index[out] = xa < 0 || ya < 0 ? fillRow : base + ya * w + xa;
        wts[out] = (1 - fx) * (1 - fy);
        index[n + out] = xb < 0 || ya < 0 ? fillRow : base + ya * w + xb;
        wts[n + out] = fx * (1 - fy);
        index[2 * n + out] = xa < 0 || yb < 0 ? fillRow : base + yb * w + xa;
        wts[2 * n + out] = (1 - fx) * fy;
        index[3 * n + out] = xb < 0 || yb < 0 ? fillRow : base + yb * w + xb;
        wts[3 * n + out] = fx * fy;
      }
    }
  }
  // The CPU backend keeps tensor values in JS arrays: read them (no transfer) and mix the taps in JS.
  const source = images.dataSync() as Float32Array;
  const fill = options.fillValue ?? 0;
  const out = new Float32Array(n * c);
  for (let p = 0; p < n; p++) {
    for (let ch = 0; ch < c; ch++) {
      let v = 0;
      for (let t = 0; t < taps; t++) {
        const row = index[t * n + p];
        const sample = row === fillRow ? fill : source[row * c + ch];
        v += weight ? weight[t * n + p] * sample : sample;
      }
      out[p * c + ch] = v;
    }
  }
  return tf.tensor4d(out, [b, oh, ow, c]);
}

/**
 * Output pixels picked from input pixels by flat index (`image * height * width + row * width + col`),
 * all channels at once: one `gather`.
 */
export function gatherPixels(
  images: tf.Tensor4D,
  index: Int32Array,
  outShape: readonly [number, number, number],
): tf.Tensor4D {
  const [b, h, w, c] = images.shape;
  return tf.tidy(() => {
    const flat = tf.reshape(images, [b * h * w, c]);
    return tf.reshape(tf.gather(flat, tf.tensor1d(index, 'int32')), [...outShape, c]) as tf.Tensor4D;
  });
}
