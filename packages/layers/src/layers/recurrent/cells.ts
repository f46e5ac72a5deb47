/**
 * Recurrent cells: one time step of a recurrence, for the generic {@link RNN} layer (Keras's
 * `RNN(cell)`), and the base class of a cell of your own.
 *
 * The fused `simpleRNN`, `lstm` and `gru` layers are faster; these cells compute with plain ops
 * (tfjs differentiates them), so that a cell can be stacked, inspected, or written by hand. The
 * built-in cells have the weights of those layers (same names, shapes and gate order), so weights
 * move between `lstm(...)` and `rnn({cell: lstmCell(...)})` unchanged.
 */
import {
  type Activation,
  type CallOptions,
  ConfigError,
  type Constraint,
  create,
  formatShape,
  type Initializer,
  isSerializedObject,
  Layer,
  type LayerArgs,
  type LayerInputs,
  type LayerWeight,
  type Regularizer,
  type SerializedObject,
  type Shape,
  ShapeError,
  shapeList,
  tf,
} from '@tensorfold/core';
import { type ActivationSpec, getActivation, serializeActivation } from '../../activations/registry.js';
import { type ConstraintSpec, getConstraint } from '../../constraints/index.js';
import { getInitializer, type InitializerSpec } from '../../initializers/index.js';
import { SeededStream } from '../../initializers/sampling.js';
import { numberInRange, positiveInteger } from '../../utils/args.js';
import { getRegularizer, type RegularizerSpec, serializeOption } from '../../utils/layer-utils.js';
import { dropoutMask } from '../../utils/noise.js';

/** What one step of a cell returns. */
export interface CellStep {
  /** The step's output `[batch, outputSize]`. */
  output: tf.Tensor;
  /** The new states, one per entry of {@link RNNCell.stateSize}, each `[batch, size]`. */
  states: tf.Tensor[];
}

/** The sizes of a cell's states as a list. */
export function stateSizes(cell: RNNCell): number[] {
  const s = cell.stateSize;
  return Array.isArray(s) ? s : [s];
}

/**
 * The base class of recurrent cells. A cell computes one time step: from the step's input
 * `[batch, features]` and the states (each `[batch, size]`) to an output and new states. The
 * {@link RNN} layer runs it over a sequence (masks, `goBackwards`, initial states, returned states).
 *
 * To write a cell: extend this class, set `static override readonly className`, give `stateSize`
 * (a number, or one per state; the output has the first state's size unless you override
 * `outputSize`), create weights in `build(inputShape)` (`inputShape` is `[batch, features]`),
 * implement `step`, return your options from `getConfig`, and `register('layer', className, ...)`.
 *
 * Calling a cell directly takes `[x, ...states]` and returns `[output, ...newStates]`.
 */
export abstract class RNNCell extends Layer {
  /** Size of each state vector: a number for one state, a list for several (the LSTM's `[units, units]`). */
  abstract get stateSize(): number | number[];

  /** Size of the output vector. Default: the first state's size. */
  get outputSize(): number {
    return stateSizes(this)[0];
  }

  /**
   * The shapes of the states (without the batch axis) for step inputs of `stepInput`
   * (`[batch, ...]`). Default: `[size]` per entry of {@link RNNCell.stateSize}; a convolutional
   * cell's states are images.
   */
  stateShapes(_stepInput: Shape): number[][] {
    return stateSizes(this).map((s) => [s]);
  }

  /** The shape of one step's output for step inputs of `stepInput`. Default: `[batch, outputSize]`. */
  stepOutputShape(stepInput: Shape): Shape {
    return [stepInput[0], this.outputSize];
  }

  /** One time step. Runs inside the RNN layer's `tidy`; return new tensors. */
  abstract step(inputs: tf.Tensor, states: tf.Tensor[], options: { training: boolean }): CellStep;

  /**
   * Forgets per-sequence state (dropout masks) before the RNN layer runs a sequence. The default
   * does nothing.
   */
  resetSequence(): void {}

