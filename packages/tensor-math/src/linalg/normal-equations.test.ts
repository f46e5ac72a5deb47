import { DataError } from '@tensorfold/core';
import { describe, expect, it } from 'vitest';
import {
  cholesky,
  gramOf,
  hadamardExcept,
  inverseFromCholesky,
  PROXIMAL_WEIGHT,
  proximalSolve,
} from './normal-equations.js';

/** `[rows, columns]` row-major product `a·b`. */
function multiply(a: ArrayLike<number>, b: ArrayLike<number>, rows: number, inner: number, columns: number) {
  const out = new Float64Array(rows * columns);
  for (let i = 0; i < rows; i++)
    for (let k = 0; k < inner; k++)
      for (let j = 0; j < columns; j++) out[i * columns + j] += a[i * inner + k] * b[k * columns + j];
  return out;
}

describe('normal equations', () => {
  it('gramOf is AᵀA and hadamardExcept multiplies the others element-wise', () => {
    const a = [1, 2, 3, 4, 5, 6]; // [3, 2]
    expect(Array.from(gramOf(a, 3, 2))).toEqual([35, 44, 44, 56]);
    const grams = [
      Float64Array.from([1, 2, 3, 4]),
      Float64Array.from([5, 6, 7, 8]),
      Float64Array.from([2, 2, 2, 2]),
    ];
    expect(Array.from(hadamardExcept(grams, 1, 2))).toEqual([2, 4, 6, 8]);
  });

  it('solves a well-conditioned system to within the proximal weight of the exact solution', () => {
    const v = Float64Array.from([4, 1, 0.5, 1, 3, 0.2, 0.5, 0.2, 2]); // [3, 3] SPD
    const x = Float64Array.from([1, -2, 3, 0.5, 0.25, -1]); // [2, 3]
    const m = multiply(x, v, 2, 3, 3);
    const anchor = new Float64Array(6); // far from the solution
    const solved = proximalSolve(v, m, anchor, 2, 3);
    for (let i = 0; i < 6; i++) expect(Math.abs(solved[i] - x[i])).toBeLessThan(10 * PROXIMAL_WEIGHT * 4);
  });

  it('stays bounded and never fits worse than the anchor on a singular system', () => {
    // K has rank 1, so V = KᵀK is singular: the plain solve has no unique (or finite) answer
    const k = Float64Array.from([1, 1, 2, 2, 3, 3]); // [3, 2]
    const v = gramOf(k, 3, 2);
    const target = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]); // X_(k) [4, 3]
    const m = multiply(target, k, 4, 3, 2); // X·K  [4, 2]
    const anchor = Float64Array.from([0.5, 0, 0, 0.5, 1, 1, -1, 2]); // [4, 2]
    const solved = proximalSolve(v, m, anchor, 4, 2);
    const kt = Float64Array.from([1, 2, 3, 1, 2, 3]); // Kᵀ [2, 3]
    const misfit = (a: Float64Array) => {
      const fit = multiply(a, kt, 4, 2, 3);
      return fit.reduce((s, f, i) => s + (f - target[i]) ** 2, 0);
    };
    expect(misfit(solved)).toBeLessThanOrEqual(misfit(anchor));
    for (const value of solved) expect(Math.abs(value)).toBeLessThan(100);
  });

  it('inverseFromCholesky inverts L·Lᵀ, and proximalSolve satisfies (V + λI)·Aᵀ = (M + λ·anchor)ᵀ at rank 10', () => {
    let seed = 1;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647 - 0.5;
    };
    const rank = 10;
    const rows = 7;
    const k = Float64Array.from({ length: 30 * rank }, random); // [30, R]
    const v = gramOf(k, 30, rank);
    const l = cholesky(v, rank, 0)!;
    const product = multiply(v, inverseFromCholesky(l, rank), rank, rank, rank);
    for (let i = 0; i < rank; i++)
      for (let j = 0; j < rank; j++)
        expect(Math.abs(product[i * rank + j] - (i === j ? 1 : 0))).toBeLessThan(1e-12);
    const m = Float64Array.from({ length: rows * rank }, random);
    const anchor = Float64Array.from({ length: rows * rank }, random);
    const solved = proximalSolve(v, m, anchor, rows, rank);
    let trace = 0;
    for (let r = 0; r < rank; r++) trace += v[r * rank + r];
    const lambda = (PROXIMAL_WEIGHT * trace) / rank;
    const shifted = Float64Array.from(v, (value, i) => value + (i % (rank + 1) === 0 ? lambda : 0));
    const back = multiply(solved, shifted, rows, rank, rank); // A·(V + λI), V symmetric
    for (let i = 0; i < rows * rank; i++)
      expect(Math.abs(back[i] - (m[i] + lambda * anchor[i]))).toBeLessThan(1e-12);
  });

  it('cholesky refuses a matrix that is not positive definite; proximalSolve refuses NaN', () => {
    expect(cholesky(Float64Array.from([1, 2, 2, 1]), 2, 0)).toBeNull();
    const l = cholesky(Float64Array.from([4, 2, 2, 5]), 2, 0)!;
    expect(Array.from(l)).toEqual([2, 0, 1, 2]);
    expect(() => proximalSolve(Float64Array.from([Number.NaN, 0, 0, 1]), [1, 1], [0, 0], 1, 2)).toThrow(
      DataError,
    );
  });
});
