/** Small facts about the tfjs engine that the layers use to pick the fastest kernels. */
import { tf } from '@tensorfold/core';

/**
 * Whether a gradient tape is recording (inside `tf.grad`, `tf.variableGrads`, a training step).
 * tfjs's fused kernels only fuse a linear activation while recording, so layers then fuse the bias
 * and apply the activation as its own op, and fuse the activation too at inference.
 */
export function isRecordingGradients(): boolean {
  return tf.engine().state.gradientDepth > 0;
}