  call(inputs: LayerInputs, options: CallOptions): tf.Tensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const sizes = stateSizes(this);
    if (list.length !== 1 + sizes.length) {
      throw new ShapeError(
        `Cell "${this.name}" takes [input, ...${sizes.length} state(s)] but got ${list.length} tensor(s).`,
      );
    }
    this.resetSequence();
    try {
      return tf.tidy(() => {
        const result = this.step(list[0], list.slice(1), { training: options.training ?? false });
        return [result.output, ...result.states];
      });
    } finally {
      this.resetSequence();
    }
  }

  /** `[batch, features]` of the step input, from the shape(s) given to build or apply. */
  protected stepInputShape(inputShape: Shape | Shape[]): Shape {
    const shape = shapeList(inputShape)[0];
    if (shape.length !== 2 || shape[1] == null) {
      throw new ShapeError(
        `Cell "${this.name}" takes step inputs [batch, features] with known features, got ${formatShape(shape)}.`,
      );
    }
    return shape;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape[] {
    const step = shapeList(inputShape)[0];
    return [this.stepOutputShape(step), ...this.stateShapes(step).map((s) => [step[0], ...s] as Shape)];
  }
}

/** A cell from a cell object or its saved `{className, config}`. */
export function resolveCell(spec: RNNCell | SerializedObject | undefined, who: string): RNNCell {
  const cell = spec instanceof Layer ? spec : isSerializedObject(spec) ? create<Layer>('layer', spec) : null;
  if (!(cell instanceof RNNCell)) {
    throw new ConfigError(
      `${who} needs a recurrent cell (an RNNCell such as lstmCell({units: 8}), or a list of them), got ${
        cell ? `layer "${cell.name}" (${cell.className})` : JSON.stringify(spec)
      }.`,
    );
  }
  return cell;
}

/** Options of the built-in cells (those of the recurrent layers that concern one step). */
export interface CellArgs extends LayerArgs {
  /** Size of the state (and output) vector. */
  units: number;
  /** Applied to the state candidate (and, in the LSTM, to the cell output). Default `'tanh'`. */
  activation?: ActivationSpec | null;
  /** Whether the cell has biases. Default `true`. */
  useBias?: boolean;
  /** Starting input kernel. Default `'glorotUniform'`. */
  kernelInitializer?: InitializerSpec;
  /** Starting recurrent kernel. Default `'orthogonal'`. */
  recurrentInitializer?: InitializerSpec;
  /** Starting bias. Default `'zeros'`. */
  biasInitializer?: InitializerSpec;
  /** Penalty on the input kernel added to the training loss. Default: none. */
  kernelRegularizer?: RegularizerSpec | null;
  /** Penalty on the recurrent kernel. Default: none. */
  recurrentRegularizer?: RegularizerSpec | null;
  /** Penalty on the bias. Default: none. */
  biasRegularizer?: RegularizerSpec | null;
  /** Saved for compatibility; a cell's activity is not penalized (put the penalty on the RNN layer). */
  activityRegularizer?: RegularizerSpec | null;
  /** Projection applied to the input kernel after each update. Default: none. */
  kernelConstraint?: ConstraintSpec | null;
  /** Projection applied to the recurrent kernel after each update. Default: none. */
  recurrentConstraint?: ConstraintSpec | null;
  /** Projection applied to the bias after each update. Default: none. */
  biasConstraint?: ConstraintSpec | null;
  /** Fraction of the input features dropped while training, in [0, 1): one mask per sequence for all steps and gates. Default 0. */
  dropout?: number;
  /** Fraction of the state dropped before the recurrent product, one mask per sequence. Default 0. */
  recurrentDropout?: number;
  /** Seed of the dropout masks; default: the next seed of the global generator (`setSeed`). Not saved. */
  seed?: number | null;
}

/** What the built-in cells share: options, the three weights, and the per-sequence dropout masks. */
export abstract class BuiltInCell extends RNNCell {
  readonly units: number;
  readonly activation: Activation;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly recurrentInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly kernelRegularizer: Regularizer | null;
  readonly recurrentRegularizer: Regularizer | null;
  readonly biasRegularizer: Regularizer | null;
  readonly kernelConstraint: Constraint | null;
  readonly recurrentConstraint: Constraint | null;
  readonly biasConstraint: Constraint | null;
  readonly dropout: number;
  readonly recurrentDropout: number;
  /** `[features, gates × units]`, once built. */
  kernel: LayerWeight | null = null;
  /** `[units, gates × units]`, once built. */
  recurrentKernel: LayerWeight | null = null;
  /** The bias, once built (null without `useBias`). */
  bias: LayerWeight | null = null;
  private readonly stream: SeededStream;
  private inputMask: tf.Tensor | null = null;
  private stateMask: tf.Tensor | null = null;

