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
import { convOutputLength } from '../../utils/conv-utils.js';
import { dilateKernel } from '../../utils/dilate.js';
import { hasGradientHistory, isRecordingGradients } from '../../utils/engine.js';
import {
  getRegularizer,
  type RegularizerSpec,
  serializeOption,
  singleTensor,
} from '../../utils/layer-utils.js';
import { BaseConv, type BaseConvArgs, checkFilters } from './base-conv.js';
import { trainingFusedConv2d } from './training-fused-conv.js';

/** Options of {@link Conv1D} and {@link Conv2D}. */
export interface ConvArgs extends BaseConvArgs {
  /** Number of filters: the channels of the output. */
  filters: number;
  /** Starting kernel. Default `'glorotUniform'` (as Keras; TensorFlow.js uses glorotNormal). */
  kernelInitializer?: InitializerSpec;
  /** Penalty on the kernel. */
  kernelRegularizer?: RegularizerSpec | null;
  /** Projection applied to the kernel after each update. */
  kernelConstraint?: ConstraintSpec | null;
}

/** A convolution that mixes all input channels: the base of {@link Conv1D} and {@link Conv2D}. */
export abstract class Conv extends BaseConv {
  readonly filters: number;
  readonly kernelInitializer: Initializer;
  readonly kernelRegularizer: Regularizer | null;
  readonly kernelConstraint: Constraint | null;
  /** The kernel `[...kernelSize, inputChannels, filters]`, once built. */
  kernel: LayerWeight | null = null;

  constructor(rank: number, args: ConvArgs, options: { allowCausal?: boolean } = {}) {
    super(rank, args, options);
    this.filters = checkFilters(args.filters, `${this.className} layer "${this.name}"`);
    this.kernelInitializer = getInitializer(args.kernelInitializer, 'glorotUniform');
    this.kernelRegularizer = getRegularizer(args.kernelRegularizer);
    this.kernelConstraint = getConstraint(args.kernelConstraint);
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = singleShape(inputShape, `${this.className} layer "${this.name}"`);
    const channels = shape[this.channelAxis];
    if (channels == null) {
      throw new ShapeError(
        `${this.className} layer "${this.name}" needs to know its input's channels (axis ${this.channelAxis}) but the input shape is [${shape.map((d) => d ?? 'None')}].`,
      );
    }
    this.kernel = this.addWeight(
      'kernel',
      [...this.kernelSize, channels, this.filters],
      this.kernelInitializer,
      {
        regularizer: this.kernelRegularizer,
        constraint: this.kernelConstraint,
      },
    );
    this.addBias(this.filters);
    this.inputSpec = { ndim: this.rank + 2, axes: { [this.channelAxis]: channels } };
  }

  /**
   * The 2D convolution both ranks run: `x` is `[batch, height, width, channels]`, `kernel`
   * `[kh, kw, in, filters]`. Dilated kernels are spread out while recording gradients (tfjs has
   * no gradient for dilated convolutions) and dilated natively otherwise.
   */
  protected convolve2d(
    x: tf.Tensor4D,
    kernel: tf.Tensor4D,
    strides: [number, number],
    dilations: [number, number],
    input: tf.Tensor,
  ): tf.Tensor4D {
    let filter = kernel;
    let rates = dilations;
    if ((rates[0] > 1 || rates[1] > 1) && isRecordingGradients()) {
      filter = dilateKernel(kernel, rates) as tf.Tensor4D;
      rates = [1, 1];
    }
    const pad = this.padding === 'same' ? 'same' : 'valid';
    const bias = this.bias?.read();
    if (isRecordingGradients()) {
      // While training: the one fused kernel with core's registered gradient (relu or linear in it,
      // another activation after it); the tape then skips the input's gradient of a first layer.
      const y = trainingFusedConv2d(x, filter, bias, strides, pad, rates, this.activation);
      if (y != null) return y;
      // The path held off (setTrainingFusedConvEnabled(false)) or not float32: as before.
      if (!hasGradientHistory(input)) {
        // A first layer: plain ops, so the tape skips the gradient of the input data (the custom
        // gradient of tf.fused.conv2d would compute it anyway).
        const product = tf.conv2d(x, filter, strides, pad, 'NHWC', rates);
        return this.activation.apply(bias ? tf.add(product, bias) : product) as tf.Tensor4D;
      }
      // tf.fused.conv2d fuses no activation while recording.
      const y2 = tf.fused.conv2d({ x, filter, strides, pad, dilations: rates, bias });
      return this.activation.apply(y2) as tf.Tensor4D;
    }
    const fused = this.fusedActivation();
    const y = tf.fused.conv2d({ x, filter, strides, pad, dilations: rates, bias, ...(fused ?? {}) });
    return this.finishActivation(y, fused) as tf.Tensor4D;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = singleShape(inputShape, `${this.className} layer "${this.name}"`);
    const spatial = this.dataFormat === 'channelsLast' ? shape.slice(1, -1) : shape.slice(2);
    const out = spatial.map((n, i) =>
      convOutputLength(n, this.kernelSize[i], this.padding, this.strides[i], this.dilationRate[i]),
    );
    return this.dataFormat === 'channelsLast'
      ? [shape[0], ...out, this.filters]
      : [shape[0], this.filters, ...out];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelInitializer: serializeOption(this.kernelInitializer),
      kernelRegularizer: serializeOption(this.kernelRegularizer),
      kernelConstraint: serializeOption(this.kernelConstraint),
    };
  }
}

