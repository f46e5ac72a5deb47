/**
 * What every convolution layer shares: window options (kernel size, strides, padding, dilation,
 * data format), bias and activation, and their checks.
 */
import {
  type Activation,
  ConfigError,
  type Constraint,
  type Initializer,
  Layer,
  type LayerArgs,
  type LayerWeight,
  type Regularizer,
  tf,
} from '@tensorfold/core';
import {
  type ActivationSpec,
  fusedForm,
  getActivation,
  serializeActivation,
} from '../../activations/registry.js';
import { type ConstraintSpec, getConstraint } from '../../constraints/index.js';
import { getInitializer, type InitializerSpec } from '../../initializers/index.js';
import { normalizeTuple } from '../../utils/args.js';
import { checkDataFormat, checkPadding, type DataFormat, type PaddingMode } from '../../utils/conv-utils.js';
import { isRecordingGradients } from '../../utils/engine.js';
import { getRegularizer, type RegularizerSpec, serializeOption } from '../../utils/layer-utils.js';

/** Options every convolution layer takes (the names of TensorFlow.js's conv layers). */
export interface BaseConvArgs extends LayerArgs {
  /** Size of the convolution window: one number for all spatial axes, or one per axis. */
  kernelSize: number | number[];
  /** Step of the window along each spatial axis. Default 1. */
  strides?: number | number[];
  /**
   * `'valid'` (default): no padding, the output shrinks by `kernelSize - 1`; `'same'`: zero-pad so
   * the output has `ceil(input / stride)` positions; `'causal'` (conv1d only): pad on the left, so
   * output t sees inputs up to t.
   */
  padding?: PaddingMode;
  /** `'channelsLast'` (default, `[batch, height, width, channels]`) or `'channelsFirst'`. */
  dataFormat?: DataFormat;
  /** Spacing between the window's taps (atrous convolution). Default 1; strides must then be 1. */
  dilationRate?: number | number[];
  /** Applied to the output. Default: none (`'linear'`). */
  activation?: ActivationSpec | null;
  /** Whether to add a bias per filter. Default `true`. */
  useBias?: boolean;
  /** Starting bias. Default `'zeros'`. */
  biasInitializer?: InitializerSpec;
  /** Penalty on the bias. */
  biasRegularizer?: RegularizerSpec | null;
  /** Penalty on the layer's output. */
  activityRegularizer?: RegularizerSpec | null;
  /** Projection applied to the bias after each update. */
  biasConstraint?: ConstraintSpec | null;
}

/** The base of conv1d, conv2d, conv2dTranspose, depthwiseConv2d and separableConv2d. */
export abstract class BaseConv extends Layer {
  /** Number of spatial axes (1 or 2). */
  readonly rank: number;
  readonly kernelSize: number[];
  readonly strides: number[];
  readonly padding: PaddingMode;
  readonly dataFormat: DataFormat;
  readonly dilationRate: number[];
  readonly activation: Activation;
  readonly useBias: boolean;
  readonly biasInitializer: Initializer;
  readonly biasRegularizer: Regularizer | null;
  readonly biasConstraint: Constraint | null;
  /** The bias `[filters]`, once built (null without `useBias`). */
  bias: LayerWeight | null = null;

  constructor(rank: number, args: BaseConvArgs, options: { allowCausal?: boolean } = {}) {
    super(args);
    const who = `${this.className} layer "${this.name}"`;
    this.rank = rank;
    this.kernelSize = normalizeTuple(args.kernelSize, rank, `${who}: kernelSize`);
    this.strides = normalizeTuple(args.strides ?? 1, rank, `${who}: strides`);
    this.padding = checkPadding(args.padding, options.allowCausal);
    this.dataFormat = checkDataFormat(args.dataFormat);
    this.dilationRate = normalizeTuple(args.dilationRate ?? 1, rank, `${who}: dilationRate`);
    if (this.dilationRate.some((d) => d > 1) && this.strides.some((s) => s > 1)) {
      throw new ConfigError(
        `${who} has both strides ${JSON.stringify(this.strides)} and dilationRate ${JSON.stringify(this.dilationRate)}; one of them must be 1 (as in Keras).`,
      );
    }
    this.activation = getActivation(args.activation);
    this.useBias = args.useBias ?? true;
    this.biasInitializer = getInitializer(args.biasInitializer, 'zeros');
    this.biasRegularizer = getRegularizer(args.biasRegularizer);
    this.activityRegularizer = getRegularizer(args.activityRegularizer);
    this.biasConstraint = getConstraint(args.biasConstraint);
    this.inputSpec = { ndim: rank + 2 };
  }

  /** Index of the channels axis in the input. */
  protected get channelAxis(): number {
    return this.dataFormat === 'channelsFirst' ? 1 : this.rank + 1;
  }

  /** Creates the bias `[size]` when the layer uses one. */
  protected addBias(size: number): void {
    if (!this.useBias) return;
    this.bias = this.addWeight('bias', [size], this.biasInitializer, {
      regularizer: this.biasRegularizer,
      constraint: this.biasConstraint,
    });
  }

  /**
   * The fused-kernel activation to use now: at inference the layer's own (when fusable), while
   * recording gradients none (tfjs only fuses a linear activation then, so the activation runs
   * as its own op after the fused convolution-plus-bias).
   */
  protected fusedActivation(): ReturnType<typeof fusedForm> {
    return isRecordingGradients() ? null : fusedForm(this.activation);
  }

  /** The activation as its own op, unless `fused` already applied it. */
  protected finishActivation(y: tf.Tensor, fused: ReturnType<typeof fusedForm>): tf.Tensor {
    return fused ? y : this.activation.apply(y);
  }

  /** `[batch, ...spatial, channels]` from the layer's data format. */
  protected toChannelsLast(x: tf.Tensor): tf.Tensor {
    if (this.dataFormat === 'channelsLast') return x;
    return tf.transpose(x, [0, ...Array.from({ length: this.rank }, (_, i) => i + 2), 1]);
  }

  /** Back from `[batch, ...spatial, channels]` to the layer's data format. */
  protected fromChannelsLast(y: tf.Tensor): tf.Tensor {
    if (this.dataFormat === 'channelsLast') return y;
    return tf.transpose(y, [0, this.rank + 1, ...Array.from({ length: this.rank }, (_, i) => i + 1)]);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      dataFormat: this.dataFormat,
      dilationRate: this.dilationRate,
      activation: serializeActivation(this.activation),
      useBias: this.useBias,
      biasInitializer: serializeOption(this.biasInitializer),
      biasRegularizer: serializeOption(this.biasRegularizer),
      activityRegularizer: serializeOption(this.activityRegularizer),
      biasConstraint: serializeOption(this.biasConstraint),
    };
  }
}

/** Throws a ConfigError unless `filters` is a positive integer. */
export function checkFilters(filters: unknown, who: string): number {
  if (typeof filters !== 'number' || !Number.isInteger(filters) || filters < 1) {
    throw new ConfigError(
      `${who} needs filters, a positive integer (the number of output channels); got ${JSON.stringify(filters)}.`,
    );
  }
  return filters;
}
