/** RNN: runs a recurrent cell (or a stack of them) over a sequence. */
import {
  type CallOptions,
  ConfigError,
  formatShape,
  Layer,
  type LayerArgs,
  type LayerInputs,
  register,
  type SerializedObject,
  type Shape,
  ShapeError,
  SymbolicTensor,
  shapeList,
  tf,
} from '@tensorfold/core';
import { firstMask } from '../../utils/layer-utils.js';
import { type RNNCell, resolveCell, stateSizes } from './cells.js';
import { StackedRNNCells } from './stacked-cells.js';

/** Options of {@link RNN}. */
export interface RNNArgs extends LayerArgs {
  /** The cell run at each step; a list is stacked (see `stackedRNNCells`). Or its saved `{className, config}`. */
  cell: RNNCell | Array<RNNCell | SerializedObject> | SerializedObject;
  /** Return the output of every step `[batch, steps, output]` instead of the last. Default `false`. */
  returnSequences?: boolean;
  /** Also return the final states: `[output, ...states]`. Default `false`. */
  returnState?: boolean;
  /** Process the sequence from its end; with `returnSequences` the outputs come in that order (as Keras). Default `false`. */
  goBackwards?: boolean;
  /** Carrying states across batches is not supported; must be `false`. */
  stateful?: boolean;
  /** Accepted for compatibility and ignored (the loop always runs step by step). */
  unroll?: boolean;
  /** Size of the input's features; shorthand for `inputShape: [inputLength, inputDim]`. */
  inputDim?: number;
  /** Number of steps, with `inputDim`. Default: any. */
  inputLength?: number | null;
}

/**
 * Runs `cell` over the steps of a sequence (Keras's and TensorFlow.js's `RNN`), carrying its states:
 * the generic recurrent layer for cells of your own and stacks of cells. Masks (from `masking` or an
 * `embedding` with `maskZero`) skip steps: a masked step keeps the states and repeats the previous
 * output. Initial states go in as `initialState` or as extra inputs, `apply([x, ...states])`.
 *
 * The fused `simpleRNN`, `lstm` and `gru` layers compute the same as `rnn` with their cell, faster.
 *
 * Input shape: `[batch, steps, features]`. Output shape: `[batch, output]`, or `[batch, steps, output]`
 * with `returnSequences`; with `returnState`, followed by the final states `[batch, size]`.
 *
 * @example
 * rnn({ cell: [lstmCell({ units: 16 }), lstmCell({ units: 8 })], inputShape: [20, 3] })
 */
export class RNN extends Layer {
  static override readonly className: string = 'RNN';
  readonly cell: RNNCell;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly goBackwards: boolean;
  readonly unroll: boolean;

  constructor(args: RNNArgs) {
    const withShape =
      args?.inputShape == null && args?.batchInputShape == null && args?.inputDim != null
        ? { ...args, inputShape: [args.inputLength ?? null, args.inputDim] }
        : args;
    super(withShape);
    const who = `RNN layer "${this.name}"`;
    const spec = args?.cell;
    this.cell = Array.isArray(spec)
      ? new StackedRNNCells({ cells: spec })
      : resolveCell(spec as RNNCell | SerializedObject, who);
    this.trackLayer(this.cell);
    this.cell.weightScope = this.name;
    this.returnSequences = args.returnSequences ?? false;
    this.returnState = args.returnState ?? false;
    this.goBackwards = args.goBackwards ?? false;
    this.unroll = args.unroll ?? false;
    if (args.stateful) {
      throw new ConfigError(
        `${who}: stateful recurrent layers are not supported. Pass the final states of one batch as initialState of the next instead.`,
      );
    }
    this.supportsMasking = true;
  }

  /** Rank of the input sequences: 3 (`[batch, steps, features]`), 5 for convolutional cells. */
  protected readonly sequenceRank: number = 3;

  protected sequenceShape(inputShape: Shape | Shape[]): Shape {
    const shape = shapeList(inputShape)[0];
    if (shape.length !== this.sequenceRank) {
      throw new ShapeError(
        `${this.className} layer "${this.name}" expects sequences of rank ${this.sequenceRank} (${this.sequenceRank === 3 ? '[batch, steps, features]' : '[batch, steps, height, width, channels]'}) but got shape ${formatShape(shape)}.`,
      );
    }
    return shape;
  }

