import {
  type CallOptions,
  ConfigError,
  type Constraint,
  type Initializer,
  type LayerInputs,
  type LayerWeight,
  type Regularizer,
  register,
  type Shape,
  ShapeError,
  singleShape,
  tf,
} from '@tensorfold/core';
import { getConstraint } from '../../constraints/index.js';
import { getInitializer } from '../../initializers/index.js';
import { deconvOutputLength } from '../../utils/conv-utils.js';
import { getRegularizer, serializeOption, singleTensor } from '../../utils/layer-utils.js';
import { BaseConv, checkFilters } from './base-conv.js';
import type { ConvArgs } from './conv.js';

/** Options of {@link Conv2DTranspose} (no dilation, `same` or `valid` padding). */
export type Conv2DTransposeArgs = Omit<ConvArgs, 'dilationRate' | 'padding'> & {
  /** `'valid'` (default): output `n × stride + max(kernel - stride, 0)`; `'same'`: output `n × stride`. */
  padding?: 'valid' | 'same';
};

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
export class Conv2DTranspose extends BaseConv {
  static override readonly className = 'Conv2DTranspose';
  readonly filters: number;
  readonly kernelInitializer: Initializer;
  readonly kernelRegularizer: Regularizer | null;
  readonly kernelConstraint: Constraint | null;
  /** The kernel `[kh, kw, filters, channels]`, once built. */
  kernel: LayerWeight | null = null;

  constructor(args: Conv2DTransposeArgs) {
    const { dilationRate, ...rest } = args as ConvArgs;
    if (dilationRate != null && [dilationRate].flat().some((d) => d !== 1)) {
      throw new ConfigError(
        'conv2dTranspose does not support dilationRate (as in TensorFlow.js); leave it at 1.',
      );
    }
    super(2, rest);
    this.filters = checkFilters(args.filters, `Conv2DTranspose layer "${this.name}"`);
    this.kernelInitializer = getInitializer(args.kernelInitializer, 'glorotUniform');
    this.kernelRegularizer = getRegularizer(args.kernelRegularizer);
    this.kernelConstraint = getConstraint(args.kernelConstraint);
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = singleShape(inputShape, `Conv2DTranspose layer "${this.name}"`);
    const channels = shape[this.channelAxis];
    if (channels == null) {
      throw new ShapeError(
        `Conv2DTranspose layer "${this.name}" needs to know its input's channels; the input shape is [${shape}].`,
      );
    }
    this.kernel = this.addWeight(
      'kernel',
      [...this.kernelSize, this.filters, channels],
      this.kernelInitializer,
      {
        regularizer: this.kernelRegularizer,
        constraint: this.kernelConstraint,
      },
    );
    this.addBias(this.filters);
    this.inputSpec = { ndim: 4, axes: { [this.channelAxis]: channels } };
  }

  call(inputs: LayerInputs, _options: CallOptions): tf.Tensor {
    const input = singleTensor(inputs, `Conv2DTranspose layer "${this.name}"`);
    return tf.tidy(() => {
      const x = this.toChannelsLast(input) as tf.Tensor4D; // [batch, height, width, channels]
      const [batch, height, width] = x.shape;
      const outShape: [number, number, number, number] = [
        batch,
        deconvOutputLength(height, this.kernelSize[0], this.padding, this.strides[0]) as number,
        deconvOutputLength(width, this.kernelSize[1], this.padding, this.strides[1]) as number,
        this.filters,
      ];
      const kernel = (this.kernel as LayerWeight).read() as tf.Tensor4D;
      let y: tf.Tensor = tf.conv2dTranspose(
        x,
        kernel,
        outShape,
        this.strides as [number, number],
        this.padding as 'same' | 'valid',
      );
      if (this.bias) y = tf.add(y, this.bias.read());
      return this.fromChannelsLast(this.activation.apply(y));
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = singleShape(inputShape, `Conv2DTranspose layer "${this.name}"`);
    const first = this.dataFormat === 'channelsFirst';
    const [h, w] = first ? [s[2], s[3]] : [s[1], s[2]];
    const oh = deconvOutputLength(h, this.kernelSize[0], this.padding, this.strides[0]);
    const ow = deconvOutputLength(w, this.kernelSize[1], this.padding, this.strides[1]);
    return first ? [s[0], this.filters, oh, ow] : [s[0], oh, ow, this.filters];
  }

  override getConfig(): Record<string, unknown> {
    const { dilationRate: _, ...config } = super.getConfig();
    return {
      ...config,
      filters: this.filters,
      kernelInitializer: serializeOption(this.kernelInitializer),
      kernelRegularizer: serializeOption(this.kernelRegularizer),
      kernelConstraint: serializeOption(this.kernelConstraint),
    };
  }
}

register('layer', 'Conv2DTranspose', (c) => new Conv2DTranspose(c as unknown as Conv2DTransposeArgs), [
  'Deconvolution2D',
]);

/** A transposed 2D convolution layer (see {@link Conv2DTranspose}). */
export function conv2dTranspose(args: Conv2DTransposeArgs): Conv2DTranspose {
  return new Conv2DTranspose(args);
}
