import { DataError, symmetricEigen } from '@tensorfold/core';

/**
 * The Fréchet distance between two Gaussians fitted to feature vectors (the FID of Heusel et al. 2017,
 * computed on any network's features): `|mu1 - mu2|^2 + tr(S1 + S2 - 2 (S1 S2)^(1/2))`. The trace of the
 * matrix square root is taken as `sum sqrt(eig(A S2 A))` with `A = S1^(1/2)`, both from symmetric
 * eigendecompositions in float64 (`symmetricEigen` of `@tensorfold/core`), so it needs no general matrix
 * square root.
 *
 * @param a Features of one sample, `n` rows of `d` values (row-major, `n * d` long).
 * @param b Features of the other sample, `m` rows of `d` values.
 * @param d The feature size.
 */
export function frechetDistance(a: ArrayLike<number>, b: ArrayLike<number>, d: number): number {
  const [meanA, covA] = moments(a, d, 'a');
  const [meanB, covB] = moments(b, d, 'b');
  let meanTerm = 0;
  for (let i = 0; i < d; i++) meanTerm += (meanA[i] - meanB[i]) ** 2;
  const rootA = symmetricFunction(covA, d, Math.sqrt);
  const middle = multiply(multiply(rootA, covB, d), rootA, d); // A S2 A, symmetric PSD
  const { values } = symmetricEigen(symmetrize(middle, d), d);
  let traceRoot = 0;
  for (const v of values) traceRoot += Math.sqrt(Math.max(0, v));
  let trace = 0;
  for (let i = 0; i < d; i++) trace += covA[i * d + i] + covB[i * d + i];
  return meanTerm + trace - 2 * traceRoot;
}

/** Mean and covariance (divided by n - 1) of `n` rows of `d` features. */
function moments(x: ArrayLike<number>, d: number, name: string): [Float64Array, Float64Array] {
  const n = x.length / d;
  if (!Number.isInteger(n) || n < 2)
    throw new DataError(`Features ${name} need at least 2 rows of ${d} values; got ${x.length} values.`);
  const mean = new Float64Array(d);
  for (let r = 0; r < n; r++) for (let i = 0; i < d; i++) mean[i] += x[r * d + i] / n;
  const cov = new Float64Array(d * d);
  for (let r = 0; r < n; r++)
    for (let i = 0; i < d; i++) {
      const di = x[r * d + i] - mean[i];
      for (let j = i; j < d; j++) cov[i * d + j] += (di * (x[r * d + j] - mean[j])) / (n - 1);
    }
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) cov[i * d + j] = cov[j * d + i];
  return [mean, cov];
}

function multiply(a: Float64Array, b: Float64Array, d: number): Float64Array {
  const c = new Float64Array(d * d);
  for (let i = 0; i < d; i++)
    for (let k = 0; k < d; k++) {
      const aik = a[i * d + k];
      if (aik === 0) continue;
      for (let j = 0; j < d; j++) c[i * d + j] += aik * b[k * d + j];
    }
  return c;
}

function symmetrize(a: Float64Array, d: number): Float64Array {
  const s = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) s[i * d + j] = (a[i * d + j] + a[j * d + i]) / 2;
  return s;
}

/** `V f(L) V^T` for a symmetric `a = V L V^T` (negative eigenvalues from rounding are taken as 0). */
function symmetricFunction(a: Float64Array, d: number, f: (x: number) => number): Float64Array {
  const { values, vectors } = symmetricEigen(a, d);
  const out = new Float64Array(d * d);
  for (let k = 0; k < d; k++) {
    const fk = f(Math.max(0, values[k]));
    for (let i = 0; i < d; i++) {
      const vik = vectors[i * d + k] * fk;
      for (let j = 0; j < d; j++) out[i * d + j] += vik * vectors[j * d + k];
    }
  }
  return out;
}
