import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeBackend } from '../../backend-info.js';
import { backendInfo, initBackend } from '../../init-backend.js';
import { runKernelOn, sequence } from '../test-utils/run-kernel.js';
import type { ThreadPool } from './pool.js';
import {
  setWasmThreads,
  threadPool,
  wasmThreads,
  wasmThreadsLost,
  wasmThreadsSetting,
} from './wasm-threads.js';

/** [192, 256] . [256, 128] (6.3M multiply-adds: on the pool where it runs), read back. */
async function product(): Promise<Float32Array> {
  const before = tf.memory().numTensors;
  const a = tf.tensor(sequence(192 * 256, 1), [192, 256]);
  const b = tf.tensor(sequence(256 * 128, 2), [256, 128]);
  const y = tf.matMul(a, b);
  const values = Float32Array.from(await y.data());
  tf.dispose([a, b, y]);
  expect(tf.memory().numTensors).toBe(before);
  return values;
}

/** Stops one of the pool's workers from outside, as a crash would, and waits for the pool to notice. */
async function killWorker(pool: ThreadPool<object>): Promise<void> {
  const workers = (pool as unknown as { workers: { workers: { terminate(): Promise<unknown> }[] } }).workers;
  await workers.workers[0].terminate();
  for (let wait = 0; wait < 500 && pool.broken == null; wait++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the WASM thread pool', () => {
  beforeAll(async () => {
    await initBackend({ require: 'wasm', threads: 2 });
  });
  afterAll(async () => {
    await setWasmThreads(1);
  });

  it('falls back to one thread, with the same results, once a worker died; setWasmThreads restarts it', async () => {
    expect(await setWasmThreads(2)).toBe(2);
    const pool = threadPool('matMul')?.pool;
    if (pool == null) throw new Error('no pool: this runtime runs no WASM threads');
    const onPool = await product();
    await killWorker(pool);
    expect(pool.broken).toMatch(/exited with code 1|a worker exited/);
    expect(wasmThreads()).toBe(1);
    expect(threadPool('matMul')).toBeNull();
    const alone = await product();
    // the pool's products have the bits of the one-thread kernels (README, Threads)
    expect(alone).toEqual(onPool);
    expect(await setWasmThreads(2)).toBe(2);
    expect(threadPool('matMul')?.pool).not.toBe(pool);
    expect(await product()).toEqual(onPool);
  });

  it("backendInfo() gives the threads as they are now: 1 and the pool's loss once a worker died, 2 once restarted", async () => {
    expect(await setWasmThreads(2)).toBe(2);
    expect(backendInfo().threads).toBe(2);
    expect(backendInfo().threadPoolLost).toBeUndefined();
    const pool = threadPool('matMul')?.pool;
    if (pool == null) throw new Error('no pool: this runtime runs no WASM threads');
    await killWorker(pool);
    const info = backendInfo();
    expect(info.threads).toBe(1);
    expect(info.threadPoolLost).toMatch(/exited with code 1|a worker exited/);
    expect(wasmThreadsLost()).toBe(info.threadPoolLost);
    expect(describeBackend(info)).toMatch(/, 1 thread\)$/);
    expect(await setWasmThreads(2)).toBe(2);
    expect(backendInfo().threads).toBe(2);
    expect(backendInfo().threadPoolLost).toBeUndefined();
    expect(await setWasmThreads(1)).toBe(1);
    expect(backendInfo().threads).toBe(1);
  });

  it('keeps the thread count set before through runKernelOn (not back to auto)', async () => {
    const inputs = {
      a: { values: sequence(8 * 4, 1), shape: [1, 8, 4] },
      b: { values: sequence(4 * 8, 2), shape: [1, 4, 8] },
    };
    const attrs = { transposeA: false, transposeB: false };
    // 3 and 1 both differ from 'auto' (every core, at most 4) on 2 cores and on 4 or more
    for (const threads of [3, 1]) {
      expect(await setWasmThreads(threads)).toBe(threads);
      await runKernelOn('wasm', 'BatchMatMul', inputs, attrs);
      expect(wasmThreadsSetting()).toBe(threads);
      expect(wasmThreads()).toBe(threads);
      await runKernelOn('cpu', 'BatchMatMul', inputs, attrs);
      await runKernelOn('wasm', 'BatchMatMul', inputs, attrs);
      expect(wasmThreads()).toBe(threads);
    }
  });
});
