/** ConvLSTM2D (Shi et al.): an LSTM whose gates are convolutions, over sequences of images. */
import {
  ConfigError,
  type Initializer,
  type LayerWeight,
  register,
  type Shape,
  ShapeError,
  tf,
} from '@tensorfold/core';
import { type ActivationSpec, getActivation, serializeActivation } from '../../activations/registry.js';
import { normalizeTuple } from '../../utils/args.js';
import { checkPadding, convOutputLength, type DataFormat } from '../../utils/conv-utils.js';
import { dilateKernel } from '../../utils/dilate.js';
import { isRecordingGradients } from '../../utils/engine.js';
import { BuiltInCell, type CellArgs, type CellStep } from './cells.js';
import { UnitForgetBias } from './lstm.js';
import { RNN, type RNNArgs } from './rnn.js';

type Pair = [number, number];

/** Options of {@link ConvLSTM2DCell}. */
export interface ConvLSTM2DCellArgs extends Omit<CellArgs, 'units'> {
  /** Number of filters: the channels of the state and the output. */
  filters: number;
  /** Size of the convolution window: one number or `[height, width]`. */
  kernelSize: number | number[];
  /** Step of the input convolution. Default 1. */
  strides?: number | number[];
  /** `'valid'` (default) or `'same'`, for the input convolution (the recurrent one is always `same`). */
  padding?: 'valid' | 'same';
  /** Only `'channelsLast'` (default, `[batch, height, width, channels]`) is supported. */
  dataFormat?: DataFormat;
  /** Spacing of the input convolution's taps. Default 1. */
  dilationRate?: number | number[];
  /** Applied to the input, forget and output gates. Default `'sigmoid'` (as Keras; tfjs: hardSigmoid). */
  recurrentActivation?: ActivationSpec | null;
  /** Start the forget gate's bias at 1. Default `true`. */
  unitForgetBias?: boolean;
  /** Accepted for compatibility (saved, otherwise ignored). Default 2. */
  implementation?: number;
}

/**
 * One step of a convolutional LSTM: the LSTM of `lstmCell` with the products replaced by 2D
 * convolutions, so the states `h` and `c` are images `[batch, height', width', filters]`.
 *
 * Weights: `kernel [kh, kw, channels, 4 filters]`, `recurrent_kernel [kh, kw, filters, 4 filters]`,
 * `bias [4 filters]` (gates in the order input, forget, cell, output, as Keras).
 */
export class ConvLSTM2DCell extends BuiltInCell {
  static override readonly className = 'ConvLSTM2DCell';
  protected readonly gates = 4;
  readonly filters: number;
  readonly kernelSize: Pair;
  readonly strides: Pair;
  readonly padding: 'valid' | 'same';
  readonly dataFormat: DataFormat;
  readonly dilationRate: Pair;
  readonly recurrentActivation;
  readonly unitForgetBias: boolean;
  readonly implementation: number;

  constructor(args: ConvLSTM2DCellArgs) {
    super({ ...args, units: args?.filters } as CellArgs);
    const who = `ConvLSTM2DCell "${this.name}"`;
    this.filters = this.units;
    this.kernelSize = normalizeTuple(args.kernelSize, 2, `${who}: kernelSize`) as Pair;
    this.strides = normalizeTuple(args.strides ?? 1, 2, `${who}: strides`) as Pair;
    this.padding = checkPadding(args.padding) as 'valid' | 'same';
    this.dilationRate = normalizeTuple(args.dilationRate ?? 1, 2, `${who}: dilationRate`) as Pair;
    this.dataFormat = args.dataFormat ?? 'channelsLast';
    if (this.dataFormat !== 'channelsLast') {
      throw new ConfigError(
        `${who}: only dataFormat 'channelsLast' is supported; transpose the input to [batch, steps, height, width, channels].`,
      );
    }
    this.recurrentActivation = getActivation(
      args.recurrentActivation === undefined ? 'sigmoid' : args.recurrentActivation,
    );
    this.unitForgetBias = args.unitForgetBias ?? true;
    this.implementation = args.implementation ?? 2;
  }

  protected biasSpec(): [number[], Initializer] {
    const init = this.unitForgetBias
      ? new UnitForgetBias(this.biasInitializer, this.filters)
      : this.biasInitializer;
    return [[4 * this.filters], init];
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = inputShape as Shape;
    if (shape.length !== 4 || shape[3] == null) {
      throw new ShapeError(
        `ConvLSTM2DCell "${this.name}" takes step inputs [batch, height, width, channels] with known channels, got [${shape}].`,
      );
    }
    const width = 4 * this.filters;
    this.kernel = this.addWeight('kernel', [...this.kernelSize, shape[3], width], this.kernelInitializer, {
      regularizer: this.kernelRegularizer,
      constraint: this.kernelConstraint,
    });
    this.recurrentKernel = this.addWeight(
      'recurrent_kernel',
      [...this.kernelSize, this.filters, width],
      this.recurrentInitializer,
      {
        regularizer: this.recurrentRegularizer,
        constraint: this.recurrentConstraint,
      },
    );
    if (this.useBias) {
      const [biasShape, init] = this.biasSpec();
      this.bias = this.addWeight('bias', biasShape, init, {
        regularizer: this.biasRegularizer,
        constraint: this.biasConstraint,
      });
    }
  }

