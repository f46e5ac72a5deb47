/**
 * Hebbian learning as seed 003 (chapter 2.2) gives it: the binary rule of Hebb (1949) and its
 * error-correcting form that trains the perceptron.
 */
import { DataError } from '@tensorfold/core';
import type { Sample } from './samples.js';

/**
 * The sign function of the perceptron: `+1` if `u >= 0`, else `-1` (0 counts as `+1`, as the text's
 * `aktivacna_fn` does).
 */
export function sign(u: number): 1 | -1 {
  return u >= 0 ? 1 : -1;
}

/** The step function of the logic neuron: `1` if `u >= 0`, else `0`. */
export function step(u: number): 1 | 0 {
  return u >= 0 ? 1 : 0;
}

/**
 * Hebb's rule for a neuron with binary inputs and outputs (seed 003, 2.2.2):
 *
 * - activated correctly (`y = 1`, `y_d = 1`): `w_i ← w_i + Δ` for every `i` with `x_i = 1`;
 * - activated wrongly (`y = 1`, `y_d = 0`): `w_i ← w_i − Δ` for every `i` with `x_i = 1`;
 * - not activated (`y = 0`): nothing changes.
 *
 * Returns the new weights (the input array is not changed).
 *
 * @param weights - `w_1 ... w_n`
 * @param x - binary inputs `x_1 ... x_n` (0 or 1)
 * @param y - the neuron's output (0 or 1)
 * @param desired - the wanted output `y_d` (0 or 1)
 * @param delta - the step `Δ` (> 0)
 */
export function hebbRule(
  weights: readonly number[],
  x: Sample,
  y: number,
  desired: number,
  delta: number,
): number[] {
  for (const [what, v] of [
    ['y', y],
    ['desired', desired],
  ] as const) {
    if (v !== 0 && v !== 1)
      throw new DataError(`hebbRule: ${what} must be 0 or 1 (binary output), got ${v}.`);
  }
  if (x.some((v) => v !== 0 && v !== 1)) {
    throw new DataError(
      `hebbRule takes binary inputs 0 or 1, got [${x.join(', ')}]; use perceptronRule for real inputs.`,
    );
  }
  if (y === 0) return [...weights];
  const change = desired === 1 ? delta : -delta;
  return weights.map((w, i) => (x[i] === 1 ? w + change : w));
}

/** What one step of {@link perceptronRule} did. */
export interface PerceptronStep {
  /** Weights after the step. */
  weights: number[];
  /** Bias `w0` after the step. */
  bias: number;
  /** The inner potential `u = w·x + w0` before the step. */
  net: number;
  /** The output `y = sign(u)` before the step. */
  output: 1 | -1;
  /** Whether the sample was misclassified (and the weights changed). */
  mistake: boolean;
}

/**
 * The perceptron learning rule (seed 003, 2.2.6), Hebbian learning with an error signal:
 *
 * `w(t+1) = w(t) + γ [d(t) − y(t)] x(t)`, with `x0 = 1` so that `w0 ← w0 + γ [d − y]`.
 *
 * With `d, y ∈ {−1, +1}` the weights change only on a mistake, by `±2γx`: towards class C1
 * (`d = +1`) when `u < 0`, away from it when `u >= 0` and `d = −1`.
 *
 * @param desired - `d(t)`: `+1` for class C1, `−1` for class C2
 * @param rate - the learning rate `γ` (η in the worked example)
 */
export function perceptronRule(
  weights: readonly number[],
  bias: number,
  x: Sample,
  desired: number,
  rate: number,
): PerceptronStep {
  let net = bias;
  for (let i = 0; i < weights.length; i++) net += weights[i] * x[i];
  const output = sign(net);
  const error = desired - output;
  if (error === 0) return { weights: [...weights], bias, net, output, mistake: false };
  return {
    weights: weights.map((w, i) => w + rate * error * x[i]),
    bias: bias + rate * error * 1,
    net,
    output,
    mistake: true,
  };
}
