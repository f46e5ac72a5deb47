/**
 * The delta rule (Widrow-Hoff, least mean squares) and its generalized form for a differentiable
 * activation (seed 003, 2.2.3 and 3.2.1).
 *
 * Seed 003 prints the delta rule as `w_i ← w_i + μ (y_d − y)`, without the input `x_i`; that is a slip
 * of the text (the change would not depend on which input caused the error). The rule as Widrow and
 * Hoff give it, and as it is implemented here, is `w_i ← w_i + μ (y_d − y) x_i`.
 */
import { ConfigError } from '@tensorfold/core';
import type { Sample } from './samples.js';

/** A differentiable activation `f` with its derivative `f'`, for {@link generalizedDeltaRule}. */
export interface DifferentiableActivation {
  /** Its name (`'linear'`, `'sigmoid'`, `'tanh'`). */
  name: string;
  /** `f(u)`. */
  f(u: number): number;
  /** `f'(u)`. */
  df(u: number): number;
}

const sigmoid = (u: number) => 1 / (1 + Math.exp(-u));

/** The activations the classic neurons learn through: linear, sigmoid (`α = 1`) and tanh. */
export const DIFFERENTIABLE_ACTIVATIONS: Readonly<Record<string, DifferentiableActivation>> = {
  /** `f(u) = u`, `f'(u) = 1`: the generalized rule is the delta rule. */
  linear: { name: 'linear', f: (u) => u, df: () => 1 },
  /** `f(u) = 1 / (1 + e^−u)`, `f'(u) = f(u) (1 − f(u))`. */
  sigmoid: { name: 'sigmoid', f: sigmoid, df: (u) => sigmoid(u) * (1 - sigmoid(u)) },
  /** `f(u) = tanh u`, `f'(u) = 1 − tanh² u`. */
  tanh: { name: 'tanh', f: Math.tanh, df: (u) => 1 - Math.tanh(u) ** 2 },
};

/** The activation called `name`, or a ConfigError listing them. */
export function differentiableActivation(name: string): DifferentiableActivation {
  const activation = DIFFERENTIABLE_ACTIVATIONS[name];
  if (!activation) {
    throw new ConfigError(
      `Unknown activation "${name}" for the delta rule; use one of ${Object.keys(DIFFERENTIABLE_ACTIVATIONS).join(', ')} (step and sign have no useful derivative: train them with the perceptron rule).`,
    );
  }
  return activation;
}

/** What one step of a delta rule did. */
export interface DeltaStep {
  /** Weights after the step. */
  weights: number[];
  /** Bias `w0` after the step. */
  bias: number;
  /** The inner potential `u = w·x + w0` before the step. */
  net: number;
  /** The output `y = f(u)` before the step. */
  output: number;
  /** The error `d − y` before the step. */
  error: number;
}

/**
 * The delta rule for a linear neuron (`y = u = w·x + w0`):
 *
 * `w_i ← w_i + μ (d − y) x_i`, `w0 ← w0 + μ (d − y)`.
 *
 * It is one step of gradient descent on the squared error `E = ½ (d − y)²` of this sample
 * (`∂E/∂w_i = −(d − y) x_i`), which is why Adaline's "gradient learning" and LMS are the same rule.
 */
export function deltaRule(
  weights: readonly number[],
  bias: number,
  x: Sample,
  desired: number,
  rate: number,
): DeltaStep {
  return generalizedDeltaRule(weights, bias, x, desired, rate, DIFFERENTIABLE_ACTIVATIONS.linear);
}

/**
 * The generalized delta rule for a neuron `y = f(u)` with a differentiable activation `f`:
 *
 * `w_i ← w_i + μ (d − y) f'(u) x_i`, `w0 ← w0 + μ (d − y) f'(u)`,
 *
 * one gradient step on `E = ½ (d − f(u))²` (`∂E/∂w_i = −(d − y) f'(u) x_i`). With `f(u) = u` it is
 * {@link deltaRule}; for a layer of such neurons it is the last step of backpropagation.
 */
export function generalizedDeltaRule(
  weights: readonly number[],
  bias: number,
  x: Sample,
  desired: number,
  rate: number,
  activation: DifferentiableActivation,
): DeltaStep {
  let net = bias;
  for (let i = 0; i < weights.length; i++) net += weights[i] * x[i];
  const output = activation.f(net);
  const error = desired - output;
  const signal = rate * error * activation.df(net); // μ (d − y) f'(u)
  return {
    weights: weights.map((w, i) => w + signal * x[i]),
    bias: bias + signal,
    net,
    output,
    error,
  };
}
