import { Random } from '@tensorfold/core';
import { gridValues, type HpParam, type Hyperparameters, type SearchSpace, sampleValue } from './space.js';

/** A finished trial as {@link bayesianTrial} needs it. */
export interface Observation {
  hyperparameters: Hyperparameters;
  score: number;
}

/** Options of {@link bayesianTrial}. */
export interface BayesianArgs {
  /** `'max'` or `'min'`: which scores are better. */
  direction: 'min' | 'max';
  /** Random draws before the model guides the search. Default 3. */
  initialPoints?: number;
  /** Random candidates scored by expected improvement at each step. Default 512. */
  candidates?: number;
  /** The RBF kernel's length scale, in the unit cube the hyperparameters are mapped to. Default 0.25. */
  lengthScale?: number;
}

/**
 * The hyperparameters of trial `index` of a Bayesian optimisation (a Gaussian process on the scores so far,
 * with an RBF kernel on the hyperparameters mapped to [0, 1] (log ranges in log space, choices by their
 * index), and the candidate of highest expected improvement among seeded random ones). The first
 * `initialPoints` trials are random draws. Deterministic in `seed` and the observations.
 */
export function bayesianTrial(
  space: SearchSpace,
  seed: number,
  index: number,
  observed: readonly Observation[],
  args: BayesianArgs,
): Hyperparameters {
  const initial = args.initialPoints ?? 3;
  const draw = (random: Random) => {
    const point: Hyperparameters = {};
    for (const [name, p] of Object.entries(space)) point[name] = sampleValue(p, random);
    return point;
  };
  const finite = observed.filter((o) => Number.isFinite(o.score));
  if (index < initial || finite.length < 2) return draw(Random.derive(seed, index));
  // Standardised scores, larger is better.
  const sign = args.direction === 'max' ? 1 : -1;
  const ys = finite.map((o) => sign * o.score);
  const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
  const sd = Math.sqrt(ys.reduce((a, b) => a + (b - mean) ** 2, 0) / ys.length) || 1;
  const y = ys.map((v) => (v - mean) / sd);
  const xs = finite.map((o) => encode(space, o.hyperparameters));
  const ell = args.lengthScale ?? 0.25;
  const kernel = (a: number[], b: number[]) =>
    Math.exp(-a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0) / (2 * ell * ell));
  const K = xs.map((a, i) => xs.map((b, j) => kernel(a, b) + (i === j ? 1e-4 : 0)));
  const L = cholesky(K);
  const alpha = solveUpper(L, solveLower(L, y));
  const best = Math.max(...y);
  const random = Random.derive(seed, index, 1);
  const seen = new Set(finite.map((o) => JSON.stringify(o.hyperparameters)));
  let choice: Hyperparameters | undefined;
  let top = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < (args.candidates ?? 512); c++) {
    const point = draw(random);
    if (seen.has(JSON.stringify(point))) continue;
    const x = encode(space, point);
    const k = xs.map((xi) => kernel(x, xi));
    const mu = k.reduce((s, v, i) => s + v * alpha[i], 0);
    const v = solveLower(L, k);
    const variance = Math.max(1e-12, 1 + 1e-4 - v.reduce((s, t) => s + t * t, 0));
    const sigma = Math.sqrt(variance);
    const z = (mu - best) / sigma;
    const ei = (mu - best) * normalCdf(z) + sigma * normalPdf(z);
    if (ei > top) {
      top = ei;
      choice = point;
    }
  }
  return choice ?? draw(random);
}

/** The hyperparameters as a point of the unit cube (one coordinate per name, in the space's order). */
export function encode(space: SearchSpace, hp: Hyperparameters): number[] {
  return Object.entries(space).map(([name, p]) => unit(p, hp[name]));
}

function unit(p: HpParam, value: unknown): number {
  switch (p.kind) {
    case 'boolean':
      return value ? 1 : 0;
    case 'choice': {
      const values = gridValues(p);
      return values.length < 2 ? 0 : values.indexOf(value as never) / (values.length - 1);
    }
    case 'int':
    case 'float': {
      if (p.max === p.min) return 0;
      const v = value as number;
      if (p.kind === 'float' && p.log)
        return (Math.log(v) - Math.log(p.min)) / (Math.log(p.max) - Math.log(p.min));
      return (v - p.min) / (p.max - p.min);
    }
  }
}

function cholesky(a: number[][]): number[][] {
  const n = a.length;
  const L = a.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = a[i][j];
      for (let k = 0; k < j; k++) s -= L[i][k] * L[j][k];
      L[i][j] = i === j ? Math.sqrt(Math.max(s, 1e-12)) : s / L[j][j];
    }
  return L;
}

function solveLower(L: number[][], b: number[]): number[] {
  const x = new Array<number>(b.length).fill(0);
  for (let i = 0; i < b.length; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i][k] * x[k];
    x[i] = s / L[i][i];
  }
  return x;
}

/** Solves `L^T x = b`. */
function solveUpper(L: number[][], b: number[]): number[] {
  const n = b.length;
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < n; k++) s -= L[k][i] * x[k];
    x[i] = s / L[i][i];
  }
  return x;
}

const normalPdf = (z: number) => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);

/** The standard normal CDF (Abramowitz and Stegun 7.1.26 for erf; error < 1.5e-7). */
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}
