/**
 * Core's own gradient of `Softmax`, in place of tfjs-core's (left out of the bundled list by
 * scripts/bundle-gradients.mjs): the same function, by {@link softmaxGradient}, so that a softmax
 * over the last axis (a classifier's output layer) takes one kernel backward where the backend
 * registers it (WASM) instead of four.
 */
import * as tf from '@tensorflow/tfjs-core';
import { softmaxGradient } from '../kernels/softmax-grad.js';

export const softmaxGradConfig: tf.GradConfig = {
  kernelName: tf.Softmax,
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [y] = saved as [tf.Tensor];
    const { dim } = attrs as unknown as tf.SoftmaxAttrs;
    return { logits: () => softmaxGradient(dy as tf.Tensor, y, dim) }; // the shape of y
  },
};

/** Registers {@link softmaxGradConfig} (tfjs-core's is left out of the bundle at the source). */
export function registerSoftmaxGradient(): void {
  if (tf.getGradient(tf.Softmax) !== softmaxGradConfig) tf.registerGradient(softmaxGradConfig);
}
