import * as tf from '@tensorflow/tfjs-core';
import { INT8_DENSE_CHAIN, type Int8Activation, packInt8Levels } from '../../int8/int8-kernels.js';
import { int8MatMulReference } from '../../int8/reference.js';
import { sequence } from './run-kernel.js';

// The int8 dense stacks the chain's tests run (int8-chain-layout, int8-chain-chunks,
// int8-chain-tail-batches): 784-64-32-10, relu, relu, linear.

export const CHAIN_ACTIVATIONS: Int8Activation[] = ['relu', 'relu', 'linear'];
const SIZES = [784, 64, 32, 10];

/** A stack 784-64-32-10 (levels, scales, bias from `seed`) as plain arrays. */
export function stackArrays(seed: number) {
  return SIZES.slice(1).map((n, i) => {
    const k = SIZES[i];
    const levels = Int8Array.from(sequence(k * n, seed + 10 * i + 1), (v) => Math.round(v * 127));
    const packed = packInt8Levels(levels, k, n);
    const scales = Float32Array.from(sequence(n, seed + 10 * i + 2), (v) => Math.abs(v) * 0.02 + 1e-3);
    const bias = sequence(n, seed + 10 * i + 3);
    return { k, n, packed, scales, bias };
  });
}

/** `stackArrays(seed)` with its tensors (`w` packed levels, `scalesT`, `biasT`; the caller disposes them). */
export function chainStack(seed: number) {
  return stackArrays(seed).map((l) => ({
    ...l,
    w: tf.tensor(l.packed, [Math.ceil(l.n / 8), Math.ceil(l.k / 2), 8], 'int32') as tf.Tensor,
    scalesT: tf.tensor1d(l.scales) as tf.Tensor,
    biasT: tf.tensor1d(l.bias) as tf.Tensor,
  }));
}

export type ChainStack = ReturnType<typeof chainStack>;
type StackLayers = ReturnType<typeof stackArrays>;

/** x `[m, 784]`, non-negative, with MNIST-like zero borders (steps to skip, the byte products' lists have work). */
export function chainInput(m: number, seed: number): Float32Array {
  return sequence(m * 784, seed).map((v, i) => (i % 28 < 4 ? 0 : Math.abs(v)));
}

/** The stack on x `[m, 784]` by int8MatMulReference, layer by layer. */
export function chainReference(s: StackLayers, x: Float32Array, m: number): number[] {
  let values: ArrayLike<number> = x;
  s.forEach((l, i) => {
    values = int8MatMulReference(
      values,
      m,
      l.k,
      l.packed,
      l.n,
      l.scales,
      l.bias,
      CHAIN_ACTIVATIONS[i] === 'relu',
    );
  });
  return Array.from(values);
}

/** The stack on x `[m, 784]` through INT8_DENSE_CHAIN (x's tensor disposed after). */
export async function runChain(s: ChainStack, x: Float32Array, m: number): Promise<number[]> {
  const inputs: Record<string, tf.Tensor> = { x: tf.tensor2d(x, [m, 784]) };
  s.forEach((l, i) => {
    inputs[`w${i}`] = l.w;
    inputs[`scales${i}`] = l.scalesT;
    inputs[`bias${i}`] = l.biasT;
  });
  const y = tf
    .engine()
    .runKernel(INT8_DENSE_CHAIN, inputs, { activations: CHAIN_ACTIVATIONS } as never) as tf.Tensor;
  const values = Array.from(await y.data());
  tf.dispose([y, inputs.x]);
  return values;
}