  /** Gates per unit: 1, 4 (LSTM) or 3 (GRU). */
  protected abstract readonly gates: number;

  constructor(args: CellArgs) {
    super(args);
    const who = `${this.className} "${this.name}"`;
    this.units = positiveInteger(args?.units, `${who}: units`);
    this.activation = getActivation(args.activation === undefined ? 'tanh' : args.activation);
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = getInitializer(args.kernelInitializer, 'glorotUniform');
    this.recurrentInitializer = getInitializer(args.recurrentInitializer, 'orthogonal');
    this.biasInitializer = getInitializer(args.biasInitializer, 'zeros');
    this.kernelRegularizer = getRegularizer(args.kernelRegularizer);
    this.recurrentRegularizer = getRegularizer(args.recurrentRegularizer);
    this.biasRegularizer = getRegularizer(args.biasRegularizer);
    this.activityRegularizer = getRegularizer(args.activityRegularizer);
    this.kernelConstraint = getConstraint(args.kernelConstraint);
    this.recurrentConstraint = getConstraint(args.recurrentConstraint);
    this.biasConstraint = getConstraint(args.biasConstraint);
    this.dropout = numberInRange(args.dropout ?? 0, 0, 1, `${who}: dropout`);
    this.recurrentDropout = numberInRange(args.recurrentDropout ?? 0, 0, 1, `${who}: recurrentDropout`);
    this.stream = new SeededStream(args.seed);
    this.trackRandom(this.stream.random);
  }

  /** The bias's shape and starting value. */
  protected abstract biasSpec(): [number[], Initializer];

  override build(inputShape: Shape | Shape[]): void {
    const features = this.stepInputShape(inputShape)[1] as number;
    const width = this.gates * this.units;
    this.kernel = this.addWeight('kernel', [features, width], this.kernelInitializer, {
      regularizer: this.kernelRegularizer,
      constraint: this.kernelConstraint,
    });
    this.recurrentKernel = this.addWeight(
      'recurrent_kernel',
      [this.units, width],
      this.recurrentInitializer,
      {
        regularizer: this.recurrentRegularizer,
        constraint: this.recurrentConstraint,
      },
    );
    if (this.useBias) {
      const [shape, init] = this.biasSpec();
      this.bias = this.addWeight('bias', shape, init, {
        regularizer: this.biasRegularizer,
        constraint: this.biasConstraint,
      });
    }
  }

  override get stateSize(): number | number[] {
    return this.units;
  }

  override resetSequence(): void {
    this.inputMask = null;
    this.stateMask = null;
  }

  /** The step input with the sequence's input dropout mask applied (drawn at the first step). */
  protected droppedInput(x: tf.Tensor, training: boolean): tf.Tensor {
    if (!training || this.dropout === 0) return x;
    this.inputMask ??= dropoutMask(x.shape, this.dropout, this.stream.random);
    return tf.mul(x, this.inputMask);
  }

  /** The previous state with the sequence's recurrent dropout mask applied. */
  protected droppedState(h: tf.Tensor, training: boolean): tf.Tensor {
    if (!training || this.recurrentDropout === 0) return h;
    this.stateMask ??= dropoutMask(h.shape, this.recurrentDropout, this.stream.random);
    return tf.mul(h, this.stateMask);
  }

  /** `x W (+ b)`, `[batch, gates × units]`. */
  protected inputProjection(x: tf.Tensor, bias: tf.Tensor | null): tf.Tensor {
    const product = tf.matMul(x, (this.kernel as LayerWeight).read());
    return bias ? tf.add(product, bias) : product;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: serializeActivation(this.activation),
      useBias: this.useBias,
      kernelInitializer: serializeOption(this.kernelInitializer),
      recurrentInitializer: serializeOption(this.recurrentInitializer),
      biasInitializer: serializeOption(this.biasInitializer),
      kernelRegularizer: serializeOption(this.kernelRegularizer),
      recurrentRegularizer: serializeOption(this.recurrentRegularizer),
      biasRegularizer: serializeOption(this.biasRegularizer),
      activityRegularizer: serializeOption(this.activityRegularizer),
      kernelConstraint: serializeOption(this.kernelConstraint),
      recurrentConstraint: serializeOption(this.recurrentConstraint),
      biasConstraint: serializeOption(this.biasConstraint),
      dropout: this.dropout,
      recurrentDropout: this.recurrentDropout,
    };
  }
}
