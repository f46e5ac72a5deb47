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