  /** `[batch, ...one step]` of a sequence shape. */
  private stepShape(shape: Shape): Shape {
    return [shape[0], ...shape.slice(2)];
  }

  override build(inputShape: Shape | Shape[]): void {
    this.cell.ensureBuilt(this.stepShape(this.sequenceShape(inputShape)));
  }

  call(inputs: LayerInputs, options: CallOptions): tf.Tensor | tf.Tensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const x = list[0];
    this.sequenceShape(x.shape);
    const given =
      list.length > 1 ? list.slice(1) : (options.initialState as tf.Tensor | tf.Tensor[] | undefined);
    const mask = firstMask(options.mask);
    const training = options.training ?? false;
    this.cell.resetSequence();
    try {
      return tf.tidy(() => {
        const [batch, steps] = x.shape;
        let states = this.initialStates(given, batch, this.cell.stateShapes(this.stepShape(x.shape)));
        const inputsAt = tf.unstack(x, 1); // steps × [batch, features]
        const masksAt = mask ? tf.unstack(tf.cast(mask, 'float32'), 1) : null; // steps × [batch]
        const outputs: tf.Tensor[] = [];
        let previous: tf.Tensor | null = null;
        for (let k = 0; k < steps; k++) {
          const t = this.goBackwards ? steps - 1 - k : k;
          const r = this.cell.step(inputsAt[t], states, { training });
          let out = r.output;
          let next = r.states;
          if (masksAt) {
            // A masked step keeps the states and repeats the previous output (zeros before the first).
            const keep = (a: tf.Tensor, b: tf.Tensor) => {
              const m = tf.reshape(masksAt[t], [batch, ...a.shape.slice(1).map(() => 1)]); // [batch, 1, ...]
              return tf.add(tf.mul(a, m), tf.mul(b, tf.sub(1, m)));
            };
            out = keep(out, previous ?? tf.zerosLike(out));
            next = next.map((s, i) => keep(s, states[i]));
          }
          outputs.push(out);
          previous = out;
          states = next;
        }
        const output = this.returnSequences ? tf.stack(outputs, 1) : (previous as tf.Tensor);
        return this.returnState ? [output, ...states] : output;
      });
    } finally {
      this.cell.resetSequence();
    }
  }

  /** The starting states: the given ones (checked) or zeros. */
  private initialStates(
    given: tf.Tensor | tf.Tensor[] | undefined,
    batch: number,
    shapes: number[][],
  ): tf.Tensor[] {
    const who = `${this.className} layer "${this.name}"`;
    if (given == null) return shapes.map((s) => tf.zeros([batch, ...s]));
    const list = Array.isArray(given) ? given : [given];
    if (list.some((s) => s instanceof SymbolicTensor)) {
      throw new ConfigError(
        `${who}: pass symbolic initial states as inputs, layer.apply([x, ...states]), not as initialState.`,
      );
    }
    if (list.length !== shapes.length) {
      throw new ShapeError(
        `${who}: its cell has ${shapes.length} state(s) but got ${list.length} initial state(s).`,
      );
    }
    list.forEach((s, i) => {
      const expected = [batch, ...shapes[i]];
      if (!tf.util.arraysEqual(s.shape, expected)) {
        throw new ShapeError(`${who}: initial state ${i} must have shape [${expected}], got [${s.shape}].`);
      }
    });
    return list;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const shape = this.sequenceShape(inputShape);
    const step = this.stepShape(shape);
    const out = this.cell.stepOutputShape(step);
    const output: Shape = this.returnSequences ? [out[0], shape[1], ...out.slice(1)] : out;
    if (!this.returnState) return output;
    return [output, ...this.cell.stateShapes(step).map((s) => [shape[0], ...s] as Shape)];
  }

  override computeMask(_inputs: LayerInputs, mask: CallOptions['mask']): CallOptions['mask'] {
    const outputMask = this.returnSequences ? firstMask(mask) : null;
    return this.returnState ? [outputMask, ...stateSizes(this.cell).map(() => null)] : outputMask;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      cell: { className: this.cell.className, config: this.cell.getConfig() },
      returnSequences: this.returnSequences,
      returnState: this.returnState,
      goBackwards: this.goBackwards,
      stateful: false,
      unroll: this.unroll,
    };
  }
}

register('layer', 'RNN', (c) => new RNN(c as unknown as RNNArgs));

/** A recurrent layer running a cell (see {@link RNN}). */
export function rnn(args: RNNArgs): RNN {
  return new RNN(args);
}
