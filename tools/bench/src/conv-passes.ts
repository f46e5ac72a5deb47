/**
 * The three passes of a convolution layer in training, as the backend suites time them
 * (backend-direct-conv.ts, backend-threads.ts): the forward pass with bias and relu, the input
 * gradient and the filter gradient. Stride 1, no dilation, NHWC.
 */
import * as tf from '@tensorflow/tfjs-core';

/** A convolution's operands: x `[batch, h, w, in]`, filter `[kh, kw, in, out]`, bias `[out]`, dy (the output's shape). */
export interface ConvOperands {
  x: tf.Tensor4D;
  filter: tf.Tensor4D;
  bias: tf.Tensor;
  dy: tf.Tensor4D;
  pad: 'valid' | 'same';
}

/** Each pass's name (`forward (bias, relu)`, `input gradient`, `filter gradient`) and a call that computes it. */
export function convPasses({ x, filter, bias, dy, pad }: ConvOperands): [string, () => tf.Tensor][] {
  return [
    ['forward (bias, relu)', () => tf.fused.conv2d({ x, filter, strides: 1, pad, bias, activation: 'relu' })],
    ['input gradient', () => tf.conv2dTranspose(dy, filter, x.shape, 1, pad)],
    [
      'filter gradient',
      () =>
        tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
          strides: [1, 1],
          pad,
          dataFormat: 'NHWC',
          filterShape: filter.shape,
        } as never) as tf.Tensor,
    ],
  ];
}
