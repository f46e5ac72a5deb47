/**
 * The `Transform` kernels (`tf.image.transform`) on every backend that starts here, against a plain
 * JavaScript reference written from TensorFlow's ImageProjectiveTransformV3 definition: batches of
 * several multi-channel images, one transform per image or one for all, every interpolation and
 * fill mode, the input size or another output size.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, ShapeError } from '@tensorfold/core';
import { describe, expect, it } from 'vitest';
import { registerCpuKernels, unregisterCpuKernels } from '../cpu/register-kernels.js';
import { useBackend } from '../init-backend.js';
import { backendsForTests } from '../testing.js';

type Interpolation = 'nearest' | 'bilinear';
type FillMode = 'constant' | 'reflect' | 'wrap' | 'nearest';

// ---- The reference: one output value at a time, as TensorFlow's definition reads. ----

function reflect(v: number, len: number): number {
  // dcba|abcd|dcba: mirror about the outer edge of the edge pixel, repeating every 2 * len.
  if (v >= 0 && v <= len - 1) return v;
  if (len <= 1) return 0;
  let u = v;
  while (u < 0 || u >= 2 * len) u += u < 0 ? 2 * len : -2 * len;
  return Math.min(u <= len - 1 ? u : 2 * len - 1 - u, len - 1);
}

function wrap(v: number, len: number): number {
  // TensorFlow's kernel: whole periods of len, counted in steps of len - 1, then clamped.
  if (len <= 1) return 0;
  let u = v;
  if (u < 0) u = u + len * (Math.floor(-u / (len - 1)) + 1);
  else if (u > len - 1) u = u - len * Math.floor(u / (len - 1));
  return Math.max(0, Math.min(u, len - 1));
}

function place(v: number, len: number, mode: FillMode): number {
  if (mode === 'reflect') return Math.max(0, reflect(v, len));
  if (mode === 'wrap') return wrap(v, len);
  if (mode === 'nearest') return Math.max(0, Math.min(v, len - 1));
  return v;
}

interface Images {
  values: number[];
  shape: [number, number, number, number];
}

function referenceTransform(
  images: Images,
  rows: number[][],
  interpolation: Interpolation,
  fillMode: FillMode,
  fillValue: number,
  [outH, outW]: [number, number],
): number[] {
  const [n, h, w, c] = images.shape;
  const read = (b: number, y: number, x: number, ch: number) =>
    y >= 0 && y < h && x >= 0 && x < w ? images.values[((b * h + y) * w + x) * c + ch] : fillValue;
  const out: number[] = [];
  for (let b = 0; b < n; b++) {
    const [a0, a1, a2, b0, b1, b2, c0, c1] = rows.length === 1 ? rows[0] : rows[b];
    for (let y = 0; y < outH; y++)
      for (let x = 0; x < outW; x++)
        for (let ch = 0; ch < c; ch++) {
          const k = c0 * x + c1 * y + 1;
          if (k === 0) {
            out.push(fillValue);
            continue;
          }
          const sx = place((a0 * x + a1 * y + a2) / k, w, fillMode);
          const sy = place((b0 * x + b1 * y + b2) / k, h, fillMode);
          if (interpolation === 'nearest') {
            const round = (v: number) => Math.sign(v) * Math.floor(Math.abs(v) + 0.5);
            out.push(read(b, round(sy), round(sx), ch));
            continue;
          }
          const [xf, yf] = [Math.floor(sx), Math.floor(sy)];
          const top = (xf + 1 - sx) * read(b, yf, xf, ch) + (sx - xf) * read(b, yf, xf + 1, ch);
          const bottom = (xf + 1 - sx) * read(b, yf + 1, xf, ch) + (sx - xf) * read(b, yf + 1, xf + 1, ch);
          out.push((yf + 1 - sy) * top + (sy - yf) * bottom);
        }
  }
  return out;
}

// ---- The inputs. ----

/** 4 images of 5 x 6 pixels, 2 channels, all values distinct. */
const IMAGES: Images = {
  values: Array.from({ length: 4 * 5 * 6 * 2 }, (_, i) => ((i * 37) % 241) / 8 - 15),
  shape: [4, 5, 6, 2],
};

