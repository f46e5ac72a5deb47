import { type Activation, type Initializer, type LayerWeight, register, tf } from '@tensorfold/core';
import { type ActivationSpec, getActivation, serializeActivation } from '../../activations/registry.js';
import { canFuseGru, type FusedInputs, fusedGru } from './fused-recurrence.js';
import { gruRecurrence } from './gru-recurrence.js';
import type { RecurrenceInputs, RecurrenceResult } from './recurrence.js';
import { type RecurrentArgs, RecurrentLayer } from './recurrent-base.js';

/** Options of {@link GRU}. */
export interface GRUArgs extends RecurrentArgs {
  /** Applied to the update and reset gates. Default `'sigmoid'` (as Keras 2+; TensorFlow.js defaults to hardSigmoid). */
  recurrentActivation?: ActivationSpec | null;
  /**
   * Apply the reset gate after the recurrent product (`r ⊙ (h U_h + b')`, Keras 2+'s default and
   * cuDNN's form, with a recurrent bias: `bias [2, 3 units]`) instead of before it
   * (`(r ⊙ h) U_h`, `bias [3 units]`). Default `false`, the form TensorFlow.js can load; set it
   * for models ported from Keras 2+, which TensorFlow.js cannot load.
   */
  resetAfter?: boolean;
  /** Accepted for compatibility (saved, otherwise ignored). Default 2. */
  implementation?: number;
}

/** Two rows of the base initializer, for the reset-after bias `[2, 3 units]`. */
export class TwoRowBias implements Initializer {
  readonly className = 'TwoRowBias';
  constructor(private readonly base: Initializer) {}
  apply(shape: number[], dtype?: tf.DataType): tf.Tensor {
    return tf.tidy(() => tf.stack([this.base.apply([shape[1]], dtype), this.base.apply([shape[1]], dtype)]));
  }
  getConfig(): Record<string, unknown> {
    return {};
  }
}

/**
 * Gated recurrent unit (Cho et al.): update and reset gates on a single state, cheaper than the
 * LSTM and often as good. Runs as one fused loop with a hand-written gradient.
 *
 * Input shape: `[batch, steps, features]`. Output shape: `[batch, units]`, or
 * `[batch, steps, units]` with `returnSequences`; with `returnState`, `[output, h]`.
 * Weights: `kernel [features, 3 units]`, `recurrent_kernel [units, 3 units]`, `bias [3 units]`
 * (`[2, 3 units]` with `resetAfter`); gates in the order update, reset, candidate, as Keras.
 *
 * @example
 * gru({ units: 32, dropout: 0.2, recurrentDropout: 0.2, inputShape: [null, 14] })
 */
export class GRU extends RecurrentLayer {
  static override readonly className = 'GRU';
  readonly recurrentActivation: Activation;
  readonly resetAfter: boolean;
  readonly implementation: number;
  protected readonly gates = 3;
  readonly stateCount = 1;

  constructor(args: GRUArgs) {
    super(args);
    this.recurrentActivation = getActivation(
      args.recurrentActivation === undefined ? 'sigmoid' : args.recurrentActivation,
    );
    this.resetAfter = args.resetAfter ?? false;
    this.implementation = args.implementation ?? 2;
  }

  protected buildBias(): void {
    if (this.resetAfter) this.addBiasWeight([2, 3 * this.units], new TwoRowBias(this.biasInitializer));
    else this.addBiasWeight([3 * this.units], this.biasInitializer);
  }

  /**
   * Row `row` of the reset-after bias `[2, 3 units]`, as a `[3 units]` tensor of its own: sliced
   * from a flat view, because WASM's fused product checks the rank its data was created with, so a
   * reshaped `[1, 3 units]` slice would be rejected there (tfjs-backend-wasm 4.22).
   */
  private biasRow(row: number): tf.Tensor1D {
    const width = 3 * this.units;
    return tf.slice(
      tf.reshape((this.bias as LayerWeight).read(), [2 * width]),
      [row * width],
      [width],
    ) as tf.Tensor1D;
  }

  protected override inputBias(): tf.Tensor | null {
    if (!this.bias) return null;
    return this.resetAfter ? this.biasRow(0) : this.bias.read();
  }

  protected override fused(inputs: FusedInputs): RecurrenceResult | null {
    const { resetAfter, activation, recurrentActivation } = this;
    if (!canFuseGru(resetAfter, activation, recurrentActivation, inputs.recurrentMask != null)) return null;
    return fusedGru(inputs, resetAfter);
  }

  protected recur(inputs: RecurrenceInputs): RecurrenceResult {
    let recurrentBias: tf.Tensor1D | null = null;
    if (this.resetAfter)
      recurrentBias = this.bias ? this.biasRow(1) : (tf.zeros([3 * this.units]) as tf.Tensor1D);
    return gruRecurrence({ ...inputs, recurrentBias }, this.activation, this.recurrentActivation);
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

register('layer', 'GRU', (c) => new GRU(c as unknown as GRUArgs));

/** A GRU layer (see {@link GRU}). */
export function gru(args: GRUArgs): GRU {
  return new GRU(args);
}
