/** What the transposed convolutions (conv2dTranspose, conv3dTranspose) share; only the op differs. */
import {
  type CallOptions,
  ConfigError,
  type Constraint,
  type Initializer,
  type LayerInputs,
  type LayerWeight,
  type Regularizer,
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

/** Options of a transposed convolution (no dilation, `same` or `valid` padding). */
export type TransposedConvArgs = Omit<ConvArgs, 'dilationRate' | 'padding'> & {
  /** `'valid'` (default): output `n × stride + max(kernel − stride, 0)`; `'same'`: output `n × stride`. */
  padding?: 'valid' | 'same';
};

/**
 * The base of {@link Conv2DTranspose} and {@link Conv3DTranspose}: options, the kernel
 * `[...kernelSize, filters, channels]` (note the order), the output shape and the config. A subclass
 * gives only the transposed-convolution op of its rank.
 */
export abstract class TransposedConv extends BaseConv {
  readonly filters: number;
  readonly kernelInitializer: Initializer;
  readonly kernelRegularizer: Regularizer | null;
  readonly kernelConstraint: Constraint | null;
  /** The kernel `[...kernelSize, filters, channels]` (`[kh, kw, ...]` or `[kd, kh, kw, ...]`), once built. */
  kernel: LayerWeight | null = null;

  constructor(rank: number, args: TransposedConvArgs) {
    const { dilationRate, ...rest } = (args ?? {}) as ConvArgs;
    if (dilationRate != null && [dilationRate].flat().some((d) => d !== 1)) {
      throw new ConfigError(
        `conv${rank}dTranspose does not support dilationRate (as in TensorFlow.js); leave it at 1.`,
      );
    }
    super(rank, rest);
    this.filters = checkFilters(args.filters, `${this.className} layer "${this.name}"`);
    this.kernelInitializer = getInitializer(args.kernelInitializer, 'glorotUniform');
    this.kernelRegularizer = getRegularizer(args.kernelRegularizer);
    this.kernelConstraint = getConstraint(args.kernelConstraint);
  }

  /**
   * The transposed convolution of `x` (`[batch, ...spatial, channels]`) by `kernel`
   * (`[...kernelSize, filters, channels]`) to `outShape` (`[batch, ...spatial', filters]`).
   */
  protected abstract transpose(
    x: tf.Tensor,
    kernel: tf.Tensor,
    outShape: number[],
    pad: 'same' | 'valid',
  ): tf.Tensor;

  override build(inputShape: Shape | Shape[]): void {
    const shape = singleShape(inputShape, `${this.className} layer "${this.name}"`);
    const channels = shape[this.channelAxis];
    if (channels == null) {
      throw new ShapeError(
        `${this.className} layer "${this.name}" needs to know its input's channels; the input shape is [${shape}].`,
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
    this.inputSpec = { ndim: this.rank + 2, axes: { [this.channelAxis]: channels } };
  }

  /** The output's spatial sizes from the input's (null stays null). */
  private outputSpatial(spatial: Array<number | null>): Array<number | null> {
    return spatial.map((n, i) => deconvOutputLength(n, this.kernelSize[i], this.padding, this.strides[i]));
  }

  call(inputs: LayerInputs, _options: CallOptions): tf.Tensor {
    const input = singleTensor(inputs, `${this.className} layer "${this.name}"`);
    return tf.tidy(() => {
      const x = this.toChannelsLast(input); // [batch, ...spatial, channels]
      const [batch, ...spatial] = x.shape.slice(0, this.rank + 1);
      const outShape = [batch, ...(this.outputSpatial(spatial) as number[]), this.filters];
      const kernel = (this.kernel as LayerWeight).read(); // [...kernelSize, filters, channels]
      let y = this.transpose(x, kernel, outShape, this.padding as 'same' | 'valid'); // [batch, ...spatial', filters]
      if (this.bias) y = tf.add(y, this.bias.read());
      return this.fromChannelsLast(this.activation.apply(y));
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = singleShape(inputShape, `${this.className} layer "${this.name}"`);
    const first = this.dataFormat === 'channelsFirst';
    const out = this.outputSpatial(first ? s.slice(2) : s.slice(1, this.rank + 1));
    return first ? [s[0], this.filters, ...out] : [s[0], ...out, this.filters];
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
