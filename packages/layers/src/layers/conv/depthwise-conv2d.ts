/** Depthwise and depthwise-separable 2D convolutions (MobileNet, Xception; Chollet chapter 9). */
import {
  type CallOptions,
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
import { type ConstraintSpec, getConstraint } from '../../constraints/index.js';
import { getInitializer, type InitializerSpec } from '../../initializers/index.js';
import { positiveInteger } from '../../utils/args.js';
import { convOutputLength } from '../../utils/conv-utils.js';
import { dilateKernel } from '../../utils/dilate.js';
import { isRecordingGradients } from '../../utils/engine.js';
import {
  getRegularizer,
  type RegularizerSpec,
  serializeOption,
  singleTensor,
} from '../../utils/layer-utils.js';
import { BaseConv, type BaseConvArgs, checkFilters } from './base-conv.js';

/** Options of {@link DepthwiseConv2D}. */
export interface DepthwiseConv2DArgs extends BaseConvArgs {
  /** Output channels per input channel. Default 1. */
  depthMultiplier?: number;
  /** Starting depthwise kernel. Default `'glorotUniform'`. */
  depthwiseInitializer?: InitializerSpec;
  /** Penalty on the depthwise kernel. */
  depthwiseRegularizer?: RegularizerSpec | null;
  /** Projection applied to the depthwise kernel after each update. */
  depthwiseConstraint?: ConstraintSpec | null;
}

/**
 * The depthwise step shared by both layers: each input channel convolved with its own
 * `depthMultiplier` filters. `x` is `[batch, height, width, channels]`.
 */
function depthwise(
  x: tf.Tensor4D,
  kernel: tf.Tensor4D,
  strides: [number, number],
  padding: 'same' | 'valid',
  dilations: [number, number],
  bias?: tf.Tensor,
): tf.Tensor4D {
  let filter = kernel;
  let rates = dilations;
  if ((rates[0] > 1 || rates[1] > 1) && isRecordingGradients()) {
    // tfjs has no gradient for dilated depthwise convolutions: spread the taps instead.
    filter = dilateKernel(kernel, rates) as tf.Tensor4D;
    rates = [1, 1];
  }
  return tf.fused.depthwiseConv2d({ x, filter, strides, pad: padding, dilations: rates, bias });
}

/**
 * A depthwise 2D convolution: every input channel is convolved with its own filters
 * (`depthMultiplier` per channel); channels are not mixed.
 *
 * Input shape: `[batch, height, width, channels]`. Output shape:
 * `[batch, newHeight, newWidth, channels × depthMultiplier]`.
 * Weights: `depthwise_kernel [kh, kw, channels, depthMultiplier]`, `bias [channels × depthMultiplier]`.
 *
 * @example
 * depthwiseConv2d({ kernelSize: 3, padding: 'same' })
 */
export class DepthwiseConv2D extends BaseConv {
  static override readonly className: string = 'DepthwiseConv2D';
  readonly depthMultiplier: number;
  readonly depthwiseInitializer: Initializer;
  readonly depthwiseRegularizer: Regularizer | null;
  readonly depthwiseConstraint: Constraint | null;
  /** The kernel `[kh, kw, channels, depthMultiplier]`, once built. */
  depthwiseKernel: LayerWeight | null = null;

  constructor(args: DepthwiseConv2DArgs) {
    super(2, args);
    this.depthMultiplier = positiveInteger(
      args.depthMultiplier ?? 1,
      `DepthwiseConv2D layer "${this.name}": depthMultiplier`,
    );
    this.depthwiseInitializer = getInitializer(args.depthwiseInitializer, 'glorotUniform');
    this.depthwiseRegularizer = getRegularizer(args.depthwiseRegularizer);
    this.depthwiseConstraint = getConstraint(args.depthwiseConstraint);
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = singleShape(inputShape, `DepthwiseConv2D layer "${this.name}"`);
    const channels = shape[this.channelAxis];
    if (channels == null)
      throw new ShapeError(`DepthwiseConv2D layer "${this.name}" needs to know its input's channels.`);
    this.depthwiseKernel = this.addWeight(
      'depthwise_kernel',
      [...this.kernelSize, channels, this.depthMultiplier],
      this.depthwiseInitializer,
      { regularizer: this.depthwiseRegularizer, constraint: this.depthwiseConstraint },
    );
    this.addBias(channels * this.depthMultiplier);
    this.inputSpec = { ndim: 4, axes: { [this.channelAxis]: channels } };
  }

  call(inputs: LayerInputs, _options: CallOptions): tf.Tensor {
    const input = singleTensor(inputs, `DepthwiseConv2D layer "${this.name}"`);
    return tf.tidy(() => {
      const x = this.toChannelsLast(input) as tf.Tensor4D; // [batch, height, width, channels]
      const y = depthwise(
        x,
        (this.depthwiseKernel as LayerWeight).read() as tf.Tensor4D,
        this.strides as [number, number],
        this.padding as 'same' | 'valid',
        this.dilationRate as [number, number],
        this.bias?.read(),
      );
      return this.fromChannelsLast(this.activation.apply(y));
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = singleShape(inputShape, `DepthwiseConv2D layer "${this.name}"`);
    const first = this.dataFormat === 'channelsFirst';
    const [c, h, w] = first ? [s[1], s[2], s[3]] : [s[3], s[1], s[2]];
    const oh = convOutputLength(h, this.kernelSize[0], this.padding, this.strides[0], this.dilationRate[0]);
    const ow = convOutputLength(w, this.kernelSize[1], this.padding, this.strides[1], this.dilationRate[1]);
    const oc = c == null ? null : c * this.depthMultiplier;
    return first ? [s[0], oc, oh, ow] : [s[0], oh, ow, oc];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      depthMultiplier: this.depthMultiplier,
      depthwiseInitializer: serializeOption(this.depthwiseInitializer),
      depthwiseRegularizer: serializeOption(this.depthwiseRegularizer),
      depthwiseConstraint: serializeOption(this.depthwiseConstraint),
    };
  }
}

/** Options of {@link SeparableConv2D}. */
export interface SeparableConv2DArgs extends DepthwiseConv2DArgs {
  /** Number of output channels (of the pointwise step). */
  filters: number;
  /** Starting pointwise kernel. Default `'glorotUniform'`. */
  pointwiseInitializer?: InitializerSpec;
  /** Penalty on the pointwise kernel. */
  pointwiseRegularizer?: RegularizerSpec | null;
  /** Projection applied to the pointwise kernel after each update. */
  pointwiseConstraint?: ConstraintSpec | null;
}

/**
 * A depthwise-separable 2D convolution: a depthwise convolution (each channel on its own) followed
 * by a 1×1 pointwise convolution that mixes channels. Far fewer parameters than a full
 * convolution of the same output size (Chollet, chapter 9).
 *
 * Input shape: `[batch, height, width, channels]`. Output shape: `[batch, newHeight, newWidth, filters]`.
 * Weights: `depthwise_kernel [kh, kw, channels, depthMultiplier]`,
 * `pointwise_kernel [1, 1, channels × depthMultiplier, filters]`, `bias [filters]`.
 *
 * @example
 * separableConv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu' })
 */
export class SeparableConv2D extends DepthwiseConv2D {
  static override readonly className = 'SeparableConv2D';
  readonly filters: number;
  readonly pointwiseInitializer: Initializer;
  readonly pointwiseRegularizer: Regularizer | null;
  readonly pointwiseConstraint: Constraint | null;
  /** The kernel `[1, 1, channels × depthMultiplier, filters]`, once built. */
  pointwiseKernel: LayerWeight | null = null;

  constructor(args: SeparableConv2DArgs) {
    super(args);
    this.filters = checkFilters(args.filters, `SeparableConv2D layer "${this.name}"`);
    this.pointwiseInitializer = getInitializer(args.pointwiseInitializer, 'glorotUniform');
    this.pointwiseRegularizer = getRegularizer(args.pointwiseRegularizer);
    this.pointwiseConstraint = getConstraint(args.pointwiseConstraint);
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = singleShape(inputShape, `SeparableConv2D layer "${this.name}"`);
    const channels = shape[this.channelAxis];
    if (channels == null)
      throw new ShapeError(`SeparableConv2D layer "${this.name}" needs to know its input's channels.`);
    this.depthwiseKernel = this.addWeight(
      'depthwise_kernel',
      [...this.kernelSize, channels, this.depthMultiplier],
      this.depthwiseInitializer,
      { regularizer: this.depthwiseRegularizer, constraint: this.depthwiseConstraint },
    );
    this.pointwiseKernel = this.addWeight(
      'pointwise_kernel',
      [1, 1, channels * this.depthMultiplier, this.filters],
      this.pointwiseInitializer,
      { regularizer: this.pointwiseRegularizer, constraint: this.pointwiseConstraint },
    );
    this.addBias(this.filters);
    this.inputSpec = { ndim: 4, axes: { [this.channelAxis]: channels } };
  }

  override call(inputs: LayerInputs, _options: CallOptions): tf.Tensor {
    const input = singleTensor(inputs, `SeparableConv2D layer "${this.name}"`);
    return tf.tidy(() => {
      const x = this.toChannelsLast(input) as tf.Tensor4D; // [batch, height, width, channels]
      const mid = depthwise(
        x,
        (this.depthwiseKernel as LayerWeight).read() as tf.Tensor4D,
        this.strides as [number, number],
        this.padding as 'same' | 'valid',
        this.dilationRate as [number, number],
      ); // [batch, newHeight, newWidth, channels × depthMultiplier]
      const fused = this.fusedActivation();
      const y = tf.fused.conv2d({
        x: mid,
        filter: (this.pointwiseKernel as LayerWeight).read() as tf.Tensor4D,
        strides: 1,
        pad: 'valid',
        bias: this.bias?.read(),
        ...(fused ?? {}),
      }); // [batch, newHeight, newWidth, filters]
      return this.fromChannelsLast(this.finishActivation(y, fused));
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const out = super.computeOutputShape(inputShape);
    if (this.dataFormat === 'channelsFirst') out[1] = this.filters;
    else out[3] = this.filters;
    return out;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      filters: this.filters,
      pointwiseInitializer: serializeOption(this.pointwiseInitializer),
      pointwiseRegularizer: serializeOption(this.pointwiseRegularizer),
      pointwiseConstraint: serializeOption(this.pointwiseConstraint),
    };
  }
}

register('layer', 'DepthwiseConv2D', (c) => new DepthwiseConv2D(c as unknown as DepthwiseConv2DArgs));
register('layer', 'SeparableConv2D', (c) => new SeparableConv2D(c as unknown as SeparableConv2DArgs), [
  'SeparableConvolution2D',
]);

/** A depthwise 2D convolution layer (see {@link DepthwiseConv2D}). */
export function depthwiseConv2d(args: DepthwiseConv2DArgs): DepthwiseConv2D {
  return new DepthwiseConv2D(args);
}

/** A depthwise-separable 2D convolution layer (see {@link SeparableConv2D}). */
export function separableConv2d(args: SeparableConv2DArgs): SeparableConv2D {
  return new SeparableConv2D(args);
}
