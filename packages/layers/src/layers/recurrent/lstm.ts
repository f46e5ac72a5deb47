import { type Activation, type Initializer, register, tf } from '@tensorfold/core';
import { type ActivationSpec, getActivation, serializeActivation } from '../../activations/registry.js';
import { canFuseLstm, type FusedInputs, fusedLstm } from './fused-recurrence.js';
import { lstmRecurrence } from './lstm-recurrence.js';
import type { RecurrenceInputs, RecurrenceResult } from './recurrence.js';
import { type RecurrentArgs, RecurrentLayer } from './recurrent-base.js';

/** Options of {@link LSTM}. */
export interface LSTMArgs extends RecurrentArgs {
  /** Applied to the input, forget and output gates. Default `'sigmoid'` (as Keras 2+; TensorFlow.js defaults to hardSigmoid). */
  recurrentActivation?: ActivationSpec | null;
  /** Start the forget gate's bias at 1 so the cell remembers early in training (Jozefowicz et al.). Default `true`. */
  unitForgetBias?: boolean;
  /** Accepted for compatibility (saved, otherwise ignored). Default 2. */
  implementation?: number;
}

/** The bias initializer with the forget block set to ones (Keras's `unit_forget_bias`). Not saved: the layer option is. */
export class UnitForgetBias implements Initializer {
  readonly className = 'UnitForgetBias';
  constructor(
    private readonly base: Initializer,
    private readonly units: number,
  ) {}
  apply(_shape: number[], dtype?: tf.DataType): tf.Tensor {
    return tf.tidy(() =>
      tf.concat([
        this.base.apply([this.units], dtype),
        tf.ones([this.units], dtype),
        this.base.apply([2 * this.units], dtype),
      ]),
    );
  }
  getConfig(): Record<string, unknown> {
    return {};
  }
}

/**
 * Long short-term memory (Hochreiter and Schmidhuber): a cell state `c` carried through
 * input, forget and output gates, which lets gradients survive long sequences (the stock and
 * text-generation models of the texts).
 *
 * With the default activations (tanh, sigmoid), runs as one fused kernel
 * where the backend has it (`@tensorfold/backend` registers it on WASM): the whole sequence and its
 * backward pass through time, each one kernel. Otherwise one fused loop of tfjs ops with a
 * hand-written gradient: per step one product with the recurrent kernel (all four gates at once)
 * and a few element-wise ops.
 *
 * Input shape: `[batch, steps, features]`. Output shape: `[batch, units]`, or
 * `[batch, steps, units]` with `returnSequences`; with `returnState`, `[output, h, c]`.
 * Weights: `kernel [features, 4 units]`, `recurrent_kernel [units, 4 units]`, `bias [4 units]`
 * (gates in the order input, forget, cell, output, as Keras).
 *
 * @example
 * lstm({ units: 50, returnSequences: true, inputShape: [60, 1] })
 */
export class LSTM extends RecurrentLayer {
  static override readonly className: string = 'LSTM';
  readonly recurrentActivation: Activation;
  readonly unitForgetBias: boolean;
  readonly implementation: number;
  protected readonly gates = 4;
  readonly stateCount = 2;

  constructor(args: LSTMArgs) {
    super(args);
    this.recurrentActivation = getActivation(
      args.recurrentActivation === undefined ? 'sigmoid' : args.recurrentActivation,
    );
    this.unitForgetBias = args.unitForgetBias ?? true;
    this.implementation = args.implementation ?? 2;
  }

  protected buildBias(): void {
    const init = this.unitForgetBias
      ? new UnitForgetBias(this.biasInitializer, this.units)
      : this.biasInitializer;
    this.addBiasWeight([4 * this.units], init);
  }

  protected override fused(inputs: FusedInputs): RecurrenceResult | null {
    if (!canFuseLstm(this.activation, this.recurrentActivation, inputs.recurrentMask != null)) return null;
    return fusedLstm(inputs);
  }

  protected recur(inputs: RecurrenceInputs): RecurrenceResult {
    return lstmRecurrence(inputs, this.activation, this.recurrentActivation);
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

register('layer', 'LSTM', (c) => new LSTM(c as unknown as LSTMArgs));

/** An LSTM layer (see {@link LSTM}). */
export function lstm(args: LSTMArgs): LSTM {
  return new LSTM(args);
}
