/**
 * Core's own gradient of `Mean`, in place of tfjs-core's (left out of the bundled list by
 * scripts/bundle-gradients.mjs): the same values, by {@link meanGradient}, so that a mean over every
 * element (a training step's loss, averaged over the batch) takes one kernel backward where the
 * backend registers it (WASM) instead of three and two new tensors.
 */
import * as tf from '@tensorflow/tfjs-core';
import { meanGradient } from '../kernels/mean-grad.js';

export const meanGradConfig: tf.GradConfig = {
  kernelName: tf.Mean,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved as [tf.Tensor];
    const { axis } = attrs as unknown as tf.MeanAttrs;
    const axes = tf.util.parseAxisParam(axis, x.shape);
    const [, reduceShape] = tf.backend_util.computeOutAndReduceShapes(x.shape, axes);
    const reduceSize = tf.util.sizeFromShape(reduceShape);
    return { x: () => meanGradient(dy as tf.Tensor, x, axes, reduceSize) }; // the shape of x
  },
};

/** Registers {@link meanGradConfig} (tfjs-core's is left out of the bundle at the source). */
export function registerMeanGradient(): void {
  if (tf.getGradient(tf.Mean) !== meanGradConfig) tf.registerGradient(meanGradConfig);
}
