import * as tf from '@tensorflow/tfjs-core';
import { gradKernelRunnable } from './grad-kernel-gate.js';

/**
 * relu's gradient mask in one pass: `dx = dy * step(y)`, i.e. `dy` where `y > 0`, `dy * 0` (a signed
 * zero, or NaN where `dy` is infinite or NaN) where `y <= 0`, and NaN where `y` is NaN, exactly as
 * `tf.mul(dy, tf.step(y))`. Inputs: `dy` and `y` (float32, the same shape; `y` the relu's output or
 * input: their signs agree). Output: `dx`, float32, that shape. A backend may register it (the WASM
 * backend of `@tensorfold/backend` does); {@link reluGradient} runs the two stock ops where none is.
 * It has no gradient: a gradient of this gradient (second order) takes the stock ops.
 */
export const RELU_GRAD = 'TensorfoldReluGrad';

/**
 * `dy * step(y)`: the gradient through a relu whose output (or input) is `y`, by {@link RELU_GRAD}
 * where the active backend registers it and no tape records this gradient (second order), and by
 * `tf.mul(dy, tf.step(y))` elsewhere (same values).
 */
export function reluGradient(dy: tf.Tensor, y: tf.Tensor): tf.Tensor {
  if (dy.dtype === 'float32' && y.dtype === 'float32' && gradKernelRunnable(RELU_GRAD, y.size)) {
    return tf.engine().runKernel(RELU_GRAD, { dy, y }) as tf.Tensor;
  }
  return tf.mul(dy, tf.step(y));
}

/**
 * {@link RELU_GRAD}'s `dx` and, from the same pass, the sum of `dx` over every axis but the last (a
 * dense or convolution layer's bias gradient): outputs `[dx, sums]`, `dx` of `dy`'s shape, `sums`
 * `[cols]` (the last axis), both float32, with the bits of `RELU_GRAD` then the backend's own `Sum`
 * over the leading axes. Inputs: `dy` and `y` as `RELU_GRAD`'s, of rank 2 or more. A backend may
 * register it (the WASM backend of `@tensorfold/backend` does); where none does,
 * {@link reluGradientAndSums} answers null. It has no gradient (second order takes the stock ops).
 */
export const RELU_GRAD_SUMS = 'TensorfoldReluGradSums';

let sumsEnabled = true;

/**
 * Lets {@link reluGradientAndSums} run {@link RELU_GRAD_SUMS} where the backend registers it (`true`,
 * the default) or answer null (`false`: the mask and the sums by their own kernels, as before), for
 * same-process A/B benchmarks and tests. The same bits either way.
 */
export function setReluGradSumsEnabled(on: boolean): void {
  sumsEnabled = on;
}

/**
 * `[dy * step(y), sum of that over every axis but the last]` by {@link RELU_GRAD_SUMS} where the
 * active backend registers it and no tape records this gradient; null elsewhere (the caller then
 * runs {@link reluGradient} and `tf.sum`, which give the same values).
 */
export function reluGradientAndSums(dy: tf.Tensor, y: tf.Tensor): [tf.Tensor, tf.Tensor] | null {
  if (!sumsEnabled || dy.dtype !== 'float32' || y.dtype !== 'float32' || y.rank < 2) return null;
  if (!gradKernelRunnable(RELU_GRAD_SUMS, y.size)) return null;
  return tf.engine().runKernel(RELU_GRAD_SUMS, { dy, y }) as unknown as [tf.Tensor, tf.Tensor];
}
