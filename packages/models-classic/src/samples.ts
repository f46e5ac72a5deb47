/**
 * Checks shared by the classic models: samples are rows of finite numbers with the feature count the
 * weights expect, and labels are in the encoding the learning rule needs. Every failure is a typed
 * error whose message says what to pass instead.
 */
import { ConfigError, DataError } from '@tensorfold/core';

/** One sample: its feature values `[x1, ..., xn]`. */
export type Sample = readonly number[];

/**
 * Checks that `x` is a non-empty list of samples, each a list of `features` finite numbers (any
 * count when `features` is undefined, but the same for every row), and returns the feature count.
 */
export function checkSamples(x: readonly Sample[], model: string, features?: number): number {
  if (!Array.isArray(x) || x.length === 0) {
    throw new DataError(
      `${model}: x must be a non-empty list of samples (rows of numbers), e.g. [[121, 16.8]].`,
    );
  }
  const n = features ?? (Array.isArray(x[0]) ? x[0].length : -1);
  for (const [i, row] of x.entries()) {
    if (!Array.isArray(row))
      throw new DataError(`${model}: sample ${i} is not a list of numbers; pass rows like [121, 16.8].`);
    if (row.length !== n) {
      throw new DataError(
        `${model}: sample ${i} has ${row.length} features but the weights expect ${n}; pass samples of ${n} values, or build a new model for ${row.length} inputs.`,
      );
    }
    const bad = row.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
    if (bad >= 0) {
      throw new DataError(
        `${model}: sample ${i}, feature ${bad + 1} is ${String(row[bad])}; every feature must be a finite number.`,
      );
    }
  }
  if (n === 0) throw new DataError(`${model}: samples have no features; pass at least one value per sample.`);
  return n;
}

/** Checks that there is one label per sample. */
export function checkLabelCount(x: readonly Sample[], y: readonly unknown[], model: string): void {
  if (!Array.isArray(y) || y.length !== x.length) {
    throw new DataError(
      `${model}: y must hold one label per sample: ${x.length} samples, ${Array.isArray(y) ? y.length : 'no'} labels.`,
    );
  }
}

/**
 * The labels as bipolar targets `d ∈ {-1, +1}`, as the perceptron, Adaline and Madaline rules need.
 * Labels already in `{-1, +1}` are kept; labels in `{0, 1}` are mapped `0 → -1`, `1 → +1` (class C1 is
 * `+1`). Anything else (2, 0.5, a mix of 0 and -1) is a DataError.
 */
export function bipolarTargets(y: readonly number[], model: string): number[] {
  const values = new Set(y);
  const bipolar = [...values].every((v) => v === 1 || v === -1);
  if (bipolar) return [...y];
  const binary = [...values].every((v) => v === 0 || v === 1);
  if (binary) return y.map((v) => (v === 1 ? 1 : -1));
  const odd = y.find((v) => !(v === 1 || v === -1 || v === 0));
  throw new DataError(
    `${model} learns two classes labelled +1 / -1 (or 1 / 0); got the label ${String(odd ?? 'mix of 0 and -1')}. Relabel: +1 for class C1, -1 for class C2 (for several classes, use SingleLayerPerceptron).`,
  );
}

/** Checks a learning rate (a finite number > 0). */
export function checkLearningRate(rate: number, model: string): void {
  if (!(typeof rate === 'number' && Number.isFinite(rate) && rate > 0)) {
    throw new ConfigError(
      `${model}: learningRate must be a finite number > 0 (e.g. 0.01), got ${String(rate)}.`,
    );
  }
}

/** Checks a maximum epoch count (a whole number ≥ 1). */
export function checkEpochs(epochs: number, model: string): void {
  if (!(Number.isInteger(epochs) && epochs >= 1)) {
    throw new ConfigError(`${model}: epochs must be a whole number >= 1, got ${String(epochs)}.`);
  }
}

/** Checks that `values` is a list of `length` finite numbers (weights), naming `what` in the error. */
export function checkNumbers(values: readonly number[], length: number | undefined, what: string): void {
  if (!Array.isArray(values) || (length !== undefined && values.length !== length)) {
    throw new ConfigError(
      `${what} must be a list of ${length ?? 'some'} numbers, got ${JSON.stringify(values)}${length !== undefined && Array.isArray(values) ? ` (${values.length} values)` : ''}.`,
    );
  }
  const bad = values.find((v) => typeof v !== 'number' || !Number.isFinite(v));
  if (bad !== undefined) throw new ConfigError(`${what} must be finite numbers, got ${String(bad)}.`);
}

/** `Σ w_i x_i + w0`: the neuron's inner potential (net input), the bias written as the weight of `x0 = 1`. */
export function netInput(weights: readonly number[], bias: number, x: Sample): number {
  let sum = bias;
  for (let i = 0; i < weights.length; i++) sum += weights[i] * x[i];
  return sum;
}

/** The order in which an epoch visits the samples: `0..n-1`, or a seeded shuffle of it. */
export function epochOrder(n: number, shuffle: boolean, random: { uniform(): number }): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  if (!shuffle) return order;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random.uniform() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}
