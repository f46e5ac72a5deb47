import { ConfigError, type tf } from '@tensorfold/core';
import { describeShape } from '../validate.js';

/**
 * Resolves Tucker ranks: one number for every mode, capped at the feasible maximum of each mode (its
 * size, and the product of the other modes' capped ranks, which bounds the rank of its unfolding), or
 * one per mode, used as given.
 *
 * @throws ConfigError when a rank is not a positive integer, exceeds its mode's size, or exceeds the
 *   product of the other ranks (such a core would be degenerate); the message names the largest value
 *   that would work.
 */
export function resolveTuckerRanks(
  tensor: tf.Tensor,
  ranks: number | readonly number[],
  what: string,
): number[] {
  const shape = tensor.shape;
  const resolved = typeof ranks === 'number' ? cappedRanks(shape, ranks) : [...ranks];
  if (resolved.length !== shape.length) {
    throw new ConfigError(
      `${what} ranks has ${resolved.length} entries but the tensor (${describeShape(shape)}) has ${shape.length} modes: pass one rank per mode.`,
    );
  }
  resolved.forEach((r, k) => {
    if (!Number.isInteger(r) || r < 1) {
      throw new ConfigError(`${what} rank ${r} for mode ${k} is invalid: ranks are integers >= 1.`);
    }
    if (r > shape[k]) {
      throw new ConfigError(
        `${what} rank ${r} for mode ${k} is larger than that mode's size ${shape[k]} (tensor ${describeShape(shape)}): pass at most ${shape[k]}.`,
      );
    }
  });
  resolved.forEach((r, k) => {
    const others = resolved.reduce((p, q, j) => (j === k ? p : p * q), 1);
    if (r > others) {
      throw new ConfigError(
        `${what} rank ${r} for mode ${k} exceeds the product ${others} of the other ranks [${resolved.join(', ')}]: the core would be degenerate. Pass at most ${others} for mode ${k}, or raise the others.`,
      );
    }
  });
  return resolved;
}

/**
 * `rank` for every mode, at most the mode's size and the product of the other (capped) ranks. One
 * pass suffices: only the largest rank can exceed the product of the others, and capping it there
 * keeps every other rank within its own bound.
 */
function cappedRanks(shape: readonly number[], rank: number): number[] {
  const bySize = shape.map((n) => Math.min(rank, n));
  return bySize.map((r, k) =>
    Math.min(
      r,
      bySize.reduce((p, q, j) => (j === k ? p : p * q), 1),
    ),
  );
}
