/**
 * What simpleRNN, lstm and gru share: options, weights, and the call around the fused recurrence
 * (time-major input projection in one product, one dropout mask per sequence, masks, initial
 * states, goBackwards, returnSequences, returnState).
 */
import {
  type Activation,
  type CallOptions,
  ConfigError,
  type Constraint,
  formatShape,
  type Initializer,
  Layer,
  type LayerArgs,
  type LayerInputs,
  type LayerWeight,
  type Regularizer,
  type Shape,
  ShapeError,
  SymbolicTensor,
  shapeList,
  tf,
} from '@tensorfold/core';
import { type ActivationSpec, getActivation, serializeActivation } from '../../activations/registry.js';
import { type ConstraintSpec, getConstraint } from '../../constraints/index.js';
import { getInitializer, type InitializerSpec } from '../../initializers/index.js';
import { SeededStream } from '../../initializers/sampling.js';
import { numberInRange, positiveInteger } from '../../utils/args.js';
import { firstMask, getRegularizer, type RegularizerSpec, serializeOption } from '../../utils/layer-utils.js';
import { dropoutMask } from '../../utils/noise.js';
import type { FusedInputs } from './fused-recurrence.js';
import type { RecurrenceInputs, RecurrenceResult } from './recurrence.js';

/** Options every recurrent layer takes (the names of TensorFlow.js's recurrent layers). */
export interface RecurrentArgs extends LayerArgs {
  /** Size of the state (and output) vector. */
  units: number;
  /** Applied to the state candidate (and, in the LSTM, to the cell output). Default `'tanh'`. */
  activation?: ActivationSpec | null;
  /** Whether the layer has biases. Default `true`. */
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
  /** Penalty on the layer's output. */
  activityRegularizer?: RegularizerSpec | null;
  /** Projection applied to the input kernel after each update. Default: none. */
  kernelConstraint?: ConstraintSpec | null;
  /** Projection applied to the recurrent kernel after each update. Default: none. */
  recurrentConstraint?: ConstraintSpec | null;
  /** Projection applied to the bias after each update. Default: none. */
  biasConstraint?: ConstraintSpec | null;
  /**
   * Fraction of the input features dropped while training, in [0, 1). One mask per sequence,
   * shared by all time steps and all gates (Gal and Ghahramani; as Keras 3). Default 0.
   */
  dropout?: number;
  /** Fraction of the state dropped before the recurrent product, one mask per sequence for all steps. Default 0. */
  recurrentDropout?: number;
  /** Return the output of every step `[batch, steps, units]` instead of the last `[batch, units]`. Default `false`. */
  returnSequences?: boolean;
  /** Also return the final states: `[output, h]` (`[output, h, c]` for the LSTM). Default `false`. */
  returnState?: boolean;
  /** Process the sequence from its end; with `returnSequences` the outputs come in that reversed order (as Keras). Default `false`. */
  goBackwards?: boolean;
  /** Carrying states across batches is not supported; must be `false`. */
  stateful?: boolean;
  /** Accepted for compatibility and ignored: the recurrence always runs as a fused loop. */
  unroll?: boolean;
  /** Seed of the dropout masks; default: the next seed of the global generator (`setSeed`). Not saved. */
  seed?: number | null;
  /** Size of the input's features; shorthand for `inputShape: [inputLength, inputDim]`. */
  inputDim?: number;
  /** Number of steps, with `inputDim`. Default: any. */
  inputLength?: number | null;
}

/** Options of a recurrent call. */
export interface RecurrentCallOptions extends CallOptions {
  /** Starting states (`[h]`, or `[h, c]` for the LSTM), each `[batch, units]`. Default zeros. */
  initialState?: tf.Tensor | tf.Tensor[];
}

/** The base class of {@link SimpleRNN}, {@link LSTM} and {@link GRU}. */
export abstract class RecurrentLayer extends Layer {
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
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly goBackwards: boolean;
  readonly unroll: boolean;
  /** The input kernel `[features, gates × units]`, once built. */
  kernel: LayerWeight | null = null;
  /** The recurrent kernel `[units, gates × units]`, once built. */
  recurrentKernel: LayerWeight | null = null;
  /** The bias, once built (null without `useBias`). */
  bias: LayerWeight | null = null;
  private readonly stream: SeededStream;

