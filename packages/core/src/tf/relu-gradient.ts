/**
 * Core's own gradient of `Relu`, in place of tfjs-core's (`mul(dy, cast(step(x), 'float32'))`, left
 * out of the bundled list by scripts/bundle-gradients.mjs): the same values, by {@link reluGradient},
 * so that a standalone relu (a `ReLU` layer, `tf.relu`, an `activation: 'relu'` not fused into a
 * kernel) gets the one-pass mask where the backend registers it (WASM). The mask is taken from the
 * input `x`, as tfjs-core's: `dy` where `x > 0`, `dy * 0` where `x <= 0`, NaN where `x` is NaN.
 */
import * as tf from '@tensorflow/tfjs-core';
import { reluGradient } from '../kernels/relu-grad.js';

export const reluGradConfig: tf.GradConfig = {
  kernelName: tf.Relu,
  inputsToSave: ['x'],
  gradFunc: (dy, saved) => {
    const [x] = saved as [tf.Tensor];
    const d = dy as tf.Tensor;
    return {
      // the shape of x
      x: () =>
        x.dtype === 'float32' && d.dtype === 'float32'
          ? reluGradient(d, x)
          : tf.mul(d, tf.cast(tf.step(x), 'float32')),
    };
  },
};

/**
 * Registers {@link reluGradConfig}. tfjs-core's own is left out of the bundle at the source; should a
 * stale bundle still register it, tfjs-core warns that it is overridden (regenerate: `pnpm --filter
 * @tensorfold/core generate`).
 */
export function registerReluGradient(): void {
  if (tf.getGradient(tf.Relu) !== reluGradConfig) tf.registerGradient(reluGradConfig);
}
