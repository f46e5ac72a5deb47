import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend.js';
import { ThreadPool } from '../wasm/threads/pool.js';
import { setWasmThreads } from '../wasm/threads/wasm-threads.js';
import { FUZZ_CASES_THREADS } from './fuzz-cases-threads.js';
import { DEFAULT_SEED } from './fuzz-config.js';
import { evaluate } from './run-case.js';

/** The pool's jobs run while `f` runs, by name (a spy on ThreadPool.run). */
async function jobsOf(f: () => Promise<void>): Promise<Set<string>> {
  const jobs = new Set<string>();
  const run = ThreadPool.prototype.run;
  ThreadPool.prototype.run = function (this: ThreadPool<object>, ...args: Parameters<typeof run>) {
    jobs.add(args[1]);
    return run.apply(this, args);
  };
  try {
    await f();
  } finally {
    ThreadPool.prototype.run = run;
  }
  return jobs;
}

describe("the fuzz suite's thread-pool cases (fuzz-cases-threads.ts)", () => {
  beforeAll(async () => {
    await initBackend({ require: 'wasm', threads: 2 });
  });
  afterAll(async () => {
    await setWasmThreads(1);
  });

  it("run every job of the pool's convolution, filter-gradient and int8 kernels on 8 samples of their parameters, then restore the thresholds", async () => {
    const jobs = await jobsOf(async () => {
      for (const fuzzCase of FUZZ_CASES_THREADS) {
        for (const p of fc.sample(fuzzCase.arbitrary, { seed: DEFAULT_SEED, numRuns: 8 })) {
          await evaluate('wasm', fuzzCase, p);
        }
      }
    });
    expect([...jobs].sort()).toEqual([
      'convChunk',
      'directConvChunk',
      'filterGradientBlockedChunk',
      'filterGradientChunk',
      'int8ChainChunk',
      'int8ConvChunk',
      'int8DirectConvChunk',
      'int8GemmChunk',
      'int8QuantizeChunk',
      'matMulChunk',
      'prepChunk', // the float products' preparation, a pool job by default (setPoolPrep)
    ]);
    // The thresholds are back: a small convolution and its gradients stay on one thread.
    const small = await jobsOf(async () => {
      const x = tf.ones([2, 6, 6, 8]) as tf.Tensor4D;
      const f = tf.ones([3, 3, 8, 16]) as tf.Tensor4D;
      const [dx, df] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'),
      )([x, f]);
      await df.data();
      tf.dispose([x, f, dx, df]);
    });
    expect([...small]).toEqual([]);
  }, 120_000);
});
