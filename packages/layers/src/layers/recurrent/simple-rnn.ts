import { register } from '@tensorfold/core';
import { canFuseSimpleRnn, type FusedInputs, fusedSimpleRnn } from './fused-recurrence.js';
import type { RecurrenceInputs, RecurrenceResult } from './recurrence.js';
import { type RecurrentArgs, RecurrentLayer } from './recurrent-base.js';
import { simpleRnnRecurrence } from './simple-rnn-recurrence.js';

/** Options of {@link SimpleRNN}. */
export type SimpleRNNArgs = RecurrentArgs;

/**
 * A fully connected recurrent layer (Elman network): `h_t = act(x_t W + h_{t-1} U + b)`.
 *
 * With the default activation (tanh), runs as one fused kernel where the
 * backend has it (`@tensorfold/backend` registers it on WASM); otherwise one loop of tfjs ops with a
 * hand-written gradient.
 *
 * Input shape: `[batch, steps, features]`. Output shape: `[batch, units]`, or
 * `[batch, steps, units]` with `returnSequences`; with `returnState`, `[output, h]`.
 * Weights: `kernel [features, units]`, `recurrent_kernel [units, units]`, `bias [units]`.
 *
 * @example
 * simpleRNN({ units: 32, inputShape: [60, 1] })
 */
export class SimpleRNN extends RecurrentLayer {
  static override readonly className = 'SimpleRNN';
  protected readonly gates = 1;
  readonly stateCount = 1;

  protected buildBias(): void {
    this.addBiasWeight([this.units], this.biasInitializer);
  }

  protected override fused(inputs: FusedInputs): RecurrenceResult | null {
    if (!canFuseSimpleRnn(this.activation, inputs.recurrentMask != null)) return null;
    return fusedSimpleRnn(inputs);
  }

  protected recur(inputs: RecurrenceInputs): RecurrenceResult {
    return simpleRnnRecurrence(inputs, this.activation);
  }
}

register('layer', 'SimpleRNN', (c) => new SimpleRNN(c as unknown as SimpleRNNArgs));

/** A simple recurrent layer (see {@link SimpleRNN}). */
export function simpleRNN(args: SimpleRNNArgs): SimpleRNN {
  return new SimpleRNN(args);
}
