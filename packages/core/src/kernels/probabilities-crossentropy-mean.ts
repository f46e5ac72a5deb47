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

/**
 * The batch's mean sparse categorical cross-entropy of probabilities in one kernel: as
 * {@link PROBABILITIES_CROSSENTROPY_MEAN} with one-hot targets, from class ids (the same arithmetic,
 * so the same bits), and NaN for a row whose id is outside `[0, classes)`. Inputs: `labels`, int32
 * `[rows]`; `yPred`, float32 `[rows, classes]`. Output: float32 scalar. It replaces the stock ops of the
 * sparse loss (about forty kernels forward and backward). Its gradient
 * ({@link sparseCrossentropyMeanGradConfig}, core's) runs {@link SPARSE_CROSSENTROPY_MEAN_GRAD}.
 */
export const SPARSE_CROSSENTROPY_MEAN = 'TensorfoldSparseCrossentropyMean';

/**
 * The gradient of {@link SPARSE_CROSSENTROPY_MEAN} with respect to `yPred`: inputs `dy` (float32
 * scalar), `labels` and `yPred` as the forward kernel's; output `dp`, float32 `[rows, classes]`, that of
 * {@link PROBABILITIES_CROSSENTROPY_MEAN_GRAD} with one-hot targets, and zeros in a row whose id is
 * outside `[0, classes)` (its loss is NaN; the stock ops' `where` passes it no gradient). No gradient of
 * its own (second order takes the stock ops).
 */
export const SPARSE_CROSSENTROPY_MEAN_GRAD = 'TensorfoldSparseCrossentropyMeanGrad';

let kernelEnabled = true;

/**
 * Lets {@link probabilitiesCrossentropyMean} and {@link sparseCrossentropyMean} run their kernels
 * where the backend registers them (`true`, the default) or return null, so that the loss takes its
 * per-row kernel or ops and `Mean` (`false`, as before), for same-process A/B benchmarks and tests.
 * The dense kernel gives the same bits either way; the sparse one, values equal to float tolerance
 * (its logarithm and gradient are those of the dense kernels, not of the stock ops).
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
 * Class ids as one-hot float32 rows (ids outside `[0, classes)` give a row of zeros), by stock ops:
 * `[rows, classes]`.
 */
function oneHotByOps(labels: tf.Tensor, classes: number): tf.Tensor {
  // (tf.oneHot needs 2 classes or more)
  return tf.cast(tf.equal(tf.expandDims(labels, -1), tf.range(0, classes, 1, 'int32')), 'float32');
}

/** Core's gradient of {@link SPARSE_CROSSENTROPY_MEAN}; registered when core is imported. */
export const sparseCrossentropyMeanGradConfig: tf.GradConfig = {
  kernelName: SPARSE_CROSSENTROPY_MEAN,
  inputsToSave: ['labels', 'yPred'],
  gradFunc: (dy, saved) => {
    const [labels, p] = saved as [tf.Tensor, tf.Tensor];
    const d = dy as tf.Tensor; // [] (the mean)
    const [rows, classes] = p.shape;
    return {
      // class ids take no gradient
      labels: () => tf.zerosLike(labels),
      // [rows, classes]; by the kernel unless a tape records this gradient (second order)
      yPred: () =>
        gradKernelRunnable(SPARSE_CROSSENTROPY_MEAN_GRAD, p.size)
          ? (tf.engine().runKernel(SPARSE_CROSSENTROPY_MEAN_GRAD, { dy: d, labels, yPred: p }) as tf.Tensor)
          : gradientByOps(perRowByOps(d, rows), oneHotByOps(labels, classes), p),
    };
  },
};

/** Whether `yPred` is float32 `[rows, classes]` the mean kernels take (at least one element, at most the cutoff). */
function meanKernelTakes(yPred: tf.Tensor): boolean {
  return (
    kernelEnabled &&
    yPred.dtype === 'float32' &&
    yPred.rank === 2 &&
    yPred.size > 0 &&
    yPred.size <= PROBABILITIES_CROSSENTROPY_MAX_SIZE
  );
}

/** Whether the active backend registers both `kernels`. */
function registered(...kernels: string[]): boolean {
  const backend = tf.getBackend();
  return kernels.every((k) => tf.getKernel(k, backend) != null);
}

/**
 * The mean over the rows of the sparse categorical cross-entropy of probabilities by
 * {@link SPARSE_CROSSENTROPY_MEAN} (one kernel forward, one backward), where it is enabled, the active
 * backend registers both kernels, `yPred` is float32 `[rows, classes]` as
 * {@link probabilitiesCrossentropyMean} takes it and `labels` int32 `[rows]`; `null` elsewhere, for the
 * caller's stock ops. The result is a scalar, NaN where an id is outside `[0, classes)`.
 */
export function sparseCrossentropyMean(labels: tf.Tensor, yPred: tf.Tensor): tf.Scalar | null {
  if (
    !meanKernelTakes(yPred) ||
    labels.dtype !== 'int32' ||
    labels.rank !== 1 ||
    labels.shape[0] !== yPred.shape[0] ||
    !registered(SPARSE_CROSSENTROPY_MEAN, SPARSE_CROSSENTROPY_MEAN_GRAD)
  ) {
    return null;
  }
  return tf.engine().runKernel(SPARSE_CROSSENTROPY_MEAN, { labels, yPred }) as tf.Scalar;
}

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
    !meanKernelTakes(yPred) ||
    (yTrue.dtype !== 'float32' && yTrue.dtype !== 'int32') ||
    !tf.util.arraysEqual(yTrue.shape, yPred.shape) ||
    !registered(PROBABILITIES_CROSSENTROPY_MEAN, PROBABILITIES_CROSSENTROPY_MEAN_GRAD)
  ) {
    return null;
  }
  return tf.engine().runKernel(PROBABILITIES_CROSSENTROPY_MEAN, { yTrue, yPred }) as tf.Scalar;
}
