import * as tf from '@tensorflow/tfjs-core';
import { gradKernelRunnable } from './grad-kernel-gate.js';
import {
  clippedLogOfNormalized,
  gradientByOps,
  PROBABILITIES_CROSSENTROPY_MAX_SIZE,
} from './probabilities-crossentropy.js';

/**
 * The batch's mean categorical cross-entropy of probabilities, as the training loop computes a
 * compiled loss (`mean(loss(yTrue, yPred))`), in one kernel: each row's
 * `-sum(y * log(clip(p / sum(p), eps, 1 - eps)))` (as {@link PROBABILITIES_CROSSENTROPY}), the rows'
 * losses added in float32 in row order, then divided by the number of rows (float32), as `Mean` adds
 * them. Inputs: `yTrue`, float32 or int32 (one-hot class ids as integers: read as float32, as a cast
 * would), and `yPred`, float32, both `[rows, classes]`. Output: float32 scalar. A backend may register
 * it (the WASM backend of `@tensorfold/backend` does); its gradient ({@link
 * probabilitiesCrossentropyMeanGradConfig}) is core's, registered with tfjs-core's. It replaces the
 * `Cast` of integer targets, the per-row kernel and `Mean` forward, and `MEAN_GRAD` and the per-row
 * gradient kernel backward: three calls fewer in a classifier's training step.
 */
export const PROBABILITIES_CROSSENTROPY_MEAN = 'TensorfoldProbabilitiesCrossentropyMean';

/**
 * The gradient of {@link PROBABILITIES_CROSSENTROPY_MEAN} with respect to `yPred`, in one kernel.
 * Inputs: `dy`, float32 scalar; `yTrue` and `yPred` as the forward kernel's. Output: `dp`, float32
 * `[rows, classes]`: `PROBABILITIES_CROSSENTROPY_GRAD`'s with every row's `dy` equal to `dy / rows`
 * (float32 division), as `MEAN_GRAD` gives it. It has no gradient: a gradient of this gradient (second
 * order) takes the stock ops.
 */
export const PROBABILITIES_CROSSENTROPY_MEAN_GRAD = 'TensorfoldProbabilitiesCrossentropyMeanGrad';

let kernelEnabled = true;

/**
 * Lets {@link probabilitiesCrossentropyMean} run {@link PROBABILITIES_CROSSENTROPY_MEAN} where the
 * backend registers it (`true`, the default) or return null, so that the loss takes its per-row
 * kernel and `Mean` (`false`, as before), for same-process A/B benchmarks and tests. The same bits
 * either way.
 */
export function setCrossentropyMeanKernelEnabled(on: boolean): void {
  kernelEnabled = on;
}

/** `dy / rows` for each of `rows` rows, by stock ops (as tfjs-core's `Mean` gradient): `[rows]`. */
function perRowByOps(dy: tf.Tensor, rows: number): tf.Tensor {
  return tf.div(tf.mul(tf.reshape(dy, [1]), tf.ones([rows], 'float32')), rows);
}

/** Core's gradient of {@link PROBABILITIES_CROSSENTROPY_MEAN}; registered when core is imported. */
export const probabilitiesCrossentropyMeanGradConfig: tf.GradConfig = {
  kernelName: PROBABILITIES_CROSSENTROPY_MEAN,
  inputsToSave: ['yTrue', 'yPred'],
  gradFunc: (dy, saved) => {
    const [y, p] = saved as [tf.Tensor, tf.Tensor];
    const d = dy as tf.Tensor; // [] (the mean)
    const rows = p.shape[0];
    return {
      // [rows, classes]; computed only where the targets need a gradient (rarely: float targets)
      yTrue: () => tf.mul(clippedLogOfNormalized(p), tf.expandDims(tf.neg(perRowByOps(d, rows)), -1)),
      // [rows, classes]; by the kernel unless a tape records this gradient (second order)
      yPred: () =>
        gradKernelRunnable(PROBABILITIES_CROSSENTROPY_MEAN_GRAD, p.size)
          ? (tf
              .engine()
              .runKernel(PROBABILITIES_CROSSENTROPY_MEAN_GRAD, { dy: d, yTrue: y, yPred: p }) as tf.Tensor)
          : gradientByOps(perRowByOps(d, rows), tf.cast(y, 'float32'), p),
    };
  },
};

/**
 * The mean over the rows of the categorical cross-entropy of probabilities (classes on the last axis)
 * by {@link PROBABILITIES_CROSSENTROPY_MEAN} (one kernel forward, one backward), where it is enabled,
 * the active backend registers both kernels, `yPred` is float32 `[rows, classes]` with at least one
 * row and class and at most {@link PROBABILITIES_CROSSENTROPY_MAX_SIZE} elements, and `yTrue` is
 * float32 or int32 of the same shape; `null` elsewhere, for the caller's per-row loss and mean. The
 * result is a scalar.
 */
export function probabilitiesCrossentropyMean(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar | null {
  if (
    !kernelEnabled ||
    (yTrue.dtype !== 'float32' && yTrue.dtype !== 'int32') ||
    yPred.dtype !== 'float32' ||
    yPred.rank !== 2 ||
    yPred.size === 0 ||
    yPred.size > PROBABILITIES_CROSSENTROPY_MAX_SIZE ||
    !tf.util.arraysEqual(yTrue.shape, yPred.shape)
  ) {
    return null;
  }
  const backend = tf.getBackend();
  if (
    tf.getKernel(PROBABILITIES_CROSSENTROPY_MEAN, backend) == null ||
    tf.getKernel(PROBABILITIES_CROSSENTROPY_MEAN_GRAD, backend) == null
  ) {
    return null;
  }
  return tf.engine().runKernel(PROBABILITIES_CROSSENTROPY_MEAN, { yTrue, yPred }) as tf.Scalar;
}
