import * as tf from '@tensorflow/tfjs-core';
import { gradKernelRunnable } from './grad-kernel-gate.js';

/**
 * softmax's gradient over the last axis in one pass: `dx = dy * y - sum(dy * y) * y` per row, as
 * tfjs-core's `Softmax` gradient computes it with four kernels (multiply, sum, multiply, subtract).
 * Inputs: `dy` and `y` (the softmax's output), float32 `[..., classes]` of the same shape. Output:
 * `dx`, float32, that shape. A backend may register it (the WASM backend of `@tensorfold/backend`
 * does); {@link softmaxGradient} runs the stock ops where none is. It has no gradient: a gradient of
 * this gradient (second order) takes the stock ops.
 */
export const SOFTMAX_GRAD = 'TensorfoldSoftmaxGrad';

/**
 * The most elements (of `y`, all rows together) for which {@link softmaxGradient} runs
 * {@link SOFTMAX_GRAD}; larger inputs take the stock ops. WASM's kernel is a scalar JavaScript loop,
 * which wins by saving kernel calls on a classifier's few classes per row; the stock kernels' SIMD
 * passes win on large inputs (a language model's `[batch, time, vocabulary]`). The cutoff is
 * conservative (the measurement is in the comment beside it).
 */
// Chosen from WASM timings (kernel against the four stock kernels, each with a read, [rows, 10],
// median of 5 alternating rounds, 2 shared cores at load 5.3 under nice, 2026-12-07): kernel/ops 0.44
// at 1,280 elements, 0.72 at 4,100, 1.1-2.5 at 16,380, 2.0-3.4 from 65,540 to 1M (1,000 classes
// alike). The crossover lies between 4k and 16k elements: 8,192.
export const SOFTMAX_GRAD_MAX_SIZE = 8192;

let kernelEnabled = true;

/**
 * Lets {@link softmaxGradient} run {@link SOFTMAX_GRAD} where the backend registers it (`true`, the
 * default) or the four stock ops (`false`, as before), for same-process A/B benchmarks.
 */
export function setSoftmaxGradKernelEnabled(on: boolean): void {
  kernelEnabled = on;
}

/**
 * The gradient through a softmax over axis `dim` whose output is `y`: by {@link SOFTMAX_GRAD} for
 * the last axis of float32 tensors of at most {@link SOFTMAX_GRAD_MAX_SIZE} elements where the
 * active backend registers it and no tape records this gradient (second order), by tfjs-core's ops
 * elsewhere (same function; the kernel's sum may add in another order).
 */
export function softmaxGradient(dy: tf.Tensor, y: tf.Tensor, dim: number): tf.Tensor {
  const last = dim === -1 || dim === y.rank - 1;
  if (
    kernelEnabled &&
    last &&
    dy.dtype === 'float32' &&
    y.dtype === 'float32' &&
    y.rank >= 1 &&
    gradKernelRunnable(SOFTMAX_GRAD, y.size, SOFTMAX_GRAD_MAX_SIZE)
  ) {
    return tf.engine().runKernel(SOFTMAX_GRAD, { dy, y }) as tf.Tensor;
  }
  const dyTimesY = tf.mul(dy, y); // the shape of y
  return tf.sub(dyTimesY, tf.mul(tf.sum(dyTimesY, [dim], true), y));
}
