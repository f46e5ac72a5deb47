/**
 * Option checks shared by optimizers, losses, metrics and callbacks. Each throws a ConfigError that
 * names the option, what it must be, and what was given, before anything changes.
 */
import { ConfigError } from '@tensorfold/core';

/** A finite number for which `ok` holds; `requirement` says what that means (e.g. `'> 0'`). */
export function checkNumber(
  value: unknown,
  what: string,
  ok: (x: number) => boolean = () => true,
  requirement = 'a finite number',
): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) {
    throw new ConfigError(`${what} must be ${requirement}, got ${shown(value)}.`);
  }
  return value;
}

/** `value` as the message shows it: numbers as written (JSON turns NaN and Infinity into null). */
function shown(value: unknown): string {
  return typeof value === 'number' ? String(value) : JSON.stringify(value);
}

/** A finite number > 0. */
export function checkPositive(value: unknown, what: string): number {
  return checkNumber(value, what, (x) => x > 0, 'a number > 0');
}

/** A finite number >= 0. */
export function checkNonNegative(value: unknown, what: string): number {
  return checkNumber(value, what, (x) => x >= 0, 'a number >= 0');
}

/** A number in [0, 1) (decay rates such as Adam's beta1). */
export function checkUnitInterval(value: unknown, what: string): number {
  return checkNumber(value, what, (x) => x >= 0 && x < 1, 'in [0, 1)');
}

/** An integer >= `min`. */
export function checkInteger(value: unknown, what: string, min = 0): number {
  return checkNumber(value, what, (x) => Number.isInteger(x) && x >= min, `an integer >= ${min}`);
}

/** One of `options`. */
export function checkOneOf<T extends string>(value: unknown, what: string, options: readonly T[]): T {
  if (typeof value !== 'string' || !options.includes(value as T)) {
    throw new ConfigError(
      `${what} must be one of ${options.map((o) => `'${o}'`).join(', ')}, got ${JSON.stringify(value)}.`,
    );
  }
  return value as T;
}
