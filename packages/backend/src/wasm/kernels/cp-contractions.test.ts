/**
 * CP-ALS's contraction kernels on WASM (`khatri-rao-contraction.ts`, `row-contraction.ts`, SIMD in
 * `mttkrp.wat`) against float64 sums written out here: the SIMD build, the FMA build and the
 * JavaScript path (SIMD off), with odd row counts and column counts that leave a tail after the
 * SIMD blocks; then a long run that would surface a write outside an output.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { useBackend } from '../../init-backend.js';
import { mttkrpKernelsFlavor } from '../simd/mttkrp-kernels.js';
import { setFmaKernelsEnabled, setSimdKernelsEnabled } from '../simd/simd-kernels.js';
import { sequence, worstExcess } from '../test-utils/run-kernel.js';
import { KHATRI_RAO_CONTRACTION } from './khatri-rao-contraction.js';
import { ROW_CONTRACTION } from './row-contraction.js';

/** `out[r, c] = Σ_b left[r, b] · Σ_a right[r, a] · x[b, a, c]`, float64. */
function khatriRaoReference(
  x: Float32Array,
  left: Float32Array,
  right: Float32Array,
  [rows, before, after, cols]: number[],
): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++)
    for (let b = 0; b < before; b++)
      for (let a = 0; a < after; a++)
        for (let c = 0; c < cols; c++)
          out[r * cols + c] += left[r * before + b] * right[r * after + a] * x[(b * after + a) * cols + c];
  return out;
}

/** `out[r, i] = Σ_b left[r, b] · Σ_a right[r, a] · p[r, b, i, a]`, float64. */
function rowReference(
  p: Float32Array,
  left: Float32Array,
  right: Float32Array,
  [rows, stride, before, n, after]: number[],
): Float64Array {
  const out = new Float64Array(rows * n);
  for (let r = 0; r < rows; r++)
    for (let b = 0; b < before; b++)
      for (let i = 0; i < n; i++)
        for (let a = 0; a < after; a++)
          out[r * n + i] +=
            left[r * before + b] * right[r * after + a] * p[r * stride + (b * n + i) * after + a];
  return out;
}

async function run(name: string, inputs: Record<string, tf.Tensor>, attrs: tf.NamedAttrMap = {}) {
  const out = tf.engine().runKernel(name, inputs, attrs) as tf.Tensor;
  const values = Float32Array.from(await out.data());
  const shape = out.shape;
  out.dispose();
  return { values, shape };
}

const builds = [
  ['FMA build', () => undefined],
  [
    'SIMD build',
    () => {
      setFmaKernelsEnabled(false);
    },
  ],
  [
    'JavaScript path',
    () => {
      setSimdKernelsEnabled(false);
    },
  ],
] as const;

