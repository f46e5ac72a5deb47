import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../init-backend.js';
import { INT8_MAT_MUL } from '../../int8/int8-kernels.js';
import { int8MatMulReference } from '../../int8/reference.js';
import type { WasmBackendLike } from '../kernel-scope.js';
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
import { setInt8OneThreadRows } from './int8-chain-by-rows.js';
import {
  chainLayoutsWritten,
  setInt8ChainLayoutForSmallerBatches,
  setInt8ChainLayoutReuse,
} from './int8-chain-layout.js';

/** `t`'s values where they lie in tfjs-backend-wasm's heap (writing them writes the tensor in place). */
function heap(t: tf.Tensor): Float32Array {
  return (tf.backend() as unknown as WasmBackendLike).typedArrayFromHeap(t) as Float32Array;
}

describe('int8 dense stacks reuse their layout', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    setInt8OneThreadRows(0); // small batches on the pool too: its layouts are what this tests
  });
  afterAll(async () => {
    setInt8OneThreadRows();
    setThreadedInt8Minimum();
    setFmaKernelsEnabled(true);
    setInt8ChainLayoutReuse(true);
    setInt8ChainLayoutForSmallerBatches(true);
    await setWasmThreads(1);
  });

  it.each([
    ['FMA', true, 1],
    ['FMA', true, 2],
    ['FMA', true, 3],
    ['SIMD', false, 1],
    ['SIMD', false, 2],
    ['SIMD', false, 3],
  ] as const)(
    'lays a stack out once for batches alike or smaller (a new bias or scales written in place too), again for a larger batch, another stack, a product on the pool; same numbers as the reference (%s build, relaxed SIMD %s, %i threads)',
    async (_build, fma, threads) => {
      setFmaKernelsEnabled(fma);
      expect(await setWasmThreads(threads)).toBe(threads);
      setThreadedInt8Minimum(0);
      const before = tf.memory().numTensors;
      const [a, b] = [chainStack(3), chainStack(40)];
      const xs = [chainInput(32, 1), chainInput(32, 2), chainInput(8, 3)];
      const written = chainLayoutsWritten();
      const run = async (s: ChainStack, x: Float32Array, m: number) =>
        expect(await runChain(s, x, m)).toEqual(chainReference(s, x, m));
      await run(a, xs[0], 32);
      await run(a, xs[1], 32); // the same stack and batch: reused
      expect(chainLayoutsWritten() - written).toBe(1);
      await run(a, xs[2], 8); // a smaller batch (predict's last): in the layout of the larger one
      expect(chainLayoutsWritten() - written).toBe(1);
      setInt8ChainLayoutForSmallerBatches(false); // the path before: laid out for its own batch
      await run(a, xs[2], 8);
      expect(chainLayoutsWritten() - written).toBe(2);
      setInt8ChainLayoutForSmallerBatches(true);
      await run(a, xs[0], 32); // a larger batch than the layout's: laid out again
      await run(a, xs[2], 8); // and the smaller one in it
      expect(chainLayoutsWritten() - written).toBe(3);
      await run(b, xs[0], 32); // another stack on the same memory
      await run(a, xs[1], 32); // the first one again: its scales, bias and arguments written again
      expect(chainLayoutsWritten() - written).toBe(5);
      // scales and bias written over in place, under the same data ids (as @tensorfold/optim's
      // in-place updates write a float32 variable's buffer): the next call reads the new values
      a[0].scales = a[0].scales.map((v) => v * 1.5);
      heap(a[0].scalesT).set(a[0].scales);
      a[1].bias = a[1].bias.map((v) => v - 0.25);
      heap(a[1].biasT).set(a[1].bias);
      await run(a, xs[1], 32);
      expect(chainLayoutsWritten() - written).toBe(5);
      // a new bias (a new tensor, as a layer's setWeights makes, or the zeros Int8DenseStack passes
      // a layer without bias every call): the layout holds no values of it (copied every call)
      const old = a[2].biasT;
      a[2].bias = a[2].bias.map((v) => v + 0.5);
      a[2].biasT = tf.tensor1d(a[2].bias);
      old.dispose();
      await run(a, xs[0], 32);
      expect(chainLayoutsWritten() - written).toBe(5);
      // a float product that takes the pool between two calls (threads > 1)
      const p = tf.randomUniform([256, 256], 0, 1, 'float32', 1);
      const q = tf.matMul(p, p);
      await q.data();
      tf.dispose([p, q]);
      await run(a, xs[1], 32);
      expect(chainLayoutsWritten() - written).toBe(threads > 1 ? 6 : 5);
      // an int8 product of another layer on the pool between two calls: it writes the pool's scratch
      // (the stack's arguments, scales and bias) but keeps the stack's weights
      const other = b[0];
      const x = tf.tensor2d(xs[2], [8, 784]);
      const single = tf
        .engine()
        .runKernel(INT8_MAT_MUL, { x, w: other.w, scales: other.scalesT, bias: other.biasT }, {
          activation: 'relu',
        } as never) as tf.Tensor;
      expect(Array.from(await single.data())).toEqual(
        Array.from(int8MatMulReference(xs[2], 8, 784, other.packed, 64, other.scales, other.bias, true)),
      );
      tf.dispose([x, single]);
      await run(a, xs[0], 32);
      expect(chainLayoutsWritten() - written).toBe(threads > 1 ? 7 : 5);
      // the path before: laid out every call, the same numbers
      setInt8ChainLayoutReuse(false);
      await run(a, xs[1], 32);
      await run(a, xs[0], 32);
      setInt8ChainLayoutReuse(true);
      expect(chainLayoutsWritten() - written).toBe(threads > 1 ? 9 : 7);
      for (const l of [...a, ...b]) tf.dispose([l.w, l.scalesT, l.biasT]);
      expect(tf.memory().numTensors).toBe(before);
    },
  );
});
