import * as tf from '@tensorflow/tfjs-core';
import { SPARSE_ACCURACY_UPDATE, sparseAccuracyUpdate } from '@tensorfold/core';
import { setSparseAccuracyKernelEnabled } from '@tensorfold/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { useBackend } from '../../init-backend.js';
import { tensorBits } from '../test-utils/run-kernel.js';

afterEach(() => setSparseAccuracyKernelEnabled(true));

/**
 * Scores `[rows, classes]` with awkward rows (ties, NaN first and in the middle, -Infinity, all
 * equal) and class ids, some out of range; seeded.
 */
function batch(rows: number, classes: number): { p: Float32Array; ids: Int32Array } {
  let seed = rows * 31 + classes;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const p = Float32Array.from({ length: rows * classes }, () => Math.round(next() * 8) / 8); // ties
  const ids = Int32Array.from({ length: rows }, () => Math.floor(next() * classes));
  for (let r = 0; r < rows; r++) {
    const at = r * classes;
    if (r % 7 === 1) p[at] = Number.NaN;
    if (r % 7 === 2) p[at + (classes >> 1)] = Number.NaN;
    if (r % 7 === 3) p.fill(Number.NEGATIVE_INFINITY, at, at + classes);
    if (r % 7 === 4) p.fill(0.25, at, at + classes);
    if (r % 11 === 5) ids[r] = r % 2 ? -1 : classes;
  }
  return { p, ids };
}

describe("WASM SPARSE_ACCURACY_UPDATE (core's kernel)", () => {
  it.each([
    [64, 10],
    [128, 10],
    [9, 1],
    [1, 3],
  ])(
    'has the bits of the stock update (ArgMax, Equal, Cast, Sum, Add): %i rows of %i',
    async (rows, classes) => {
      await useBackend('wasm');
      const { p: pv, ids } = batch(rows, classes);
      const p = tf.tensor2d(pv, [rows, classes]);
      const labels = tf.tensor1d(ids, 'int32');
      const [total, count] = [tf.scalar(1234), tf.scalar(2000)];
      const before = tf.memory().numTensors;
      const got = sparseAccuracyUpdate(labels, p, total, count) as tf.Tensor[];
      const want = tf.tidy(() => [
        tf.add(total, tf.sum(tf.cast(tf.equal(labels, tf.argMax(p, -1)), 'float32'))),
        tf.add(count, rows),
      ]);
      expect(got).not.toBeNull();
      for (let i = 0; i < 2; i++) expect(await tensorBits(got[i])).toEqual(await tensorBits(want[i]));
      if (rows > 1) expect((await want[0].data())[0]).toBeGreaterThan(1234); // some rows are right
      tf.dispose([...got, ...want]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([p, labels, total, count]);
    },
  );

  it('declines what it does not take, and is off when switched off: null, for the caller', async () => {
    await useBackend('wasm');
    expect(tf.getKernel(SPARSE_ACCURACY_UPDATE, 'wasm')).toBeDefined();
    const p = tf.fill([2, 3], 0.5);
    const [total, count] = [tf.scalar(0), tf.scalar(0)];
    const declined = [
      sparseAccuracyUpdate(tf.tensor1d([0, 1]), p, total, count), // float ids
      sparseAccuracyUpdate(tf.tensor1d([0, 1, 2], 'int32'), p, total, count), // one id too many
      sparseAccuracyUpdate(tf.tensor1d([0, 1], 'int32'), tf.zeros([2, 0]), total, count), // no classes
      sparseAccuracyUpdate(tf.tensor1d([0, 1], 'int32'), tf.fill([2, 1, 3], 0.5), total, count), // rank 3
    ];
    expect(declined).toEqual([null, null, null, null]);
    setSparseAccuracyKernelEnabled(false);
    expect(sparseAccuracyUpdate(tf.tensor1d([0, 1], 'int32'), p, total, count)).toBeNull();
    tf.dispose([p, total, count]);
  });
});