  override get stateSize(): number[] {
    return [this.filters, this.filters];
  }

  private outputImage(stepInput: Shape): [number | null, number | null] {
    return [1, 2].map((axis, i) =>
      convOutputLength(
        stepInput[axis],
        this.kernelSize[i],
        this.padding,
        this.strides[i],
        this.dilationRate[i],
      ),
    ) as [number | null, number | null];
  }

  override stateShapes(stepInput: Shape): number[][] {
    const [h, w] = this.outputImage(stepInput);
    return [
      [h as number, w as number, this.filters],
      [h as number, w as number, this.filters],
    ];
  }

  override stepOutputShape(stepInput: Shape): Shape {
    return [stepInput[0], ...this.outputImage(stepInput), this.filters];
  }

  step(inputs: tf.Tensor, states: tf.Tensor[], { training }: { training: boolean }): CellStep {
    const x = this.droppedInput(inputs, training) as tf.Tensor4D; // [batch, height, width, channels]
    const h = this.droppedState(states[0], training) as tf.Tensor4D; // [batch, h', w', filters]
    let kernel = (this.kernel as LayerWeight).read() as tf.Tensor4D;
    let rates = this.dilationRate;
    if ((rates[0] > 1 || rates[1] > 1) && isRecordingGradients()) {
      kernel = dilateKernel(kernel, rates) as tf.Tensor4D; // tfjs has no gradient for dilated conv2d
      rates = [1, 1];
    }
    let zx: tf.Tensor = tf.conv2d(x, kernel, this.strides, this.padding, 'NHWC', rates);
    if (this.bias) zx = tf.add(zx, this.bias.read());
    const zh = tf.conv2d(h, (this.recurrentKernel as LayerWeight).read() as tf.Tensor4D, 1, 'same');
    const [zi, zf, zc, zo] = tf.split(tf.add(zx, zh), 4, 3); // [batch, h', w', filters] each
    const i = this.recurrentActivation.apply(zi);
    const f = this.recurrentActivation.apply(zf);
    const c = tf.add(tf.mul(f, states[1]), tf.mul(i, this.activation.apply(zc)));
    const hNew = tf.mul(this.recurrentActivation.apply(zo), this.activation.apply(c));
    return { output: hNew, states: [hNew, c] };
  }

  override getConfig(): Record<string, unknown> {
    const { units: _, ...config } = super.getConfig();
    return {
      ...config,
      recurrentActivation: serializeActivation(this.recurrentActivation),
      unitForgetBias: this.unitForgetBias,
      implementation: this.implementation,
      filters: this.filters,
      kernelSize: this.kernelSize,
      padding: this.padding,
      dataFormat: this.dataFormat,
      dilationRate: this.dilationRate,
      strides: this.strides,
    };
  }
}

/** Options of {@link ConvLSTM2D}. */
export type ConvLSTM2DArgs = ConvLSTM2DCellArgs & Omit<RNNArgs, 'cell' | 'inputDim' | 'inputLength'>;

/**
 * A convolutional LSTM layer (Shi et al., precipitation nowcasting): {@link ConvLSTM2DCell} run over
 * a sequence of images, for video frames and spatio-temporal grids. Masks, `goBackwards`, initial
 * and returned states work as in `rnn`.
 *
 * Input shape: `[batch, steps, height, width, channels]`. Output shape: `[batch, h', w', filters]`,
 * or `[batch, steps, h', w', filters]` with `returnSequences`.
 *
 * @example
 * convLstm2d({ filters: 8, kernelSize: 3, padding: 'same', returnSequences: true, inputShape: [10, 16, 16, 1] })
 */
export class ConvLSTM2D extends RNN {
  static override readonly className = 'ConvLSTM2D';
  protected override readonly sequenceRank = 5;

  constructor(args: ConvLSTM2DArgs) {
    const {
      name: _n,
      trainable: _t,
      inputShape: _i,
      batchInputShape: _b,
      batchSize: _s,
      dtype: _d,
      ...cellArgs
    } = args ?? ({} as ConvLSTM2DArgs);
    super({ ...args, cell: new ConvLSTM2DCell(cellArgs as ConvLSTM2DCellArgs) });
  }

  override getConfig(): Record<string, unknown> {
    const { cell, ...config } = super.getConfig();
    const {
      name: _n,
      trainable: _t,
      dtype: _d,
      ...cellConfig
    } = (cell as { config: Record<string, unknown> }).config;
    return { ...cellConfig, ...config };
  }
}

register('layer', 'ConvLSTM2DCell', (c) => new ConvLSTM2DCell(c as unknown as ConvLSTM2DCellArgs));
register('layer', 'ConvLSTM2D', (c) => new ConvLSTM2D(c as unknown as ConvLSTM2DArgs));

/** A convolutional LSTM layer (see {@link ConvLSTM2D}). */
export function convLstm2d(args: ConvLSTM2DArgs): ConvLSTM2D {
  return new ConvLSTM2D(args);
}
