/**
 * On WASM a sparse categorical accuracy's update is one kernel (core's SPARSE_ACCURACY_UPDATE): the same
 * results as the stock ops, and the stock ops still where samples are weighted.
 */
import { useBackend } from '@tensorfold/backend';
import { SPARSE_ACCURACY_UPDATE, tf } from '@tensorfold/core';
import { setSparseAccuracyKernelEnabled } from '@tensorfold/core/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SparseCategoricalAccuracy } from './accuracy.js';

beforeAll(() => useBackend('wasm'), 60_000);
afterEach(() => setSparseAccuracyKernelEnabled(true));

/** Three batches' updates (float ids in the last), the result, and how often the kernel ran. */
async function accuracy(kernel: boolean, weighted: boolean) {
  setSparseAccuracyKernelEnabled(kernel);
  const config = tf.getKernel(SPARSE_ACCURACY_UPDATE, 'wasm') as tf.KernelConfig;
  const stock = config.kernelFunc;
  let calls = 0;
  config.kernelFunc = (args) => {
    calls++;
    return stock(args);
  };
  const metric = new SparseCategoricalAccuracy();
  const before = tf.memory().numTensors;
  try {
    for (let b = 0; b < 3; b++) {
      tf.tidy(() => {
        const p = tf.softmax(tf.randomNormal([32, 5], 0, 1, 'float32', b + 1));
        const ids = tf.randomUniform([32], 0, 5, 'int32', b + 10);
        const w = weighted ? tf.randomUniform([32], 0, 2, 'float32', b + 20) : undefined;
        metric.update(b === 2 ? tf.cast(ids, 'float32') : ids, p, w);
      });
    }
    const result = metric.result();
    const value = (await result.data())[0];
    result.dispose();
    return { value, calls, grew: tf.memory().numTensors - before };
  } finally {
    config.kernelFunc = stock;
    metric.dispose();
  }
}

describe('SparseCategoricalAccuracy on WASM', () => {
  it('updates in one kernel a batch, to the value of the stock ops', async () => {
    const on = await accuracy(true, false);
    const off = await accuracy(false, false);
    expect(on.calls).toBe(3);
    expect(off.calls).toBe(0);
    expect(on.value).toBe(off.value);
    expect(on.value).toBeGreaterThan(0);
    expect([on.grew, off.grew]).toEqual([0, 0]); // nothing left over
  });

  it('takes the stock ops where samples are weighted', async () => {
    const weighted = await accuracy(true, true);
    expect(weighted.calls).toBe(0);
    expect(weighted.value).toBe((await accuracy(false, true)).value);
  });
});
