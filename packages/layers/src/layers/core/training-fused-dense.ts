import { type Activation, tf } from '@tensorfold/core';
import { fusedForm } from '../../activations/registry.js';

let enabled = true;

/**
 * Holds the training path below off (`false`: dense layers train through `tf.fused.matMul` or
 * `tf.matMul` and a bias add, then the activation as its own op, as before) or lets it run (the
 * default), for A/B benchmarks and tests that compare the two.
 */
export function setTrainingFusedDenseEnabled(on: boolean): void {
  enabled = on;
}

/**
 * A dense layer's product, bias and (relu or linear) activation as one `_FusedMatMul` kernel while
 * recording gradients, through the gradient `@tensorfold/core` registers for that kernel run by
 * itself: no custom-gradient wrapper, relu's gradient mask in one pass, and no gradient of the input
 * where nothing needs it (a first layer). Another activation (softmax, tanh...) runs as its own op
 * after the fused product and bias. `rows` `[n, inputDim]`, `kernel` `[inputDim, units]`, `bias`
 * `[units]` or undefined.
 *
 * @returns `[n, units]`, or null where the path is held off ({@link setTrainingFusedDenseEnabled}),
 *   core's gradient is missing, or an operand is not float32.
 */
export function trainingFusedDense(
  rows: tf.Tensor,
  kernel: tf.Tensor,
  bias: tf.Tensor | undefined,
  activation: Activation,
): tf.Tensor | null {
  if (!enabled || tf.getGradient(tf._FusedMatMul) == null) return null;
  if (rows.rank !== 2 || kernel.rank !== 2 || rows.dtype !== 'float32' || kernel.dtype !== 'float32')
    return null;
  const fused = fusedForm(activation)?.activation;
  const inKernel = fused === 'relu' ? 'relu' : 'linear';
  const inputs: tf.NamedTensorMap = bias == null ? { a: rows, b: kernel } : { a: rows, b: kernel, bias };
  const attrs = { transposeA: false, transposeB: false, activation: inKernel };
  const y = tf.engine().runKernel(tf._FusedMatMul, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
  return fused === 'relu' || fused === 'linear' ? y : activation.apply(y);
}