  /** Gates per unit: 1 (simple), 4 (LSTM), 3 (GRU). */
  protected abstract readonly gates: number;
  /** States carried between steps: 1 (h), or 2 (h, c) for the LSTM. */
  abstract readonly stateCount: number;

  constructor(args: RecurrentArgs) {
    const withShape =
      args.inputShape == null && args.batchInputShape == null && args.inputDim != null
        ? { ...args, inputShape: [args.inputLength ?? null, args.inputDim] }
        : args;
    super(withShape);
    const who = `${this.className} layer "${this.name}"`;
    this.units = positiveInteger(args.units, `${who}: units`);
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
    this.returnSequences = args.returnSequences ?? false;
    this.returnState = args.returnState ?? false;
    this.goBackwards = args.goBackwards ?? false;
    this.unroll = args.unroll ?? false;
    if (args.stateful) {
      throw new ConfigError(
        `${who}: stateful recurrent layers are not supported. Pass the final states of one batch as initialState of the next instead.`,
      );
    }
    this.stream = new SeededStream(args.seed);
    this.trackRandom(this.stream.random);
    this.supportsMasking = true;
  }

  /** Creates the bias (shape and initializer differ per layer). */
  protected abstract buildBias(): void;

  /** Runs the recurrence (the input projection already includes the input bias). */
  protected abstract recur(inputs: RecurrenceInputs): RecurrenceResult;

  /**
   * The whole layer over the sequence by a fused kernel of the active backend (see
   * fused-recurrence.ts), or null where there is none for this layer's options; then the
   * op-by-op recurrence runs. The input `x` is time-major (reversed for goBackwards, input dropout
   * applied); the states, the mask and the recurrent dropout mask as {@link RecurrenceInputs} has
   * them. Default: null.
   */
  protected fused(_inputs: FusedInputs): RecurrenceResult | null {
    return null;
  }

  /** `x W + b` for every step, `[steps, gates × units, batch]`, from the time-major `x` `[steps, batch, features]`. */
  private project(xt: tf.Tensor3D): tf.Tensor3D {
    const [steps, batch, features] = xt.shape;
    const bias = this.inputBias();
    const flat = tf.reshape(xt, [steps * batch, features]) as tf.Tensor2D;
    const product = tf.fused.matMul({
      a: flat,
      b: (this.kernel as LayerWeight).read() as tf.Tensor2D,
      bias: bias ?? undefined,
    });
    return tf.transpose(
      tf.reshape(product, [steps, batch, this.gates * this.units]),
      [0, 2, 1],
    ) as tf.Tensor3D;
  }

  /** The bias added to the input projection: `[gates × units]`, or null. */
  protected inputBias(): tf.Tensor | null {
    return this.bias ? this.bias.read() : null;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = shapeList(inputShape)[0];
    if (shape.length !== 3) {
      throw new ShapeError(
        `${this.className} layer "${this.name}" expects sequences [batch, steps, features] but got shape ${formatShape(shape)}.`,
      );
    }
    const features = shape[2];
    if (features == null)
      throw new ShapeError(`${this.className} layer "${this.name}" needs to know its input's features.`);
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
    if (this.useBias) this.buildBias();
  }

  /** Adds the bias weight with the given shape and initializer. */
  protected addBiasWeight(shape: number[], initializer: Initializer): void {
    this.bias = this.addWeight('bias', shape, initializer, {
      regularizer: this.biasRegularizer,
      constraint: this.biasConstraint,
    });
  }

