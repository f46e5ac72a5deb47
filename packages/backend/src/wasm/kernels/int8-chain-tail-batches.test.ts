import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../init-backend.js';
import { setFmaKernelsEnabled } from '../simd/simd-module.js';
import {
  type ChainStack,
  chainInput,
  chainReference,
  chainStack,
  runChain,
} from '../test-utils/int8-chain-stacks.js';
import { setWasmThreads } from '../threads/wasm-threads.js';
import { setThreadedInt8Minimum } from './int8-by-threads.js';
import { setInt8ChainChunksPerThread, setInt8OneThreadRows } from './int8-chain-by-rows.js';
import { chainLayoutsWritten, setInt8ChainLayoutForSmallerBatches } from './int8-chain-layout.js';
import { soloChain } from './int8-chain-solo.js';

// Batches smaller than the layout a stack's last call left run in it (int8-chain-layout.ts
// fitsLayout): every size after every other, on 1-3 threads, each call against the reference.

/** The stack on x `[m, 784]` (each call another seed: rows past m hold an earlier batch's), checked. */
async function run(s: ChainStack, m: number, seed: number): Promise<void> {
  const x = chainInput(m, seed);
  expect(await runChain(s, x, m), `${m} rows`).toEqual(chainReference(s, x, m));
}

describe('int8 dense stacks run smaller batches in the layout of a larger one', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    setInt8OneThreadRows(0);
  });
  afterAll(async () => {
    setInt8OneThreadRows();
    setThreadedInt8Minimum();
    setInt8ChainChunksPerThread();
    setInt8ChainLayoutForSmallerBatches(true);
    setFmaKernelsEnabled(true);
    await setWasmThreads(1);
  });

  // batches (rows) in turn, and the layouts they write: on 1 thread all on the one-thread module;
  // on a pool fewer than 8 rows there too (its own memory), the rest on the pool, where a batch of
  // more chunks than the layout's (32 in 8 chunks of 4 after 37 in 5 of 8 on 2 threads) is laid out
  const batches = [32, 8, 32, 5, 37, 40, 33, 1, 7, 32, 8, 32];
  it.each([
    ['FMA', true, 1, 3],
    ['FMA', true, 2, 6],
    ['FMA', true, 3, 5],
    ['SIMD', false, 1, 3],
    ['SIMD', false, 2, 6],
    ['SIMD', false, 3, 5],
  ] as const)(
    'gives the reference for batches 32, 8, 32, 5, 37, 40, 33, 1, 7, 32, 8, 32 in turn, laid out only where one is larger or has more chunks (%s build, relaxed SIMD %s, %i threads: %i layouts)',
    async (_build, fma, threads, layouts) => {
      setFmaKernelsEnabled(fma);
      expect(await setWasmThreads(threads)).toBe(threads);
      setThreadedInt8Minimum(0);
      const before = tf.memory().numTensors;
      const s = chainStack(5);
      const written = chainLayoutsWritten();
      for (const [i, m] of batches.entries()) await run(s, m, 100 + i);
      expect(chainLayoutsWritten() - written).toBe(layouts);
      // a float product on the pool between two calls writes its memory: the tail batch laid out anew
      await run(s, 32, 200);
      const p = tf.randomUniform([256, 256], 0, 1, 'float32', 1);
      const q = tf.matMul(p, p);
      await q.data();
      tf.dispose([p, q]);
      const after = chainLayoutsWritten();
      await run(s, 8, 201);
      expect(chainLayoutsWritten() - after).toBe(threads > 1 ? 1 : 0);
      tf.dispose(s.flatMap((l) => [l.w, l.scalesT, l.biasT]));
      expect(tf.memory().numTensors).toBe(before);
    },
  );

  it('runs a batch whose chunks are larger than the layout’s in it (chunks a thread changed), with the reference’s numbers (2 threads)', async () => {
    setFmaKernelsEnabled(true);
    expect(await setWasmThreads(2)).toBe(2);
    setThreadedInt8Minimum(0);
    const before = tf.memory().numTensors;
    const s = chainStack(9);
    try {
      await run(s, 32, 300); // 8 chunks of 4 rows
      const written = chainLayoutsWritten();
      setInt8ChainChunksPerThread(1);
      await run(s, 16, 301); // 2 chunks of 8 rows in the 32's layout: its job must take 8 a chunk
      await run(s, 13, 302);
      expect(chainLayoutsWritten() - written).toBe(0);
    } finally {
      setInt8ChainChunksPerThread();
      tf.dispose(s.flatMap((l) => [l.w, l.scalesT, l.biasT]));
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each([1, 2])(
    'lays the stack out again when a layer’s weights are assigned new levels (a variable, as setWeights does), then runs its tail batch in that layout (%i threads)',
    async (threads) => {
      setFmaKernelsEnabled(true);
      expect(await setWasmThreads(threads)).toBe(threads);
      setThreadedInt8Minimum(0);
      const before = tf.memory().numTensors;
      const s = chainStack(13);
      const other = chainStack(14);
      const first = s[1].w;
      const w = tf.variable(first, false);
      s[1].w = w;
      try {
        await run(s, 32, 500);
        await run(s, 8, 501);
        const written = chainLayoutsWritten();
        w.assign(other[1].w); // new levels under the same variable (its data id changes)
        s[1].packed = other[1].packed;
        await run(s, 32, 502);
        await run(s, 8, 503);
        expect(chainLayoutsWritten() - written).toBe(1);
      } finally {
        tf.dispose([w, first, ...s.flatMap((l) => [l.w, l.scalesT, l.biasT])]);
        tf.dispose(other.flatMap((l) => [l.w, l.scalesT, l.biasT]));
      }
      expect(tf.memory().numTensors).toBe(before);
    },
  );

  it('passes over the steps of its own rows alone in a larger layout, as many as laid out for itself (1 thread)', async () => {
    setFmaKernelsEnabled(true);
    expect(await setWasmThreads(1)).toBe(1);
    const before = tf.memory().numTensors;
    const s = chainStack(11);
    // steps skipped by the one-thread module (its own count): they grow with the rows its job takes
    const skippedBy = async (m: number, seed: number) => {
      const start = soloChain()?.skippedSteps.value as number;
      await run(s, m, seed);
      return (soloChain()?.skippedSteps.value as number) - start;
    };
    try {
      await run(s, 32, 400);
      const written = chainLayoutsWritten();
      const inLarger = await skippedBy(5, 401); // one chunk of 8 rows, 5 of them this batch's
      expect(chainLayoutsWritten() - written).toBe(0);
      setInt8ChainLayoutForSmallerBatches(false);
      const alone = await skippedBy(5, 401);
      expect(chainLayoutsWritten() - written).toBe(1);
      expect(inLarger).toBeGreaterThan(0);
      expect(inLarger).toBe(alone);
    } finally {
      setInt8ChainLayoutForSmallerBatches(true);
      tf.dispose(s.flatMap((l) => [l.w, l.scalesT, l.biasT]));
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
