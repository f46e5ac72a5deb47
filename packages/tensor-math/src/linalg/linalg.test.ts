import { ConfigError, DataError, ShapeError, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose } from '../test-utils/close.js';
import { useTestBackend } from '../test-utils/setup.js';
import { gaussian } from '../test-utils/synthetic.js';
import { eigh } from './eigh.js';
import { lstsq } from './lstsq.js';
import { chooseSvdMethod, svd } from './svd.js';

beforeAll(useTestBackend);

async function checkSvd(matrix: tf.Tensor2D, method: 'host' | 'gram', tolerance: number) {
  const { u, s, vt, method: used } = await svd(matrix, { method });
  expect(used).toBe(method);
  const k = u.shape[1];
  const rebuilt = tf.matMul(tf.mul(u, tf.tensor1d(Array.from(s.subarray(0, k)))), vt!);
  await expectClose(rebuilt, matrix, { atol: tolerance, rtol: tolerance });
  const gram = tf.matMul(u, u, true);
  await expectClose(gram, tf.eye(k), { atol: tolerance });
  for (let i = 1; i < s.length; i++) expect(s[i]).toBeLessThanOrEqual(s[i - 1]);
}

describe('svd', () => {
  it('reconstructs wide and tall matrices on the host path (float64)', async () => {
    await checkSvd(gaussian([5, 9], 1) as tf.Tensor2D, 'host', 1e-5);
    await checkSvd(gaussian([9, 5], 2) as tf.Tensor2D, 'host', 1e-5);
  });

  it('reconstructs wide and tall well-conditioned matrices on the Gram path', async () => {
    await checkSvd(gaussian([6, 40], 3) as tf.Tensor2D, 'gram', 1e-4);
    await checkSvd(gaussian([40, 6], 4) as tf.Tensor2D, 'gram', 1e-4);
  });

  it('gives the same leading singular vectors on both paths', async () => {
    const m = gaussian([8, 30], 5) as tf.Tensor2D;
    const host = await svd(m, { rank: 3, method: 'host', computeVt: false });
    const gram = await svd(m, { rank: 3, method: 'gram', computeVt: false });
    expect(host.vt).toBeNull();
    await expectClose(gram.u, host.u, { atol: 1e-4 });
    for (let i = 0; i < 8; i++) expect(gram.s[i]).toBeCloseTo(host.s[i], 3);
  });

  it('picks the host path for small problems and the Gram path for large ones', () => {
    expect(chooseSvdMethod(20, 1200, 'auto')).toBe('host');
    expect(chooseSvdMethod(100, 10000, 'auto')).toBe('gram');
    expect(chooseSvdMethod(100, 10000, 'host')).toBe('host');
    expect(() => chooseSvdMethod(2, 2, 'fast' as 'auto')).toThrow(ConfigError);
  });

  it('rejects a rank outside 1..min(m, n)', async () => {
    await expect(svd(tf.zeros([3, 5]) as tf.Tensor2D, { rank: 4 })).rejects.toThrow(/from 1 to 3/);
    await expect(svd(tf.zeros([3]) as unknown as tf.Tensor2D)).rejects.toThrow(ShapeError);
  });

  it('raises a DataError for NaN or Infinity on both paths, leaking nothing', async () => {
    const bad = [
      tf.tensor2d([
        [1, Number.NaN, 0],
        [0, 1, 0],
      ]),
      tf.tensor2d([
        [1, 2],
        [Number.POSITIVE_INFINITY, 0],
        [0, 1],
      ]),
    ] as tf.Tensor2D[];
    const before = tf.memory().numTensors;
    for (const m of bad) {
      for (const method of ['host', 'gram'] as const) {
        await expect(svd(m, { method })).rejects.toThrow(DataError);
        await expect(svd(m, { method })).rejects.toThrow(/NaN or Infinity/);
      }
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(bad);
  });
});

describe('eigh', () => {
  it('diagonalises a symmetric matrix, eigenvalues descending', async () => {
    const a = gaussian([5, 5], 7) as tf.Tensor2D;
    const sym = tf.add(a, tf.transpose(a)) as tf.Tensor2D;
    const { values, vectors } = await eigh(sym);
    for (let i = 1; i < 5; i++) expect(values[i]).toBeLessThanOrEqual(values[i - 1]);
    const rebuilt = tf.matMul(tf.mul(vectors, tf.tensor1d(Array.from(values))), vectors, false, true);
    await expectClose(rebuilt, sym, { atol: 1e-5 });
    await expect(eigh(tf.zeros([2, 3]) as tf.Tensor2D)).rejects.toThrow(/square/);
    const nan = tf.tensor2d([
      [1, Number.NaN],
      [Number.NaN, 1],
    ]);
    await expect(eigh(nan)).rejects.toThrow(DataError);
    nan.dispose();
  });
});

describe('lstsq', () => {
  it('solves square, overdetermined and rank-deficient systems', async () => {
    const a = gaussian([4, 4], 8) as tf.Tensor2D;
    const x = gaussian([4, 2], 9) as tf.Tensor2D;
    await expectClose(await lstsq(a, tf.matMul(a, x)), x, { atol: 1e-4 });
    const tall = gaussian([10, 3], 10) as tf.Tensor2D;
    const v = tf.tensor1d([1, -2, 0.5]);
    const b = tf.reshape(tf.matMul(tall, tf.reshape(v, [3, 1])), [10]) as tf.Tensor1D;
    await expectClose(await lstsq(tall, b), v, { atol: 1e-4 });
    // rank 1: minimum-norm solution of [1 1; 1 1] x = [2; 2] is [1; 1]
    const singular = tf.ones([2, 2]) as tf.Tensor2D;
    await expectClose(await lstsq(singular, tf.tensor1d([2, 2])), [1, 1], { atol: 1e-6 });
    await expect(lstsq(a, tf.zeros([3]) as tf.Tensor1D)).rejects.toThrow(/needs 4 rows/);
  });

  it('raises typed errors for NaN and for empty matrices, leaking nothing', async () => {
    const nan = tf.tensor2d([
      [1, 0],
      [0, Number.NaN],
      [1, 1],
    ]);
    const b = tf.tensor1d([1, 2, 3]);
    const empty = tf.zeros([0, 2]) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    await expect(lstsq(nan, b)).rejects.toThrow(DataError);
    await expect(lstsq(tf.ones([3, 2]) as tf.Tensor2D, tf.tensor1d([1, Number.NaN, 3]))).rejects.toThrow(
      DataError,
    );
    await expect(lstsq(empty, tf.zeros([0]) as tf.Tensor1D)).rejects.toThrow(ShapeError);
    await expect(svd(empty)).rejects.toThrow(ShapeError);
    await expect(svd(empty)).rejects.toThrow(/0x2: a matrix needs at least one row and one column/);
    await expect(eigh(tf.zeros([0, 0]) as tf.Tensor2D)).rejects.toThrow(ShapeError);
    expect(tf.memory().numTensors).toBe(before + 4); // the inputs made inline above
    tf.dispose([nan, b, empty]);
  });
});