  call(inputs: LayerInputs, options: RecurrentCallOptions): tf.Tensor | tf.Tensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const x = list[0];
    const given = list.length > 1 ? list.slice(1) : options.initialState;
    const mask = firstMask(options.mask);
    if (x.rank !== 3) {
      throw new ShapeError(
        `${this.className} layer "${this.name}" expects sequences [batch, steps, features] but got shape [${x.shape}].`,
      );
    }
    const training = options.training ?? false;
    return tf.tidy(() => {
      const [batch, , features] = x.shape;
      const units = this.units;
      // The recurrences work features × batch per step (see recurrence.ts).
      const initialStates = this.initialStates(given, batch).map((s) => tf.transpose(s) as tf.Tensor2D); // [units, batch]
      let xt = tf.transpose(x, [1, 0, 2]); // [steps, batch, features]
      let maskT = mask ? tf.transpose(tf.cast(mask, 'float32'), [1, 0]) : null; // [steps, batch]
      if (this.goBackwards) {
        xt = tf.reverse(xt, 0);
        if (maskT) maskT = tf.reverse(maskT, 0);
      }
      if (training && this.dropout > 0) {
        xt = tf.mul(xt, dropoutMask([batch, features], this.dropout, this.stream.random)); // one mask for all steps
      }
      const recurrentMask =
        training && this.recurrentDropout > 0
          ? (dropoutMask([units, batch], this.recurrentDropout, this.stream.random) as tf.Tensor2D)
          : null;
      const stepMask = maskT ? (tf.tile(tf.expandDims(maskT, 1), [1, units, 1]) as tf.Tensor3D) : null; // [steps, units, batch]
      const fused = this.fused({
        x: xt as tf.Tensor3D,
        kernel: (this.kernel as LayerWeight).read() as tf.Tensor2D,
        recurrentKernel: (this.recurrentKernel as LayerWeight).read() as tf.Tensor2D,
        bias: this.bias ? this.bias.read() : null,
        initialStates,
        mask: stepMask,
        recurrentMask,
        allOutputsUsed: this.returnSequences,
      });
      const result =
        fused ??
        this.recur({
          inputProjection: this.project(xt as tf.Tensor3D),
          recurrentKernel: (this.recurrentKernel as LayerWeight).read() as tf.Tensor2D,
          initialStates,
          mask: stepMask,
          recurrentMask,
          allOutputsUsed: this.returnSequences,
        });
      const output = this.returnSequences
        ? tf.transpose(result.sequence, [2, 0, 1])
        : tf.transpose(result.finalStates[0]);
      return this.returnState ? [output, ...result.finalStates.map((s) => tf.transpose(s))] : output;
    });
  }

  /** The starting states: the given ones (checked) or zeros. */
  private initialStates(given: tf.Tensor | tf.Tensor[] | undefined, batch: number): tf.Tensor2D[] {
    const who = `${this.className} layer "${this.name}"`;
    if (given == null)
      return Array.from({ length: this.stateCount }, () => tf.zeros([batch, this.units]) as tf.Tensor2D);
    const list = Array.isArray(given) ? given : [given];
    if (list.some((s) => s instanceof SymbolicTensor)) {
      throw new ConfigError(
        `${who}: pass symbolic initial states as inputs, layer.apply([x, ...states]), not as initialState.`,
      );
    }
    if (list.length !== this.stateCount) {
      throw new ShapeError(`${who} has ${this.stateCount} state(s) but got ${list.length} initial state(s).`);
    }
    for (const s of list) {
      if (s.rank !== 2 || s.shape[0] !== batch || s.shape[1] !== this.units) {
        throw new ShapeError(
          `${who}: each initial state must have shape [${batch}, ${this.units}], got [${s.shape}].`,
        );
      }
    }
    return list as tf.Tensor2D[];
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const shape = shapeList(inputShape)[0];
    const output: Shape = this.returnSequences ? [shape[0], shape[1], this.units] : [shape[0], this.units];
    if (!this.returnState) return output;
    return [output, ...Array.from({ length: this.stateCount }, () => [shape[0], this.units] as Shape)];
  }

  override computeMask(_inputs: LayerInputs, mask: CallOptions['mask']): CallOptions['mask'] {
    const inputMask = firstMask(mask);
    const outputMask = this.returnSequences ? inputMask : null;
    return this.returnState
      ? [outputMask, ...Array.from({ length: this.stateCount }, () => null)]
      : outputMask;
  }

  /** The options every recurrent layer saves. */
  protected baseRecurrentConfig(): Record<string, unknown> {
    return {
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

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      ...this.baseRecurrentConfig(),
      returnSequences: this.returnSequences,
      returnState: this.returnState,
      goBackwards: this.goBackwards,
      stateful: false,
      unroll: this.unroll,
    };
  }
}
