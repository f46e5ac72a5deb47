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

/**
 * Whether `x` came out of an op recorded by the active gradient tape (or is a trainable variable),
 * so that a backward pass may need its gradient. A model's input batch does not: it was made before
 * the tape started.
 *
 * Layers use this to choose between tfjs's fused kernels, whose custom gradient computes the
 * input's gradient whether or not anything needs it, and plain ops, whose input gradient the tape
 * computes only when it is needed. Both give the same results; for a network's first layer (a
 * convolution over images, a dense layer over 784 pixels) the plain ops skip a backward product as
 * costly as the forward one. A wrong guess costs speed, never correctness.
 */
export function hasGradientHistory(x: tf.Tensor): boolean {
  const engine = tf.engine();
  if (engine.state.gradientDepth === 0) return false;
  if (x instanceof tf.Variable) return x.trainable;
  const tape = engine.state.activeTape;
  if (tape == null) return false;
  for (let i = tape.length - 1; i >= 0; i--) {
    for (const output of tape[i].outputs) if (output.id === x.id) return true;
  }
  return false;
}
