import * as tf from '@tensorflow/tfjs-core';

/**
 * softmax's gradient over the last axis in one pass: `dx = dy * y - sum(dy * y) * y` per row, as
 * tfjs-core's `Softmax` gradient computes it with four kernels (multiply, sum, multiply, subtract).
 * Inputs: `dy` and `y` (the softmax's output), float32 `[..., classes]` of the same shape. Output:
 * `dx`, float32, that shape. A backend may register it (the WASM backend of `@tensorfold/backend`
 * does); {@link softmaxGradient} runs the stock ops where none is.
 */
export const SOFTMAX_GRAD = 'TensorfoldSoftmaxGrad';

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
 * the last axis of float32 tensors where the active backend registers it, by tfjs-core's ops
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
    tf.getKernel(SOFTMAX_GRAD, tf.getBackend()) != null
  ) {
    return tf.engine().runKernel(SOFTMAX_GRAD, { dy, y }) as tf.Tensor;
  }
  const dyTimesY = tf.mul(dy, y);
  return tf.sub(dyTimesY, tf.mul(tf.sum(dyTimesY, [dim], true), y));
}
