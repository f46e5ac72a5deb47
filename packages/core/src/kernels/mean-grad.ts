import * as tf from '@tensorflow/tfjs-core';
import { gradKernelRunnable } from './grad-kernel-gate.js';

/**
 * The gradient of a mean over all of `x`'s elements in one kernel: `dx` of `x`'s shape, every element
 * `dy / n` (float32 division), exactly as tfjs-core's `Mean` gradient computes it with three kernels
 * and two new tensors (`reshape(dy)`, times `ones(x.shape)`, divided by `n`). The loss of a training
 * step is such a mean (of the per-sample losses), so every backward pass starts with it. Inputs: `dy`
 * (float32, one element). Attributes: `shape` (`x`'s), `reduceSize` (`n`, the elements averaged).
 * Output: `dx`, float32, `shape`. A backend may register it (the WASM backend of `@tensorfold/backend`
 * does); {@link meanGradient} runs the stock ops where none is. It has no gradient: a gradient of this
 * gradient (second order) takes the stock ops.
 */
export const MEAN_GRAD = 'TensorfoldMeanGrad';

let kernelEnabled = true;

/**
 * Lets {@link meanGradient} run {@link MEAN_GRAD} where the backend registers it (`true`, the default)
 * or tfjs-core's three ops (`false`, as before), for same-process A/B benchmarks and tests.
 */
export function setMeanGradKernelEnabled(on: boolean): void {
  kernelEnabled = on;
}

/**
 * The gradient through `mean(x, axes)` (`reduceSize` elements averaged into each output) given the
 * mean's gradient `dy`: by {@link MEAN_GRAD} where `dy` holds one float32 value (a mean over every
 * element), the active backend registers it and no tape records this gradient (second order); by
 * tfjs-core's ops elsewhere (the same values). Returns `x`'s shape.
 */
export function meanGradient(dy: tf.Tensor, x: tf.Tensor, axes: number[], reduceSize: number): tf.Tensor {
  if (kernelEnabled && dy.size === 1 && dy.dtype === 'float32' && gradKernelRunnable(MEAN_GRAD, x.size)) {
    return tf.engine().runKernel(MEAN_GRAD, { dy }, { shape: x.shape, reduceSize }) as tf.Tensor;
  }
  const expandedDyShape = x.shape.slice();
  for (const axis of axes) expandedDyShape[axis] = 1;
  return tf.div(tf.mul(tf.reshape(dy, expandedDyShape), tf.ones(x.shape, 'float32')), reduceSize);
}
