/**
 * Whether a Boolean function of n inputs is linearly separable, and so computable by one logic
 * neuron (seed 003, 1.2.3 to 1.2.4: "a logic neuron is able to simulate only those Boolean functions
 * that are linearly separable").
 */
import { ConfigError, DataError } from '@tensorfold/core';
import { truthTableInputs } from './toy-data.js';

/** Largest input count {@link linearSeparability} decides (2^6 = 64 rows). */
export const MAX_SEPARABILITY_INPUTS = 6;

/** The answer of {@link linearSeparability}. */
export interface Separability {
  /** Whether one neuron `step(w·x + w0)` computes the function. */
  separable: boolean;
  /** Number of inputs n. */
  inputs: number;
  /** The system of inequalities one neuron's weights must satisfy, one per row (seed 003's form). */
  inequalities: string[];
  /** Weights of a neuron that computes it (whole numbers), when separable. */
  weights?: number[];
  /** Bias `w0` of that neuron, when separable. */
  bias?: number;
  /**
   * When not separable and a short proof exists: two rows with output 1 and two with output 0 whose
   * inputs have the same sum (XOR: (0,1) + (1,0) = (0,0) + (1,1)).
   */
  witness?: { ones: [number[], number[]]; zeros: [number[], number[]] };
  /** Why, in words. */
  reason: string;
}

/**
 * Decides whether the Boolean function with truth table `outputs` (0/1 for the rows 00...0 to 11...1
 * in counting order, `x1` the most significant bit; length `2^n`, n from 1 to 6) is linearly
 * separable, that is whether a hyperplane `w·x + w0 = 0` has all its 1-rows on one side
 * (`w·x + w0 >= 0`) and all its 0-rows on the other (`< 0`).
 *
 * How: first it looks for two 1-rows and two 0-rows with equal sums `a + b = c + d`. Adding the
 * inequalities of `a` and `b` gives `w·(a + b) + 2w0 >= 0`, adding those of `c` and `d` gives
 * `w·(c + d) + 2w0 < 0`: no weights satisfy both, and the pair is the reason (XOR's). Otherwise it
 * trains a perceptron (rate 1/2, zero start, whole-number weights) on the rows. Every linearly
 * separable function of n inputs has whole-number weights and threshold of size at most
 * `W = (n+1)^((n+1)/2) / 2^n` (Muroga), so by Novikoff's convergence theorem the perceptron makes at
 * most `4 (n+1)² (W + 1/2)²` mistakes on it; if it converges the weights prove separability, and if it
 * makes more mistakes than that (four times over, as a margin), no weights exist.
 */
export function linearSeparability(outputs: readonly number[]): Separability {
  const n = Math.log2(outputs.length);
  if (!Number.isInteger(n) || n < 1 || n > MAX_SEPARABILITY_INPUTS) {
    throw new ConfigError(
      `linearSeparability takes a truth table of 2^n outputs with n from 1 to ${MAX_SEPARABILITY_INPUTS} (2 to 64 rows, in counting order 00, 01, 10, 11...), got ${outputs.length} outputs.`,
    );
  }
  const bad = outputs.find((v) => v !== 0 && v !== 1);
  if (bad !== undefined) {
    throw new DataError(`linearSeparability: a Boolean function's outputs are 0 or 1, got ${String(bad)}.`);
  }
  const rows = truthTableInputs(n);
  const inequalities = rows.map(
    (x, r) => `${x.map((v, i) => `w${i + 1}·${v}`).join(' + ')} + w0 ${outputs[r] === 1 ? '>=' : '<'} 0`,
  );
  const witness = sumWitness(rows, outputs);
  if (witness) {
    const { ones, zeros } = witness;
    const sum = ones[0].map((v, i) => v + ones[1][i]);
    const p = (x: number[]) => `(${x.join(', ')})`;
    return {
      separable: false,
      inputs: n,
      inequalities,
      witness,
      reason: `not linearly separable: ${p(ones[0])} and ${p(ones[1])} give 1, ${p(zeros[0])} and ${p(zeros[1])} give 0, and both pairs add up to ${p(sum)}. One neuron would need w·${p(ones[0])} + w0 >= 0 and w·${p(ones[1])} + w0 >= 0, so w·${p(sum)} + 2·w0 >= 0, and also w·${p(zeros[0])} + w0 < 0 and w·${p(zeros[1])} + w0 < 0, so w·${p(sum)} + 2·w0 < 0: no weights do both. It needs two layers (see LogicNetwork).`,
    };
  }
  const learned = boundedPerceptron(rows, outputs, n);
  if (learned) {
    return {
      separable: true,
      inputs: n,
      inequalities,
      weights: learned.weights,
      bias: learned.bias,
      reason: `linearly separable: for example w = [${learned.weights.join(', ')}], w0 = ${learned.bias} puts every 1-row on w·x + w0 >= 0 and every 0-row below it, so one neuron computes it.`,
    };
  }
  return {
    separable: false,
    inputs: n,
    inequalities,
    reason: `not linearly separable: a perceptron made more mistakes on it than the ${mistakeBound(n)} that any linearly separable function of ${n} inputs allows (Novikoff's bound with Muroga's weight bound), so no single neuron computes it.`,
  };
}

/** Two 1-rows and two 0-rows whose sums are equal, or null. */
function sumWitness(rows: number[][], outputs: readonly number[]): Separability['witness'] | null {
  const ones = rows.filter((_, r) => outputs[r] === 1);
  const zeros = rows.filter((_, r) => outputs[r] === 0);
  const sums = new Map<string, [number[], number[]]>();
  for (let a = 0; a < ones.length; a++) {
    for (let b = a; b < ones.length; b++) {
      const key = ones[a].map((v, i) => v + ones[b][i]).join(',');
      if (!sums.has(key)) sums.set(key, [ones[a], ones[b]]);
    }
  }
  for (let c = 0; c < zeros.length; c++) {
    for (let d = c; d < zeros.length; d++) {
      const match = sums.get(zeros[c].map((v, i) => v + zeros[d][i]).join(','));
      if (match) return { ones: match, zeros: [zeros[c], zeros[d]] };
    }
  }
  return null;
}

/**
 * Novikoff's mistake bound for separable functions of n inputs, with Muroga's weight bound, taken four
 * times over as a margin (it costs time only on functions with no equal-sum witness).
 */
function mistakeBound(n: number): number {
  const w = (n + 1) ** ((n + 1) / 2) / 2 ** n;
  return 4 * Math.ceil(4 * (n + 1) ** 2 * (w + 0.5) ** 2);
}

/** The perceptron rule on the rows (targets ±1, rate 1/2, from zero) until it converges or passes the bound. */
function boundedPerceptron(
  rows: number[][],
  outputs: readonly number[],
  n: number,
): { weights: number[]; bias: number } | null {
  const limit = mistakeBound(n);
  const w = new Array<number>(n).fill(0);
  let w0 = 0;
  let mistakes = 0;
  for (;;) {
    let clean = true;
    for (const [r, x] of rows.entries()) {
      const d = outputs[r] === 1 ? 1 : -1;
      let u = w0;
      for (let i = 0; i < n; i++) u += w[i] * x[i];
      const y = u >= 0 ? 1 : -1;
      if (y === d) continue;
      // w ← w + γ (d − y) x with γ = 1/2: ±x, so the weights stay whole numbers.
      for (let i = 0; i < n; i++) w[i] += d * x[i];
      w0 += d;
      clean = false;
      if (++mistakes > limit) return null;
    }
    if (clean) return { weights: w.map((v) => v + 0), bias: w0 + 0 };
  }
}
