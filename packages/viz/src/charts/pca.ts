import { DataError } from '@tensorfold/core';

/** The first principal components of a data set. */
export interface Pca {
  /** `[n, components]` coordinates, row-major. */
  projected: Float64Array;
  /** Share of the total variance each component explains, 0 to 1. */
  explained: number[];
}

/**
 * Projects `n` rows of `d` values onto their first `components` principal components, by power
 * iteration on the centred data (X^T X v, never forming the d x d covariance, so wide data such as
 * 784-pixel images stays cheap), deflating after each component. The start vector and sign are fixed
 * (largest entry positive), so the same data gives the same picture.
 */
export function pca(data: ArrayLike<number>, n: number, d: number, components = 2, iterations = 200): Pca {
  if (n < 2) throw new DataError(`PCA needs at least 2 points, got ${n}.`);
  const x = new Float64Array(n * d);
  for (let j = 0; j < d; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += data[i * d + j];
    mean /= n;
    for (let i = 0; i < n; i++) x[i * d + j] = data[i * d + j] - mean;
  }
  let total = 0;
  for (const v of x) total += v * v;
  const projected = new Float64Array(n * components);
  const explained: number[] = [];
  const xv = new Float64Array(n);
  for (let c = 0; c < components; c++) {
    let v = new Float64Array(d).map((_, j) => 1 + ((j * 7919) % 13) / 13); // fixed, not axis-aligned
    let lambda = 0;
    for (let it = 0; it < iterations; it++) {
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += x[i * d + j] * v[j];
        xv[i] = s;
      }
      const next = new Float64Array(d);
      for (let i = 0; i < n; i++) {
        const s = xv[i];
        if (s !== 0) for (let j = 0; j < d; j++) next[j] += x[i * d + j] * s;
      }
      let norm = 0;
      for (const u of next) norm += u * u;
      norm = Math.sqrt(norm);
      if (norm === 0) break;
      let change = 0;
      for (let j = 0; j < d; j++) {
        next[j] /= norm;
        change += Math.abs(next[j] - v[j]);
      }
      v = next;
      lambda = norm;
      if (change < 1e-10) break;
    }
    let big = 0;
    for (let j = 1; j < d; j++) if (Math.abs(v[j]) > Math.abs(v[big])) big = j;
    if (v[big] < 0) for (let j = 0; j < d; j++) v[j] = -v[j];
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += x[i * d + j] * v[j];
      projected[i * components + c] = s;
      for (let j = 0; j < d; j++) x[i * d + j] -= s * v[j]; // deflate
    }
    explained.push(total > 0 ? lambda / total : 0);
  }
  return { projected, explained };
}
