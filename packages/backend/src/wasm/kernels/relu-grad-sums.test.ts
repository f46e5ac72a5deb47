import * as tf from '@tensorflow/tfjs-core';
import { RELU_GRAD_SUMS, reluGradient, reluGradientAndSums } from '@tensorfold/core';
import { setReluGradSumsEnabled } from '@tensorfold/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { useBackend } from '../../init-backend.js';
import { sequence, tensorBits } from '../test-utils/run-kernel.js';

afterEach(() => setReluGradSumsEnabled(true));

/** Values with NaN, both infinities, both zeros and the smallest positive float among them. */
function awkward(size: number, seed: number): Float32Array {
  const special = [Number.NaN, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, -0, 0, 1e-45];
  return sequence(size, seed).map((v, i) => (i % 7 === 3 ? special[(i >> 3) % special.length] : v));
}

/** The kernel calls `f` makes (a name per call, in order). */
async function kernelsOf(f: () => tf.Tensor[]): Promise<string[]> {
  const info = await tf.profile(() => f());
  tf.dispose(info.result as tf.Tensor[]);
  return info.kernels.map((k) => k.name);
}

describe('WASM RELU_GRAD_SUMS (relu-grad.wat reluGradSums)', () => {
  it.each([
    ['a dense layer, batch 128', [128, 512]],
    ['columns not a multiple of 4 (the scalar tail)', [33, 10]],
    ['8 columns (Sum takes its narrow form)', [50, 8]],
    ['rank 3', [4, 5, 12]],
    ['1,024 rows (the most in one pass)', [1024, 4]],
    ['more rows than one pass adds (Sum adds blocks: the two kernels)', [1500, 6]],
    ['empty', [0, 8]],
  ])('gives RELU_GRAD then Sum over the leading axes bit for bit: %s', async (_, shape) => {
    await useBackend('wasm');
    expect(tf.getKernel(RELU_GRAD_SUMS, 'wasm')).toBeDefined();
    const size = shape.reduce((a, n) => a * n, 1);
    const dy = tf.tensor(awkward(size, 1), shape);
    const y = tf.tensor(awkward(size, 2), shape);
    const before = tf.memory().numTensors;
    const fused = reluGradientAndSums(dy, y);
    expect(fused).not.toBeNull();
    const [dx, sums] = fused as [tf.Tensor, tf.Tensor];
    const wantDx = reluGradient(dy, y);
    const wantSums = tf.sum(
      wantDx,
      shape.slice(0, -1).map((_, i) => i),
    );
    expect(dx.shape).toEqual(shape);
    expect(sums.shape).toEqual([shape[shape.length - 1]]);
    expect(await tensorBits(dx)).toEqual(await tensorBits(wantDx));
    expect(await tensorBits(sums)).toEqual(await tensorBits(wantSums));
    tf.dispose([dx, sums, wantDx, wantSums]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([dy, y]);
  });

  it("trains a relu dense layer's bias with one kernel for mask and sums, the same bits as two", async () => {
    await useBackend('wasm');
    const x = tf.tensor(sequence(64 * 24, 3), [64, 24]);
    const w = tf.tensor(sequence(24 * 16, 4), [24, 16]);
    const bias = tf.tensor(sequence(16, 5), [16]);
    const loss = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
      tf.sum(
        tf
          .engine()
          .runKernel(
            '_FusedMatMul',
            { a, b, bias: c },
            { transposeA: false, transposeB: false, activation: 'relu' },
          ) as tf.Tensor,
      );
    const grads = () => tf.grads(loss)([x, w, bias]);
    const one = await kernelsOf(grads);
    const sums = (names: string[]) => names.filter((n) => n === 'Sum').length;
    expect(one).toContain(RELU_GRAD_SUMS);
    expect(sums(one)).toBe(1); // the loss's own
    const on = grads();
    setReluGradSumsEnabled(false);
    const two = await kernelsOf(grads);
    expect(two).not.toContain(RELU_GRAD_SUMS);
    expect(sums(two)).toBe(2); // the loss's, the bias's
    const off = grads();
    for (let i = 0; i < 3; i++) expect(await tensorBits(on[i])).toEqual(await tensorBits(off[i]));
    tf.dispose([...on, ...off, x, w, bias]);
  });

  it.each([
    ['32 rows of output (one pass)', [2, 6, 6, 3]],
    ['2,048 rows of output (Sum adds blocks: the two kernels)', [8, 18, 18, 3]],
  ])("trains a relu convolution's bias the same way, the same bits as two kernels: %s", async (_, xShape) => {
    await useBackend('wasm');
    const size = xShape.reduce((a, n) => a * n, 1);
    const x = tf.tensor(sequence(size, 6), xShape);
    const filter = tf.tensor(sequence(3 * 3 * 3 * 4, 7), [3, 3, 3, 4]);
    const bias = tf.tensor(sequence(4, 8), [4]);
    const attrs = { strides: 1, pad: 'valid', dataFormat: 'NHWC', dilations: 1, activation: 'relu' };
    const loss = (a: tf.Tensor, f: tf.Tensor, c: tf.Tensor) =>
      tf.sum(tf.engine().runKernel('FusedConv2D', { x: a, filter: f, bias: c }, attrs as never) as tf.Tensor);
    const grads = () => tf.grads(loss)([x, filter, bias]);
    expect(await kernelsOf(grads)).toContain(RELU_GRAD_SUMS);
    const on = grads();
    setReluGradSumsEnabled(false);
    expect(await kernelsOf(grads)).not.toContain(RELU_GRAD_SUMS);
    const off = grads();
    for (let i = 0; i < 3; i++) expect(await tensorBits(on[i])).toEqual(await tensorBits(off[i]));
    tf.dispose([...on, ...off, x, filter, bias]);
  });
});
