/**
 * Checking and normalizing layer options (the `kernelSize: 3` vs `kernelSize: [3, 3]` forms of
 * TensorFlow.js layers). Every check throws a ConfigError that names the layer and the fix.
 */
import { ConfigError } from '@tensorfold/core';

/**
 * `value` as a list of `n` positive integers: a number is repeated, a list must have length `n`
 * (or 1, which is repeated).
 * @param what the option's name, for the error message (e.g. `'kernelSize'`).
 */
export function normalizeTuple(
  value: number | readonly number[] | undefined,
  n: number,
  what: string,
): number[] {
  if (value == null) throw new ConfigError(`${what} is required: give a number or ${n} numbers.`);
  const list = typeof value === 'number' ? new Array<number>(n).fill(value) : [...value];
  if (list.length === 1 && n > 1) return new Array<number>(n).fill(list[0]);
  if (list.length !== n || list.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new ConfigError(
      `${what} must be a positive integer or a list of ${n} positive integers, got ${JSON.stringify(value)}.`,
    );
  }
  return list;
}

/** Throws a ConfigError unless `value` is a positive integer. */
export function positiveInteger(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ConfigError(`${what} must be a positive integer, got ${JSON.stringify(value)}.`);
  }
  return value;
}

/** Throws a ConfigError unless `value` is in [low, high) (or [low, high] when `closed`). */
export function numberInRange(
  value: unknown,
  low: number,
  high: number,
  what: string,
  closed = false,
): number {
  const ok = typeof value === 'number' && value >= low && (closed ? value <= high : value < high);
  if (!ok) {
    throw new ConfigError(
      `${what} must be a number in [${low}, ${high}${closed ? ']' : ')'}, got ${JSON.stringify(value)}.`,
    );
  }
  return value as number;
}

/** Throws a ConfigError unless `value` is one of `allowed`. */
export function oneOf<T extends string>(value: unknown, allowed: readonly T[], what: string): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw new ConfigError(
      `${what} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(value)}.`,
    );
  }
  return value as T;
}
