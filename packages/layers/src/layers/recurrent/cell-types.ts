/** The built-in cells: `simpleRNNCell`, `lstmCell`, `gruCell` (one step of simpleRNN, lstm, gru). */
import { type Activation, type Initializer, type LayerWeight, register, tf } from '@tensorfold/core';
import { type ActivationSpec, getActivation, serializeActivation } from '../../activations/registry.js';
import { BuiltInCell, type CellArgs, type CellStep } from './cells.js';
import { TwoRowBias } from './gru.js';
import { UnitForgetBias } from './lstm.js';

/** Options of {@link SimpleRNNCell}. */
export type SimpleRNNCellArgs = CellArgs;

/**
 * One step of a simple recurrent layer: `h_t = act(x_t W + h_{t-1} U + b)`.
 *
 * Weights: `kernel [features, units]`, `recurrent_kernel [units, units]`, `bias [units]`.
 *
 * @example
 * rnn({ cell: simpleRNNCell({ units: 8 }), inputShape: [10, 3] })
 */
export class SimpleRNNCell extends BuiltInCell {
  static override readonly className = 'SimpleRNNCell';
  protected readonly gates = 1;

  protected biasSpec(): [number[], Initializer] {
    return [[this.units], this.biasInitializer];
  }

  step(inputs: tf.Tensor, states: tf.Tensor[], { training }: { training: boolean }): CellStep {
    const x = this.droppedInput(inputs, training); // [batch, features]
    const h = this.droppedState(states[0], training); // [batch, units]
    const z = tf.add(
      this.inputProjection(x, this.bias?.read() ?? null),
      tf.matMul(h, (this.recurrentKernel as LayerWeight).read()),
    );
    const out = this.activation.apply(z);
    return { output: out, states: [out] };
  }
}

/** Options of {@link LSTMCell}. */
export interface LSTMCellArgs extends CellArgs {
  /** Applied to the input, forget and output gates. Default `'sigmoid'` (as Keras; tfjs: hardSigmoid). */
  recurrentActivation?: ActivationSpec | null;
  /** Start the forget gate's bias at 1. Default `true`. */
  unitForgetBias?: boolean;
  /** Accepted for compatibility (saved, otherwise ignored). Default 2. */
  implementation?: number;
}

/**
 * One step of an LSTM (gates in Keras's order input, forget, cell, output):
 * `c_t = f c_{t-1} + i g`, `h_t = o act(c_t)`. Two states, `[h, c]`.
 *
 * Weights: `kernel [features, 4 units]`, `recurrent_kernel [units, 4 units]`, `bias [4 units]`.
 *
 * @example
 * rnn({ cell: lstmCell({ units: 8 }), returnSequences: true, inputShape: [10, 3] })
 */
export class LSTMCell extends BuiltInCell {
  static override readonly className = 'LSTMCell';
  protected readonly gates = 4;
  readonly recurrentActivation: Activation;
  readonly unitForgetBias: boolean;
  readonly implementation: number;

  constructor(args: LSTMCellArgs) {
    super(args);
    this.recurrentActivation = getActivation(
      args.recurrentActivation === undefined ? 'sigmoid' : args.recurrentActivation,
    );
    this.unitForgetBias = args.unitForgetBias ?? true;
    this.implementation = args.implementation ?? 2;
  }

  override get stateSize(): number[] {
    return [this.units, this.units];
  }

  protected biasSpec(): [number[], Initializer] {
    const init = this.unitForgetBias
      ? new UnitForgetBias(this.biasInitializer, this.units)
      : this.biasInitializer;
    return [[4 * this.units], init];
  }

  step(inputs: tf.Tensor, states: tf.Tensor[], { training }: { training: boolean }): CellStep {
    const x = this.droppedInput(inputs, training);
    const h = this.droppedState(states[0], training);
    const z = tf.add(
      this.inputProjection(x, this.bias?.read() ?? null),
      tf.matMul(h, (this.recurrentKernel as LayerWeight).read()),
    ); // [batch, 4 units]
    const [zi, zf, zc, zo] = tf.split(z, 4, 1);
    const i = this.recurrentActivation.apply(zi);
    const f = this.recurrentActivation.apply(zf);
    const g = this.activation.apply(zc);
    const o = this.recurrentActivation.apply(zo);
    const c = tf.add(tf.mul(f, states[1]), tf.mul(i, g));
    const hNew = tf.mul(o, this.activation.apply(c));
    return { output: hNew, states: [hNew, c] };
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      recurrentActivation: serializeActivation(this.recurrentActivation),
      unitForgetBias: this.unitForgetBias,
      implementation: this.implementation,
    };
  }
}