/** One output-to-input transform per image. */
const PER_IMAGE = [
  // a shift by half pixels: nearest interpolation meets exact ties (rounded away from zero)
  [1, 0, 2.5, 0, 1, -1.5, 0, 0],
  // a rotation with a shift
  [0.8, -0.6, 1.25, 0.6, 0.8, -0.75, 0, 0],
  // a flip, a stretch and a perspective
  [-1, 0, 5.3, 0, 1.5, -2.2, 1 / 64, -1 / 32],
  // a shift of more than two image widths and one height: several periods of reflect and wrap
  [1, 0, -13.75, 0, 1, 6.25, 0, 0],
];

/**
 * One transform for every image: a zoom out with a shear. Coefficients with few binary digits keep
 * coordinates exact in float32, so none lands a rounding error away from a wrap seam or a tie.
 */
const SHARED = [[1.5, 0.25, -1.625, -0.125, 1.25, -0.75, 0, 0]];

const INTERPOLATIONS: Interpolation[] = ['nearest', 'bilinear'];
const FILL_MODES: FillMode[] = ['constant', 'reflect', 'wrap', 'nearest'];
const CASES = INTERPOLATIONS.flatMap((interpolation) =>
  FILL_MODES.flatMap((fillMode) => [
    { interpolation, fillMode, rows: PER_IMAGE, outputShape: undefined },
    { interpolation, fillMode, rows: SHARED, outputShape: [4, 7] as [number, number] },
  ]),
);

/** Runs tf.image.transform on the active backend, reads the result and checks nothing leaked. */
async function transformOnBackend(
  images: Images,
  rows: number[][],
  interpolation: Interpolation,
  fillMode: FillMode,
  fillValue: number,
  outputShape: [number, number] | undefined,
  dtype: 'float32' | 'int32' = 'float32',
): Promise<{ values: number[]; shape: number[]; dtype: string }> {
  const tensorsBefore = tf.memory().numTensors;
  const dataIdsBefore = tf.engine().backend.numDataIds();
  const image = tf.tensor4d(images.values, images.shape, dtype);
  const transforms = tf.tensor2d(rows);
  const out = tf.image.transform(image, transforms, interpolation, fillMode, fillValue, outputShape);
  const result = { values: Array.from(await out.data()), shape: out.shape, dtype: out.dtype };
  tf.dispose([image, transforms, out]);
  expect(tf.memory().numTensors).toBe(tensorsBefore);
  expect(tf.engine().backend.numDataIds()).toBe(dataIdsBefore);
  return result;
}

/** The first element farther than `tolerance` from the reference, as a sentence; null when none. */
function firstMismatch(got: number[], want: number[], tolerance: number): string | null {
  if (got.length !== want.length) return `${got.length} values, the reference has ${want.length}`;
  const i = got.findIndex((v, j) => !(Math.abs(v - want[j]) <= tolerance));
  return i < 0 ? null : `element ${i} is ${got[i]}, the reference gives ${want[i]}`;
}

const backends = await backendsForTests();

