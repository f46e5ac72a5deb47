/**
 * CP-ALS's contractions (`khatri-rao-contraction.ts`, `row-contraction.ts`): the tfjs-op forms on
 * the CPU backend against the definitions, and on WASM the kernels `@tensorfold/backend` registers
 * against those forms (`setContractionKernels(false)`), alone and inside a whole `cp` fit.
 */
import { useBackend } from '@tensorfold/backend';
import { tf } from '@tensorfold/core';
import { afterEach, describe, expect, it } from 'vitest';
import { cp } from '../decomposition/cp.js';
import { exactCpTensor, gaussian } from '../test-utils/synthetic.js';
import { setContractionKernels } from './contraction-kernels.js';
import {
  KHATRI_RAO_CONTRACTION_KERNEL,
  khatriRaoContraction,
  khatriRaoContractionKernelActive,
} from './khatri-rao-contraction.js';
import { ROW_CONTRACTION_KERNEL, rowContraction } from './row-contraction.js';

async function values(t: tf.Tensor): Promise<Float32Array> {
  const out = Float32Array.from(await t.data());
  t.dispose();
  return out;
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, rtol = 1e-5): void {
  expect(got.length).toBe(want.length);
  const scale = Math.max(1e-30, ...Array.from(want, Math.abs));
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(rtol * scale);
}

/** `(X_(3) · (leftᵀ ⊙ rightᵀ))ᵀ` the long way: every term, float64. */
async function khatriRaoDefinition(
  x: tf.Tensor3D,
  left: tf.Tensor2D,
  right: tf.Tensor2D,
): Promise<Float64Array> {
  const [before, after, cols] = x.shape;
  const rows = left.shape[0];
  const [xv, lv, rv] = await Promise.all([x.data(), left.data(), right.data()]);
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++)
    for (let b = 0; b < before; b++)
      for (let a = 0; a < after; a++)
        for (let c = 0; c < cols; c++)
          out[r * cols + c] += lv[r * before + b] * rv[r * after + a] * xv[(b * after + a) * cols + c];
  return out;
}

const SHAPES = [
  // [rows, before, after, cols]
  [4, 1, 6, 20],
  [3, 5, 4, 17],
  [6, 3, 1, 32],
] as const;

describe('CP contractions', () => {
  afterEach(() => setContractionKernels(true));

  it('compute their definitions with tfjs ops on the CPU backend, and check shapes', async () => {
    await useBackend('cpu');
    expect(khatriRaoContractionKernelActive()).toBe(false);
    const start = tf.memory().numTensors;
    for (const [rows, before, after, cols] of SHAPES) {
      const x = gaussian([before, after, cols], 1) as tf.Tensor3D;
      const left = gaussian([rows, before], 2) as tf.Tensor2D;
      const right = gaussian([rows, after], 3) as tf.Tensor2D;
      expectClose(
        await values(khatriRaoContraction(x, left, right)),
        await khatriRaoDefinition(x, left, right),
      );
      // the row contraction of p [rows, before·cols·after + 2] equals the Khatri-Rao one of each row
      const p = gaussian([rows, before * cols * after + 2], 4) as tf.Tensor2D;
      const got = await values(rowContraction(p, left, right, cols));
      const pv = await p.data();
      for (let r = 0; r < rows; r++) {
        const row = tf.tensor3d(
          // [before, cols, after] -> [before, after, cols]
          Array.from({ length: before * after * cols }, (_, k) => {
            const c = k % cols;
            const a = Math.floor(k / cols) % after;
            const b = Math.floor(k / (cols * after));
            return pv[r * p.shape[1] + (b * cols + c) * after + a];
          }),
          [before, after, cols],
        );
        const leftRow = tf.slice(left, [r, 0], [1, before]) as tf.Tensor2D;
        const rightRow = tf.slice(right, [r, 0], [1, after]) as tf.Tensor2D;
        const one = await khatriRaoDefinition(row, leftRow, rightRow);
        expectClose(got.slice(r * cols, (r + 1) * cols), one);
        tf.dispose([row, leftRow, rightRow]);
      }
      tf.dispose([x, left, right, p]);
    }
    tf.disposeVariables();
    expect(tf.memory().numTensors).toBe(start);
    const x = tf.zeros([2, 3, 4]) as tf.Tensor3D;
    expect(() =>
      khatriRaoContraction(x, tf.zeros([2, 3]) as tf.Tensor2D, tf.zeros([2, 2]) as tf.Tensor2D),
    ).toThrow(/left \[rows, 2\] and right \[rows, 3\]|right \[rows, 3\]/);
    expect(() =>
      rowContraction(
        tf.zeros([2, 5]) as tf.Tensor2D,
        tf.zeros([2, 2]) as tf.Tensor2D,
        tf.zeros([2, 2]) as tf.Tensor2D,
        2,
      ),
    ).toThrow(/before·2·after <= 5/);
  });

  it("run @tensorfold/backend's WASM kernels under the names it registers, with the tfjs-op forms' results", async () => {
    await useBackend('wasm');
    expect(tf.getKernel(KHATRI_RAO_CONTRACTION_KERNEL, 'wasm')).toBeDefined();
    expect(tf.getKernel(ROW_CONTRACTION_KERNEL, 'wasm')).toBeDefined();
    const start = tf.memory().numTensors;
    for (const [rows, before, after, cols] of [...SHAPES, [10, 1, 64, 64 * 64 + 16], [10, 64, 64, 64]]) {
      const x = gaussian([before, after, cols], 5) as tf.Tensor3D;
      const left = gaussian([rows, before], 6) as tf.Tensor2D;
      const right = gaussian([rows, after], 7) as tf.Tensor2D;
      const p = gaussian([rows, before * cols * after], 8) as tf.Tensor2D;
      const kernel = [
        await values(khatriRaoContraction(x, left, right)),
        await values(rowContraction(p, left, right, cols)),
      ];
      setContractionKernels(false);
      const ops = [
        await values(khatriRaoContraction(x, left, right)),
        await values(rowContraction(p, left, right, cols)),
      ];
      setContractionKernels(true);
      expectClose(kernel[0], ops[0], 1e-5);
      expectClose(kernel[1], ops[1], 1e-5);
      tf.dispose([x, left, right, p]);
    }
    expect(tf.memory().numTensors).toBe(start);
  });

  it('give a WASM cp fit the errors of the fit without them, for odd and even ranks', async () => {
    await useBackend('wasm');
    for (const [shape, rank] of [
      [[12, 10, 14], 3],
      [[8, 9, 10, 6], 4],
    ] as const) {
      const x = exactCpTensor(shape, rank, 3);
      const noisy = tf.tidy(() => tf.add(x, tf.mul(gaussian(shape, 4), 0.05)));
      const start = tf.memory().numTensors;
      const withKernels = await cp(noisy, rank, { seed: 2, nIterMax: 15, tol: 0 });
      setContractionKernels(false);
      const without = await cp(noisy, rank, { seed: 2, nIterMax: 15, tol: 0 });
      setContractionKernels(true);
      const [a, b] = [withKernels.history!.errors, without.history!.errors];
      expect(a.length).toBe(15);
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-5);
      for (let i = 1; i < a.length; i++) expect(a[i]).toBeLessThanOrEqual(a[i - 1] + 1e-6);
      withKernels.dispose();
      without.dispose();
      expect(tf.memory().numTensors).toBe(start);
      tf.dispose([x, noisy]);
    }
  });
});
