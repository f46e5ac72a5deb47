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
 * Whether `x` may need a gradient in the active tape's backward pass: it is a trainable variable, or
 * the recorded ops that made it lead back to one. A model's input batch does not, nor does what plain
 * ops made of it (a flatten or reshape before the first dense layer, a frozen base's features).
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
  if (isTrainableVariable(x)) return true;
  const tape = engine.state.activeTape;
  if (tape == null) return false;
  // The tape lists ops in the order they ran, so one backward pass finds the op that made each tensor
  // being traced before the ops that made its inputs. It stops once nothing is left to trace: for a
  // hidden layer, at the op just before it (whose inputs include a trainable kernel).
  const traced = new Set<number>([x.id]);
  for (let i = tape.length - 1; i >= 0 && traced.size > 0; i--) {
    const node = tape[i];
    let made = false; // whether this op made a traced tensor (every output checked: ops have several)
    for (const output of node.outputs) made = traced.delete(output.id) || made;
    if (!made) continue;
    for (const input of Object.values(node.inputs)) {
      if (input == null) continue;
      if (isTrainableVariable(input)) return true;
      traced.add(input.id);
    }
  }
  return false;
}

function isTrainableVariable(t: tf.Tensor): boolean {
  return t instanceof tf.Variable && t.trainable;
}
