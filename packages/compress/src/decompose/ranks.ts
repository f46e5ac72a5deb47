/** Choosing ranks: by kept energy of singular values, and checks of given ranks. */
import { ConfigError, ShapeError } from '@tensorfold/core';

/**
 * The smallest rank `r` whose leading singular values keep at least `energy` of the total energy:
 * `sum(s[:r]^2) >= energy * sum(s^2)`.
 */
export function energyRank(s: Float64Array, energy: number): number {
  if (!(energy > 0 && energy <= 1))
    throw new ConfigError(
      `energy must be in (0, 1], got ${energy}; 0.9 keeps 90% of the squared singular values.`,
    );
  let total = 0;
  for (const v of s) total += v * v;
  if (total === 0) return 1;
  let kept = 0;
  for (let r = 0; r < s.length; r++) {
    kept += s[r] * s[r];
    if (kept >= energy * total * (1 - 1e-12)) return r + 1;
  }
  return s.length;
}

/** Checks one given rank against its limit. */
export function checkRank(rank: number, limit: number, layer: string, what: string): number {
  if (!Number.isInteger(rank) || rank < 1)
    throw new ConfigError(`The ${what} rank of layer "${layer}" must be a positive integer, got ${rank}.`);
  if (rank > limit)
    throw new ShapeError(
      `The ${what} rank ${rank} of layer "${layer}" is larger than the layer allows (${limit}); give a rank of at most ${limit}, or use {energy} to choose it.`,
    );
  return rank;
}
