import { probabilitiesCrossentropy, probabilitiesCrossentropyMean, tf } from '@tensorfold/core';
import { EPSILON } from './loss.js';

let enabled = true;

/**
 * Lets `categoricalCrossentropy` (on probabilities) record its gradient written out (`true`, the
 * default) or leaves it to automatic differentiation of the expression (`false`, as before), for
 * same-process A/B benchmarks. Values are the same either way; gradients equal to float tolerance.
 */
export function setCrossentropyGradientWritten(on: boolean): void {
  enabled = on;
}

let kernelEnabled = true;

/**
 * Lets `categoricalCrossentropy` (on probabilities, classes on the last axis) run as core's
 * `PROBABILITIES_CROSSENTROPY` kernel, one call forward and one backward, where the backend
 * registers it (`true`, the default; the WASM backend does), or as the written-out gradient's
 * stock kernels (`false`), for same-process A/B benchmarks. Values equal to float tolerance.
 */
export function setCrossentropyKernelEnabled(on: boolean): void {
  kernelEnabled = on;
}

/** Whether {@link setCrossentropyGradientWritten} left the written gradient on. */
export function crossentropyGradientWritten(): boolean {
  return enabled;
}

/**
 * `-sum(y * log(clip(p / sum(p), eps, 1 - eps)))` over `axis`, the categorical cross-entropy of
 * probabilities as Keras computes it, with its gradient written out. Automatic differentiation of
 * the same expression records every forward kernel's gradient and the tensors it saves (about 40
 * kernels in a training step); this records the loss as one operation and computes its gradient
 * in about 18, from the two inputs alone (nothing else is kept between the passes). The values are
 * those of the expression, by the same kernels; the gradient is the same function with its
 * arithmetic in another order (equal to float tolerance):
 *
 * ```
 * q = p / s, s = sum(p)            m = (eps <= q <= 1 - eps), where the clip passes gradients
 * dq = where(m, -dy * y / q, 0)    dp = (dq - sum(dq * q)) / s      dy_true = -dy * log(clip(q))
 * ```
 *
 * `yTrue` and `yPred` are float `[batch, ..., classes]` (classes on `axis`); the result `[batch, ...]`.
 */
export function categoricalCrossentropyOfProbabilities(
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  axis: number,
): tf.Tensor {
  if (kernelEnabled && axis === yPred.rank - 1) {
    const byKernel = probabilitiesCrossentropy(yTrue, yPred); // [batch, ...], or null
    if (byKernel != null) return byKernel;
  }
  const clippedLog = (q: tf.Tensor) => tf.log(tf.clipByValue(q, EPSILON, 1 - EPSILON));
  const loss = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [y, p, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([y, p]);
    const logQ = clippedLog(tf.div(p, tf.sum(p, axis, true)));
    return {
      value: tf.neg(tf.sum(tf.mul(y, logQ), axis)),
      gradFunc: (dy: tf.Tensor, [y0, p0]: tf.Tensor[]) => {
        const s = tf.sum(p0, axis, true); // [batch, ..., 1, ...]
        const q = tf.div(p0, s);
        const minusDy = tf.expandDims(tf.neg(dy), axis); // [batch, ..., 1, ...]
        const passes = tf.logicalAnd(tf.greaterEqual(q, EPSILON), tf.lessEqual(q, 1 - EPSILON));
        const raw = tf.mul(tf.div(y0, q), minusDy);
        const dq = tf.where(passes, raw, tf.zerosLike(raw));
        const dp = tf.div(tf.sub(dq, tf.sum(tf.mul(dq, q), axis, true)), s);
        return [tf.mul(clippedLog(q), minusDy), dp];
      },
    };
  });
  return loss(yTrue, yPred);
}

/**
 * The batch's mean of {@link categoricalCrossentropyOfProbabilities} in one kernel forward and one
 * backward (core's `PROBABILITIES_CROSSENTROPY_MEAN`), where the per-row loss would take its kernel
 * (the written gradient and the kernel on, classes on the last axis) and core runs the mean kernel
 * (see `probabilitiesCrossentropyMean`: `[rows, classes]` of the same shape, float32 predictions,
 * float32 or int32 targets, the backend registering it); `null` elsewhere. The same bits as the
 * per-row loss's mean: `yTrue` and `yPred` are `[batch, classes]`, the result a scalar.
 */
export function categoricalCrossentropyMeanOfProbabilities(
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  axis: number,
): tf.Scalar | null {
  if (!enabled || !kernelEnabled || axis !== yPred.rank - 1) return null;
  return probabilitiesCrossentropyMean(yTrue, yPred);
}