describe.each(backends)('tf.image.transform on %s', (backend) => {
  // float32 arithmetic (and GPU division) against the float64 reference
  const tolerance = backend === 'webgpu' ? 1e-3 : 1e-4;

  it.each(CASES.map((c) => [c.interpolation, c.fillMode, c.rows.length, c] as const))(
    '%s interpolation, %s fill, %i transform row(s), like TensorFlow',
    async (_i, _f, _n, { interpolation, fillMode, rows, outputShape }) => {
      await useBackend(backend);
      const size = outputShape ?? [IMAGES.shape[1], IMAGES.shape[2]];
      const got = await transformOnBackend(IMAGES, rows, interpolation, fillMode, 0.5, outputShape);
      expect(got.shape).toEqual([4, ...size, 2]);
      const want = referenceTransform(IMAGES, rows, interpolation, fillMode, 0.5, size);
      expect(firstMismatch(got.values, want, tolerance)).toBeNull();
    },
  );

  it('gives the fill value where the projection is infinite (k = 0)', async () => {
    await useBackend(backend);
    // k = 1 - x / 4 is 0 in column 4.
    const rows = [[1, 0, 0.5, 0, 1, -0.25, -0.25, 0]];
    const got = await transformOnBackend(IMAGES, rows, 'nearest', 'reflect', -7, undefined);
    expect(
      firstMismatch(got.values, referenceTransform(IMAGES, rows, 'nearest', 'reflect', -7, [5, 6]), 1e-6),
    ).toBeNull();
    expect(got.values.filter((v) => v === -7).length).toBe(4 * 5 * 2); // column 4 of every row and image
  });

  it('keeps int32 images int32, truncating interpolated values as TensorFlow casts them', async () => {
    await useBackend(backend);
    // tf.image.transform takes float32 images only: run the kernel.
    const rows = [[1, 0, 0.5, 0, 1, -0.25, 0, 0]];
    const ints: Images = { values: IMAGES.values.map(Math.trunc), shape: IMAGES.shape };
    const tensorsBefore = tf.memory().numTensors;
    const image = tf.tensor4d(ints.values, ints.shape, 'int32');
    const transforms = tf.tensor2d(rows);
    const out = tf
      .engine()
      .runKernel(
        'Transform',
        { image, transforms },
        { interpolation: 'bilinear', fillMode: 'constant', fillValue: -7 },
      ) as tf.Tensor;
    expect(out.dtype).toBe('int32');
    const got = Array.from(await out.data());
    tf.dispose([image, transforms, out]);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    const exact = referenceTransform(ints, rows, 'bilinear', 'constant', -7, [5, 6]);
    expect(exact.some((v) => !Number.isInteger(v))).toBe(true); // truncation matters
    const want = exact.map(Math.trunc);
    expect(firstMismatch(got, want, 0)).toBeNull();
  });

  it('rejects bad inputs with typed errors that say what to do, and allocates nothing', async () => {
    await useBackend(backend);
    const image = tf.zeros([2, 3, 3, 1]);
    const tensorsBefore = tf.memory().numTensors;
    const run = (transforms: tf.Tensor, attrs: Record<string, unknown>) => () =>
      tf
        .engine()
        .runKernel(
          'Transform',
          { image, transforms },
          { interpolation: 'nearest', fillMode: 'constant', fillValue: 0, ...attrs },
        );
    const three = tf.zeros([3, 8]);
    expect(run(three, {})).toThrow(ShapeError);
    expect(run(three, {})).toThrow(/\[2, 8\]/);
    const one = tf.zeros([1, 8]);
    expect(run(one, { fillMode: 'mirror' })).toThrow(ConfigError);
    expect(run(one, { interpolation: 'cubic' })).toThrow(ConfigError);
    expect(run(one, { outputShape: [0, 3] })).toThrow(ConfigError);
    expect(tf.memory().numTensors).toBe(tensorsBefore + 2);
    tf.dispose([image, three, one]);
  });
});

describe('registerCpuKernels', () => {
  it('is idempotent, and unregisterCpuKernels puts the stock Transform back', async () => {
    await useBackend('cpu');
    const ours = tf.getKernel('Transform', 'cpu');
    expect(registerCpuKernels()).toEqual([]);
    expect(unregisterCpuKernels()).toContain('Transform');
    expect(tf.getKernel('Transform', 'cpu')).not.toBe(ours);
    expect(unregisterCpuKernels()).toEqual([]);
    expect(registerCpuKernels()).toContain('Transform');
    const rows = PER_IMAGE.slice(0, 2);
    const twoImages: Images = { values: IMAGES.values.slice(0, 120), shape: [2, 5, 6, 2] };
    const got = await transformOnBackend(twoImages, rows, 'nearest', 'reflect', 0, undefined);
    expect(
      firstMismatch(got.values, referenceTransform(twoImages, rows, 'nearest', 'reflect', 0, [5, 6]), 1e-4),
    ).toBeNull();
  });
});
