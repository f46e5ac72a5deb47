import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../init-backend.js';
import { INT8_DENSE_CHAIN } from '../../int8/int8-kernels.js';
import { setFmaKernelsEnabled } from '../simd/simd-module.js';
import {
  CHAIN_ACTIVATIONS,
  chainInput,
  chainReference,
  stackArrays,
} from '../test-utils/int8-chain-stacks.js';
import { setWasmThreads } from '../threads/wasm-threads.js';
import { setThreadedInt8Minimum } from './int8-by-threads.js';
import {
  CHUNKS_PER_THREAD,
  chainChunkRows,
  setInt8ChainChunksPerThread,
  setInt8OneThreadRows,
} from './int8-chain-by-rows.js';

describe('setInt8ChainChunksPerThread', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    setInt8OneThreadRows(0);
    setThreadedInt8Minimum(0);
  });
  afterAll(async () => {
    setInt8ChainChunksPerThread();
    setThreadedInt8Minimum();
    setInt8OneThreadRows();
    setFmaKernelsEnabled(true);
    await setWasmThreads(1);
  });

  it('splits a batch into fewer, larger chunks (4 a thread by default); throws for anything but a positive integer', () => {
    expect(CHUNKS_PER_THREAD).toBe(4);
    expect(chainChunkRows(32, 2)).toBe(4);
    setInt8ChainChunksPerThread(2);
    expect(chainChunkRows(32, 2)).toBe(8);
    expect(chainChunkRows(8, 2)).toBe(4);
    setInt8ChainChunksPerThread(1);
    expect(chainChunkRows(32, 2)).toBe(16);
    expect(chainChunkRows(32, 1)).toBe(32); // one thread: one chunk whatever the switch
    setInt8ChainChunksPerThread();
    expect(chainChunkRows(32, 2)).toBe(4);
    for (const bad of [0, -1, 1.5, Number.NaN])
      expect(() => setInt8ChainChunksPerThread(bad)).toThrow(/positive integer, got/);
  });

  it.each([
    ['FMA', true, 2],
    ['FMA', true, 3],
    ['SIMD', false, 2],
  ] as const)(
    'gives the same bits as the reference for every split (%s build, relaxed SIMD %s, %i threads)',
    async (_b, fma, threads) => {
      setFmaKernelsEnabled(fma);
      expect(await setWasmThreads(threads)).toBe(threads);
      const before = tf.memory().numTensors;
      const s = stackArrays(7);
      const weights = s.flatMap((l, i) => [
        [`w${i}`, tf.tensor(l.packed, [Math.ceil(l.n / 8), Math.ceil(l.k / 2), 8], 'int32')],
        [`scales${i}`, tf.tensor1d(l.scales)],
        [`bias${i}`, tf.tensor1d(l.bias)],
      ]) as Array<[string, tf.Tensor]>;
      for (const m of [32, 8, 37]) {
        const x = chainInput(m, m);
        const expected = chainReference(s, x, m);
        for (const chunks of [4, 2, 1]) {
          setInt8ChainChunksPerThread(chunks);
          const xt = tf.tensor2d(x, [m, 784]);
          const y = tf.engine().runKernel(INT8_DENSE_CHAIN, { x: xt, ...Object.fromEntries(weights) }, {
            activations: CHAIN_ACTIVATIONS,
          } as never) as tf.Tensor;
          expect(Array.from(await y.data())).toEqual(expected);
          tf.dispose([xt, y]);
        }
      }
      setInt8ChainChunksPerThread();
      tf.dispose(weights.map(([, t]) => t));
      expect(tf.memory().numTensors).toBe(before);
    },
  );
});