/**
 * A 2D convolution: `filters` learned `kernelSize` windows slid over the image, each giving one
 * output channel, plus a bias and an activation. Runs as tfjs's fused conv2d kernel.
 *
 * Input shape: `[batch, height, width, channels]` (or `[batch, channels, height, width]` with
 * `dataFormat: 'channelsFirst'`). Output shape: `[batch, newHeight, newWidth, filters]`, where
 * `newHeight = ceil(height / stride)` with `'same'` padding and
 * `ceil((height - dilatedKernel + 1) / stride)` with `'valid'`.
 * Weights: `kernel [kh, kw, channels, filters]`, `bias [filters]`; parameters
 * `(kh × kw × channels + 1) × filters`.
 *
 * @example
 * const c = conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [28, 28, 1] });
 */
export class Conv2D extends Conv {
  static override readonly className = 'Conv2D';

  constructor(args: ConvArgs) {
    super(2, args);
  }

  call(inputs: LayerInputs, _options: CallOptions): tf.Tensor {
    const input = singleTensor(inputs, `Conv2D layer "${this.name}"`);
    return tf.tidy(() => {
      const x = this.toChannelsLast(input) as tf.Tensor4D; // [batch, height, width, channels]
      const kernel = (this.kernel as LayerWeight).read() as tf.Tensor4D; // [kh, kw, in, filters]
      const y = this.convolve2d(
        x,
        kernel,
        this.strides as [number, number],
        this.dilationRate as [number, number],
        input,
      ); // [batch, newHeight, newWidth, filters]
      return this.fromChannelsLast(y);
    });
  }
}

/**
 * A 1D convolution over a sequence (temporal convolution), e.g. the 1D convnets of Chollet's
 * text-classification chapter. `padding: 'causal'` pads on the left only, so output t depends on
 * inputs up to t (WaveNet-style).
 *
 * Input shape: `[batch, steps, channels]`. Output shape: `[batch, newSteps, filters]`.
 * Weights: `kernel [kernelSize, channels, filters]`, `bias [filters]`.
 *
 * @example
 * const c = conv1d({ filters: 32, kernelSize: 7, activation: 'relu', inputShape: [500, 128] });
 */
export class Conv1D extends Conv {
  static override readonly className = 'Conv1D';

  constructor(args: ConvArgs) {
    super(1, args, { allowCausal: true });
  }

  call(inputs: LayerInputs, _options: CallOptions): tf.Tensor {
    const input = singleTensor(inputs, `Conv1D layer "${this.name}"`);
    return tf.tidy(() => {
      let x = this.toChannelsLast(input); // [batch, steps, channels]
      if (this.padding === 'causal') {
        const left = this.dilationRate[0] * (this.kernelSize[0] - 1);
        x = tf.pad(x, [
          [0, 0],
          [left, 0],
          [0, 0],
        ]);
      }
      const x4 = tf.expandDims(x, 1) as tf.Tensor4D; // [batch, 1, steps, channels]
      const kernel = tf.expandDims((this.kernel as LayerWeight).read(), 0) as tf.Tensor4D; // [1, k, in, filters]
      const y = this.convolve2d(x4, kernel, [1, this.strides[0]], [1, this.dilationRate[0]], input);
      return this.fromChannelsLast(tf.squeeze(y, [1])); // [batch, newSteps, filters]
    });
  }

  override getConfig(): Record<string, unknown> {
    // TensorFlow.js saves conv1d without dataFormat.
    const { dataFormat: _, ...config } = super.getConfig();
    return config;
  }
}

register('layer', 'Conv2D', (config) => new Conv2D(config as unknown as ConvArgs), ['Convolution2D']);
register('layer', 'Conv1D', (config) => new Conv1D(config as unknown as ConvArgs), ['Convolution1D']);

/**
 * A 2D convolution layer (see {@link Conv2D}).
 * @example
 * conv2d({ filters: 16, kernelSize: 5, activation: 'relu' })
 */
export function conv2d(args: ConvArgs): Conv2D {
  return new Conv2D(args);
}

/**
 * A 1D convolution layer (see {@link Conv1D}).
 * @example
 * conv1d({ filters: 32, kernelSize: 5, padding: 'causal' })
 */
export function conv1d(args: ConvArgs): Conv1D {
  return new Conv1D(args);
}
