import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { Random } from '../random/random.js';
import { leadingSymmetricEigen } from './leading-symmetric-eigen.js';
import { symmetricEigen } from './symmetric-eigen.js';

/** A seeded symmetric `[n, n]` matrix: `B·Bᵀ` (positive semi-definite, rank `rank`) or `B + Bᵀ`. */
function symmetric(
  n: number,
  seed: number,
  kind: 'gram' | 'indefinite' | 'repeated',
  rank = n,
): Float64Array {
  const random = new Random(seed);
  const b = Float64Array.from({ length: n * rank }, () => random.normal());
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (kind === 'gram') {
        let sum = 0;
        for (let k = 0; k < rank; k++) sum += b[i * rank + k] * b[j * rank + k];
        out[i * n + j] = sum;
      } else {
        out[i * n + j] = b[i * n + j] + b[j * n + i];
      }
    }
  }
  return out;
}

describe('symmetricEigen', () => {
  it.each([
    [1, 'gram', 1],
    [2, 'indefinite', 2],
    [7, 'gram', 7],
    [30, 'indefinite', 30],
    [40, 'gram', 5], // rank-deficient: 35 zero eigenvalues
    [100, 'gram', 100],
  ] as const)('n = %i (%s, rank %i): A·V = V·Λ, VᵀV = I, eigenvalues as ml-matrix', (n, kind, rank) => {
    const a = symmetric(n, n + rank, kind, rank);
    const { values, vectors } = symmetricEigen(a, n);
    const scale = Math.max(...values.map(Math.abs), 1);
    for (let i = 1; i < n; i++) expect(values[i]).toBeLessThanOrEqual(values[i - 1]);
    let worstResidual = 0;
    let worstOrthogonality = 0;
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        let av = 0;
        for (let k = 0; k < n; k++) av += a[i * n + k] * vectors[k * n + j];
        worstResidual = Math.max(worstResidual, Math.abs(av - values[j] * vectors[i * n + j]));
      }
      for (let l = 0; l < n; l++) {
        let dot = 0;
        for (let k = 0; k < n; k++) dot += vectors[k * n + j] * vectors[k * n + l];
        worstOrthogonality = Math.max(worstOrthogonality, Math.abs(dot - (j === l ? 1 : 0)));
      }
    }
    expect(worstResidual).toBeLessThan(1e-12 * scale * n);
    expect(worstOrthogonality).toBeLessThan(1e-12 * n);
    const rows = Array.from({ length: n }, (_, i) => Array.from(a.subarray(i * n, (i + 1) * n)));
    const reference = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true }).realEigenvalues
      .slice()
      .sort((x, y) => y - x);
    for (const [i, value] of reference.entries())
      expect(Math.abs(values[i] - value)).toBeLessThan(1e-11 * scale);
  });

  it('leaves its input alone', () => {
    const a = symmetric(5, 1, 'indefinite');
    const copy = Float64Array.from(a);
    symmetricEigen(a, 5);
    expect(a).toEqual(copy);
  });

  it.each([
    [100, 'gram', 100, 10],
    [60, 'indefinite', 60, 12],
    [40, 'gram', 5, 8], // the leading 8 include a cluster of 3 zero eigenvalues
    [50, 'repeated', 50, 10], // eigenvalues 3, 3, 3, 3, 2, 2, 1, ...: clusters inside the leading 10
  ] as const)(
    'leading %i-square (%s, rank %i), %i vectors: A·x = λx, orthonormal, same values',
    (n, kind, rank, count) => {
      let a: Float64Array;
      if (kind === 'repeated') {
        // Q·diag(λ)·Qᵀ with a random orthogonal Q (from symmetricEigen of a random matrix)
        const q = symmetricEigen(symmetric(n, 5, 'indefinite'), n).vectors;
        const lambda = Float64Array.from({ length: n }, (_, i) => (i < 4 ? 3 : i < 6 ? 2 : 1 / (i + 1)));
        a = new Float64Array(n * n);
        for (let i = 0; i < n; i++)
          for (let j = 0; j < n; j++) {
            let sum = 0;
            for (let k = 0; k < n; k++) sum += q[i * n + k] * lambda[k] * q[j * n + k];
            a[i * n + j] = sum;
          }
      } else {
        a = symmetric(n, n + rank, kind, rank);
      }
      const full = symmetricEigen(a, n);
      const { values, vectors } = leadingSymmetricEigen(a, n, count);
      const scale = Math.max(Math.abs(full.values[0]), Math.abs(full.values[n - 1]));
      for (let i = 0; i < n; i++) expect(Math.abs(values[i] - full.values[i])).toBeLessThan(1e-11 * scale);
      for (let j = 0; j < count; j++) {
        for (let i = 0; i < n; i++) {
          let av = 0;
          for (let k = 0; k < n; k++) av += a[i * n + k] * vectors[k * count + j];
          expect(Math.abs(av - values[j] * vectors[i * count + j])).toBeLessThan(1e-9 * scale);
        }
        for (let l = 0; l < count; l++) {
          let dot = 0;
          for (let k = 0; k < n; k++) dot += vectors[k * count + j] * vectors[k * count + l];
          expect(Math.abs(dot - (j === l ? 1 : 0))).toBeLessThan(1e-9);
        }
      }
    },
  );
});