/** Options of {@link GRUCell}. */
export interface GRUCellArgs extends CellArgs {
  /** Applied to the update and reset gates. Default `'sigmoid'` (as Keras; tfjs: hardSigmoid). */
  recurrentActivation?: ActivationSpec | null;
  /** Apply the reset gate after the recurrent product (`bias [2, 3 units]`), as Keras 2+ and cuDNN. Default `false` (the form tfjs-layers runs). */
  resetAfter?: boolean;
  /** Accepted for compatibility (saved, otherwise ignored). Default 2. */
  implementation?: number;
}

/**
 * One step of a GRU (gates in Keras's order update, reset, candidate):
 * `h_t = z h_{t-1} + (1 − z) act(x W_h + (r h_{t-1}) U_h)` (with `resetAfter`,
 * `r (h_{t-1} U_h + b_h)`).
 *
 * Weights: `kernel [features, 3 units]`, `recurrent_kernel [units, 3 units]`, `bias [3 units]`
 * (`[2, 3 units]` with `resetAfter`).
 *
 * @example
 * rnn({ cell: gruCell({ units: 8 }), inputShape: [10, 3] })
 */
export class GRUCell extends BuiltInCell {
  static override readonly className = 'GRUCell';
  protected readonly gates = 3;
  readonly recurrentActivation: Activation;
  readonly resetAfter: boolean;
  readonly implementation: number;

  constructor(args: GRUCellArgs) {
    super(args);
    this.recurrentActivation = getActivation(
      args.recurrentActivation === undefined ? 'sigmoid' : args.recurrentActivation,
    );
    this.resetAfter = args.resetAfter ?? false;
    this.implementation = args.implementation ?? 2;
  }

  protected biasSpec(): [number[], Initializer] {
    return this.resetAfter
      ? [[2, 3 * this.units], new TwoRowBias(this.biasInitializer)]
      : [[3 * this.units], this.biasInitializer];
  }

  step(inputs: tf.Tensor, states: tf.Tensor[], { training }: { training: boolean }): CellStep {
    const units = this.units;
    const hPrev = states[0]; // [batch, units]
    const x = this.droppedInput(inputs, training);
    const h = this.droppedState(hPrev, training);
    const bias = this.bias?.read() ?? null;
    const [inputBias, recurrentBias] =
      bias && this.resetAfter ? (tf.unstack(bias) as [tf.Tensor, tf.Tensor]) : [bias, null];
    const [xz, xr, xh] = tf.split(this.inputProjection(x, inputBias), 3, 1);
    const kernel = (this.recurrentKernel as LayerWeight).read(); // [units, 3 units]
    let z: tf.Tensor;
    let r: tf.Tensor;
    let candidate: tf.Tensor;
    if (this.resetAfter) {
      let inner = tf.matMul(h, kernel);
      if (recurrentBias) inner = tf.add(inner, recurrentBias);
      const [rz, rr, rh] = tf.split(inner, 3, 1);
      z = this.recurrentActivation.apply(tf.add(xz, rz));
      r = this.recurrentActivation.apply(tf.add(xr, rr));
      candidate = this.activation.apply(tf.add(xh, tf.mul(r, rh)));
    } else {
      const [kz, kr, kh] = tf.split(kernel, [units, units, units], 1);
      z = this.recurrentActivation.apply(tf.add(xz, tf.matMul(h, kz)));
      r = this.recurrentActivation.apply(tf.add(xr, tf.matMul(h, kr)));
      candidate = this.activation.apply(tf.add(xh, tf.matMul(tf.mul(r, h), kh)));
    }
    const hNew = tf.add(tf.mul(z, hPrev), tf.mul(tf.sub(1, z), candidate));
    return { output: hNew, states: [hNew] };
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      recurrentActivation: serializeActivation(this.recurrentActivation),
      implementation: this.implementation,
      resetAfter: this.resetAfter,
    };
  }
}

register('layer', 'SimpleRNNCell', (c) => new SimpleRNNCell(c as unknown as SimpleRNNCellArgs));
register('layer', 'LSTMCell', (c) => new LSTMCell(c as unknown as LSTMCellArgs));
register('layer', 'GRUCell', (c) => new GRUCell(c as unknown as GRUCellArgs));

/** A simple recurrent cell (see {@link SimpleRNNCell}). */
export function simpleRNNCell(args: SimpleRNNCellArgs): SimpleRNNCell {
  return new SimpleRNNCell(args);
}

/** An LSTM cell (see {@link LSTMCell}). */
export function lstmCell(args: LSTMCellArgs): LSTMCell {
  return new LSTMCell(args);
}

/** A GRU cell (see {@link GRUCell}). */
export function gruCell(args: GRUCellArgs): GRUCell {
  return new GRUCell(args);
}