describe('WASM CP contraction kernels', () => {
  afterEach(() => {
    setSimdKernelsEnabled(true);
    setFmaKernelsEnabled(true);
  });

  describe.each(builds)('%s', (build, choose) => {
    it.each([
      // [rows, before, after, cols]
      [10, 1, 64, 4112], // the bench's Pᵀ (one b, a padded row)
      [10, 64, 64, 64], // the bench's last-mode MTTKRP
      [3, 5, 7, 37], // an odd row, a tail of 5 columns
      [2, 2, 1, 16],
      [1, 3, 4, 20], // one row: JavaScript only
      [4, 2, 3, 9], // fewer columns than a SIMD block
    ])(
      'Khatri-Rao contraction %i x (%i, %i) x %i matches float64 sums',
      async (rows, before, after, cols) => {
        await useBackend('wasm');
        choose();
        if (build === 'FMA build') expect(mttkrpKernelsFlavor()).toBe('fma');
        const start = tf.memory().numTensors;
        const values = {
          x: sequence(before * after * cols, 1),
          left: sequence(rows * before, 2),
          right: sequence(rows * after, 3),
        };
        const x = tf.tensor3d(values.x, [before, after, cols]);
        const left = tf.tensor2d(values.left, [rows, before]);
        const right = tf.tensor2d(values.right, [rows, after]);
        const got = await run(KHATRI_RAO_CONTRACTION, { x, left, right });
        tf.dispose([x, left, right]);
        expect(tf.memory().numTensors).toBe(start);
        expect(got.shape).toEqual([rows, cols]);
        const want = khatriRaoReference(values.x, values.left, values.right, [rows, before, after, cols]);
        const scale = Math.max(...Array.from(want, Math.abs));
        expect(worstExcess(got.values, want, 0)).toBeLessThanOrEqual(1e-5 * scale);
      },
    );

    it.each([
      // [rows, stride, before, n, after]
      [10, 4112, 1, 64, 64], // the bench's mode 1
      [10, 4112, 64, 64, 1], // the bench's mode 2
      [3, 7 * 6 * 5 + 3, 7, 6, 5], // a middle mode of a 4-way tensor, a padded row
      [2, 30, 5, 6, 1], // n not a multiple of 4
      [1, 9, 1, 3, 3],
    ])(
      'row contraction [%i, %i] as (%i, %i, %i) matches float64 sums',
      async (rows, stride, before, n, after) => {
        await useBackend('wasm');
        choose();
        const start = tf.memory().numTensors;
        const values = {
          p: sequence(rows * stride, 4),
          left: sequence(rows * before, 5),
          right: sequence(rows * after, 6),
        };
        const p = tf.tensor2d(values.p, [rows, stride]);
        const left = tf.tensor2d(values.left, [rows, before]);
        const right = tf.tensor2d(values.right, [rows, after]);
        const got = await run(ROW_CONTRACTION, { p, left, right }, { size: n });
        tf.dispose([p, left, right]);
        expect(tf.memory().numTensors).toBe(start);
        expect(got.shape).toEqual([rows, n]);
        const want = rowReference(values.p, values.left, values.right, [rows, stride, before, n, after]);
        // float64 sums rounded once: float32 resolution of each value
        expect(worstExcess(got.values, want, 2 ** -23)).toBeLessThanOrEqual(1e-30);
      },
    );
  });

  it('writes nothing outside its outputs over a long run, and rejects shapes that do not fit', async () => {
    await useBackend('wasm');
    const guard = tf.tensor1d(sequence(4096, 7));
    const guardValues = Float32Array.from(await guard.data());
    const start = tf.memory().numTensors;
    for (let i = 0; i < 60; i++) {
      const [rows, before, after, cols] = [1 + (i % 5), 1 + (i % 3), 1 + (i % 7), 1 + ((i * 7) % 40)];
      const x = tf.tensor3d(sequence(before * after * cols, i), [before, after, cols]);
      const left = tf.tensor2d(sequence(rows * before, i + 1), [rows, before]);
      const right = tf.tensor2d(sequence(rows * after, i + 2), [rows, after]);
      const p = tf.tensor2d(sequence(rows * before * cols * after, i + 3), [rows, before * cols * after]);
      await run(KHATRI_RAO_CONTRACTION, { x, left, right });
      await run(ROW_CONTRACTION, { p, left, right }, { size: cols });
      tf.dispose([x, left, right, p]);
    }
    expect(tf.memory().numTensors).toBe(start);
    expect(Array.from(await guard.data())).toEqual(Array.from(guardValues));
    const x = tf.zeros([2, 3, 4]);
    const left = tf.zeros([2, 3]);
    expect(() =>
      tf.engine().runKernel(KHATRI_RAO_CONTRACTION, { x, left, right: tf.zeros([2, 2]) }, {}),
    ).toThrow(/left must be \[rows, 2\]|right/);
    expect(() =>
      tf
        .engine()
        .runKernel(ROW_CONTRACTION, { p: tf.zeros([2, 5]), left, right: tf.zeros([2, 2]) }, { size: 1 }),
    ).toThrow(/fewer than/);
    tf.disposeVariables();
    tf.dispose([x, left, guard]);
  });
});
