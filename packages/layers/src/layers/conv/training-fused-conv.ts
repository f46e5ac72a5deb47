import { type Activation, tf } from '@tensorfold/core';
import { fusedForm } from '../../activations/registry.js';

let enabled = true;

/**
 * Holds the training path below off (`false`: convolutions train through `tf.conv2d` or
 * `tf.fused.conv2d` and the activation as its own op, as before) or lets it run (the default), for
 * A/B benchmarks and tests that compare the two.
 */
export function setTrainingFusedConvEnabled(on: boolean): void {
  enabled = on;
}

/**
 * A convolution with its bias and (relu or linear) activation as one `FusedConv2D` kernel while
 * recording gradients, through the gradient `@tensorfold/core` registers for that kernel run by
 * itself: one kernel forward instead of three (convolution, bias add, relu), relu's gradient mask in
 * one pass, and no gradient of the input where nothing needs it (a first layer). Another activation
 * (tanh, sigmoid, leakyRelu...) runs as its own op after the fused convolution and bias, as in
 * `trainingFusedDense`. `x` `[batch, h, w, inC]`, `filter` `[fh, fw, inC, outC]`, `bias` `[outC]` or
 * undefined; dilations 1.
 *
 * @returns `[batch, outH, outW, outC]`, or null where the path is held off
 *   ({@link setTrainingFusedConvEnabled}), core's gradient is missing, the dilations are not 1 or an
 *   operand is not float32.
 */
export function trainingFusedConv2d(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  bias: tf.Tensor | undefined,
  strides: [number, number],
  pad: 'same' | 'valid',
  dilations: [number, number],
  activation: Activation,
): tf.Tensor4D | null {
  if (!enabled) return null;
  if (dilations[0] !== 1 || dilations[1] !== 1 || tf.getGradient(tf.FusedConv2D) == null) return null;
  if (x.dtype !== 'float32' || filter.dtype !== 'float32') return null;
  const fused = fusedForm(activation)?.activation;
  const inKernel = fused === 'relu' ? 'relu' : 'linear';
  const inputs: tf.NamedTensorMap = bias == null ? { x, filter } : { x, filter, bias };
  const attrs = {
    strides,
    pad,
    dataFormat: 'NHWC',
    dilations,
    activation: inKernel,
  };
  // [batch, outH, outW, outC]
  const y = tf.engine().runKernel(tf.FusedConv2D, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
  return fused === 'relu' || fused === 'linear' ? y : (activation.apply(y) as tf.Tensor4D);
}
