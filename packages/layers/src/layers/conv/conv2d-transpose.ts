import { register, tf } from '@tensorfold/core';
import { TransposedConv, type TransposedConvArgs } from './transposed-conv.js';

/** Options of {@link Conv2DTranspose} (no dilation, `same` or `valid` padding). */
export type Conv2DTransposeArgs = TransposedConvArgs;

/**
 * A transposed convolution ("deconvolution"): the gradient of a convolution with respect to its
 * input, used to upsample learned feature maps (the generators of DCGAN and of convolutional
 * autoencoders). With `strides: 2, padding: 'same'` it doubles height and width.
 *
 * Input shape: `[batch, height, width, channels]`. Output shape:
 * `[batch, height × stride, width × stride, filters]` with `'same'` padding.
 * Weights: `kernel [kh, kw, filters, channels]` (note the order), `bias [filters]`.
 *
 * @example
 * conv2dTranspose({ filters: 64, kernelSize: 4, strides: 2, padding: 'same', activation: 'relu' })
 */
export class Conv2DTranspose extends TransposedConv {
  static override readonly className = 'Conv2DTranspose';

  constructor(args: Conv2DTransposeArgs) {
    super(2, args);
  }

  protected transpose(x: tf.Tensor, kernel: tf.Tensor, outShape: number[], pad: 'same' | 'valid'): tf.Tensor {
    return tf.conv2dTranspose(
      x as tf.Tensor4D, // [batch, height, width, channels]
      kernel as tf.Tensor4D, // [kh, kw, filters, channels]
      outShape as [number, number, number, number],
      this.strides as [number, number],
      pad,
    ); // [batch, height', width', filters]
  }
}

register('layer', 'Conv2DTranspose', (c) => new Conv2DTranspose(c as unknown as Conv2DTransposeArgs), [
  'Deconvolution2D',
]);

/** A transposed 2D convolution layer (see {@link Conv2DTranspose}). */
export function conv2dTranspose(args: Conv2DTransposeArgs): Conv2DTranspose {
  return new Conv2DTranspose(args);
}
