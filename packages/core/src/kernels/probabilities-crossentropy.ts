import * as tf from '@tensorflow/tfjs-core';
import { gradKernelRunnable } from './grad-kernel-gate.js';

/**
 * Categorical cross-entropy of probabilities over the last axis, as Keras computes it, in one kernel:
 * `loss = -sum(y * log(clip(p / sum(p), eps, 1 - eps)))` with `eps = 1e-7`. Inputs: `yTrue` and
 * `yPred`, float32 `[..., classes]` of the same shape. Output: float32 `[...]` (the last axis summed
 * away). A backend may register it (the WASM backend of `@tensorfold/backend` does); its gradient
 * ({@link probabilitiesCrossentropyGradConfig}) is core's, registered with tfjs-core's.
 */
export const PROBABILITIES_CROSSENTROPY = 'TensorfoldProbabilitiesCrossentropy';

/**
 * The gradient of {@link PROBABILITIES_CROSSENTROPY} with respect to `yPred`, in one kernel. Inputs:
 * `dy` float32 `[...]` (the loss's shape), `yTrue` and `yPred` float32 `[..., classes]`. Output: `dp`,
 * float32 `[..., classes]`, per row (`s = sum(p)`, `q = p / s`):
 *
 * ```
 * dq = (eps <= q <= 1 - eps) ? -dy * y / q : 0      dp = (dq - sum(dq * q)) / s
 * ```
 *
 * (the clip passes gradients only where it does not cut, as tfjs-core's `ClipByValue` gradient).
 * It has no gradient: a gradient of this gradient (second order) takes the stock ops.
 */
export const PROBABILITIES_CROSSENTROPY_GRAD = 'TensorfoldProbabilitiesCrossentropyGrad';

/**
 * The most elements (of `yPred`, all rows together) for which {@link probabilitiesCrossentropy}
 * runs {@link PROBABILITIES_CROSSENTROPY}; larger inputs get `null` (the caller's stock ops). WASM's
 * kernels are scalar JavaScript loops, which win by saving kernel calls on a classifier's few classes
 * per row; the stock kernels' SIMD passes win on large inputs (a language model's
 * `[batch, time, vocabulary]`). The cutoff is conservative (the measurement is in the comment beside it).
 */
// Chosen from WASM timings (each kernel against its stock kernels, each with a read, [rows, 10],
// median of 5 alternating rounds, 2 shared cores at load 5.3 under nice, 2026-12-07): the gradient
// kernel wins at every size (kernel/ops 0.22 at 1,280 elements, 0.29 at 4,100 and 16,380, 0.37-0.52
// up to 1M); the forward one only on small inputs (0.71 at 1,280, 1.65 at 4,100, 1.8-3.1 above). A
// training step (both) gains up to about 32k elements, an evaluation (forward alone) loses above
// about 2k: 8,192, where an evaluation's forward costs a few hundredths of a millisecond more.
export const PROBABILITIES_CROSSENTROPY_MAX_SIZE = 8192;

/** The epsilon the probabilities are clipped with (Keras's `backend.epsilon()`). */
export const CROSSENTROPY_EPSILON = 1e-7;

/** `log(clip(p / sum(p)))` over the last axis, by stock ops. */
export function clippedLogOfNormalized(p: tf.Tensor): tf.Tensor {
  const q = tf.div(p, tf.sum(p, -1, true));
  return tf.log(tf.clipByValue(q, CROSSENTROPY_EPSILON, 1 - CROSSENTROPY_EPSILON));
}

/** {@link PROBABILITIES_CROSSENTROPY_GRAD}'s values by stock ops (where no backend registers it). */
export function gradientByOps(dy: tf.Tensor, y: tf.Tensor, p: tf.Tensor): tf.Tensor {
  const s = tf.sum(p, -1, true); // [..., 1]
  const q = tf.div(p, s); // [..., classes]
  const minusDy = tf.expandDims(tf.neg(dy), -1); // [..., 1]
  const passes = tf.logicalAnd(
    tf.greaterEqual(q, CROSSENTROPY_EPSILON),
    tf.lessEqual(q, 1 - CROSSENTROPY_EPSILON),
  );
  const raw = tf.mul(tf.div(y, q), minusDy);
  const dq = tf.where(passes, raw, tf.zerosLike(raw));
  return tf.div(tf.sub(dq, tf.sum(tf.mul(dq, q), -1, true)), s);
}

/** Core's gradient of {@link PROBABILITIES_CROSSENTROPY}; registered when core is imported. */
export const probabilitiesCrossentropyGradConfig: tf.GradConfig = {
  kernelName: PROBABILITIES_CROSSENTROPY,
  inputsToSave: ['yTrue', 'yPred'],
  gradFunc: (dy, saved) => {
    const [y, p] = saved as [tf.Tensor, tf.Tensor];
    const d = dy as tf.Tensor; // [...]
    return {
      // [..., classes]; computed only where the targets need a gradient (rarely)
      yTrue: () => tf.mul(clippedLogOfNormalized(p), tf.expandDims(tf.neg(d), -1)),
      // [..., classes]; by the kernel unless a tape records this gradient (second order)
      yPred: () =>
        gradKernelRunnable(PROBABILITIES_CROSSENTROPY_GRAD, p.size)
          ? (tf
              .engine()
              .runKernel(PROBABILITIES_CROSSENTROPY_GRAD, { dy: d, yTrue: y, yPred: p }) as tf.Tensor)
          : gradientByOps(d, y, p),
    };
  },
};

/**
 * The categorical cross-entropy of probabilities over the last axis by {@link PROBABILITIES_CROSSENTROPY}
 * (one kernel forward, one backward) where the active backend registers both kernels, the inputs
 * are float32 of the same shape, rank 2 or more, with classes, and at most
 * {@link PROBABILITIES_CROSSENTROPY_MAX_SIZE} elements; `null` elsewhere, for the caller's own
 * expression. `yTrue`, `yPred`: `[..., classes]`; the result `[...]`.
 */
export function probabilitiesCrossentropy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor | null {
  const backend = tf.getBackend();
  if (
    yTrue.dtype !== 'float32' ||
    yPred.dtype !== 'float32' ||
    yPred.rank < 2 ||
    yPred.shape[yPred.rank - 1] === 0 ||
    yPred.size > PROBABILITIES_CROSSENTROPY_MAX_SIZE ||
    !tf.util.arraysEqual(yTrue.shape, yPred.shape) ||
    tf.getKernel(PROBABILITIES_CROSSENTROPY, backend) == null ||
    tf.getKernel(PROBABILITIES_CROSSENTROPY_GRAD, backend) == null
  ) {
    return null;
  }
  return tf.engine().runKernel(PROBABILITIES_CROSSENTROPY, { yTrue, yPred }) as tf.Tensor;
}
