import { Random } from '@tensorfold/core';
import { describe, expect, it } from 'vitest';
import { frechetDistance } from './frechet.js';

function gaussianSample(n: number, mean: number[], scales: number[], seed: number): Float64Array {
  const random = new Random(seed);
  const d = mean.length;
  const x = new Float64Array(n * d);
  for (let r = 0; r < n; r++)
    for (let i = 0; i < d; i++) x[r * d + i] = mean[i] + scales[i] * random.normal();
  return x;
}

describe('frechetDistance', () => {
  it('matches the closed form for diagonal Gaussians: |mu1 - mu2|^2 + sum (s1 - s2)^2', () => {
    // Independent axes: S1 = diag(s1^2), S2 = diag(s2^2), so tr(S1 + S2 - 2 sqrt(S1 S2)) = sum (s1 - s2)^2.
    const a = gaussianSample(20000, [0, 0, 0], [1, 2, 0.5], 1);
    const b = gaussianSample(20000, [1, 0, -1], [2, 2, 1.5], 2);
    const expected = 1 + 1 + (1 + 0 + 1);
    // 20,000 draws estimate a variance of 4 to about +-0.04 (4 sqrt(2 / n)): allow 3 such errors.
    expect(Math.abs(frechetDistance(a, b, 3) - expected)).toBeLessThan(0.15);
  });

  it('is near 0 for two samples of one distribution, and symmetric', () => {
    const a = gaussianSample(5000, [1, 2, 3, 4], [1, 1, 2, 3], 3);
    const b = gaussianSample(5000, [1, 2, 3, 4], [1, 1, 2, 3], 4);
    expect(frechetDistance(a, b, 4)).toBeLessThan(0.05);
    expect(frechetDistance(a, b, 4)).toBeCloseTo(frechetDistance(b, a, 4), 6);
  });

  it('is 0 to rounding for a sample against itself, also with rank-deficient covariances', () => {
    // 64 features mixed from 8 sources (rank 8), and 30 rows of 40 features (rank 29): the zero
    // eigenvalues of the covariance must not turn into square roots of rounding noise beyond ~1e-7.
    for (const [n, d, sources] of [
      [400, 64, 8],
      [30, 40, 40],
    ]) {
      const random = new Random(n + d);
      const mix = Float64Array.from({ length: sources * d }, () => random.normal());
      const x = new Float64Array(n * d);
      for (let r = 0; r < n; r++)
        for (let k = 0; k < sources; k++) {
          const z = random.normal();
          for (let i = 0; i < d; i++) x[r * d + i] += z * mix[k * d + i];
        }
      const trace = d * sources; // each feature's variance is about `sources`
      expect(Math.abs(frechetDistance(x, x, d))).toBeLessThan(1e-6 * trace);
    }
  });

  it('rejects too few rows', () => {
    expect(() => frechetDistance([1, 2], [1, 2, 3, 4], 2)).toThrow(/at least 2 rows of 2 values/);
  });
});
