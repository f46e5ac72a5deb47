import { InvalidArgumentError, Option } from 'commander';
import { outDirectoryProblem } from './out-directory.js';
import { userPath } from './user-path.js';

/** Parses an integer >= `min`, with a message that says what to pass. */
export function integerAtLeast(min: number, what: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^[+]?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`${what} must be a whole number >= ${min}, got "${value}".`);
    }
    return n;
  };
}

/** Parses an integer in [min, max], with a message that says what to pass. */
export function integerInRange(min: number, max: number, what: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^[+-]?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${what} must be a whole number from ${min} to ${max}, got "${value}".`);
    }
    return n;
  };
}

/**
 * Parses a number > 0 that a 32-bit float holds (the weights' type): neither rounded to 0 (below about
 * 1.4e-45) nor to infinity (above about 3.4e38), with a message that says what to pass.
 */
export function positiveFloat32(what: string) {
  return (value: string): number => {
    const n = Number(value);
    const single = Math.fround(n);
    if (value.trim() === '' || !Number.isFinite(single) || single <= 0) {
      throw new InvalidArgumentError(
        `${what} must be a number > 0 that a 32-bit float holds (about 1.4e-45 to 3.4e38, e.g. 0.001), got "${value}".`,
      );
    }
    return n;
  };
}

/** Parses a number in [low, high). */
export function numberFrom(low: number, high: number, what: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < low || n >= high) {
      throw new InvalidArgumentError(
        `${what} must be a number from ${low} up to (not including) ${high}, got "${value}".`,
      );
    }
    return n;
  };
}

/** Parses a finite number > 0 (`example` shows one), with a message that says what to pass. */
export function positiveNumber(what: string, example: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
      throw new InvalidArgumentError(
        `${what} must be a finite number > 0 (e.g. ${example}), got "${value}".`,
      );
    }
    return n;
  };
}

/** Parses a comma-separated list of whole numbers >= 1 (`16,32,64`), with a message that says what to pass. */
export function positiveIntegerList(what: string) {
  return (value: string): number[] => {
    const parts = value.split(',').map((part) => part.trim());
    const numbers = parts.map(Number);
    if (parts.some((part, i) => !/^\d+$/.test(part) || !Number.isSafeInteger(numbers[i]) || numbers[i] < 1))
      throw new InvalidArgumentError(
        `${what} must be whole numbers >= 1 separated by commas (e.g. 16,32,64), got "${value}".`,
      );
    return numbers;
  };
}

/** Accepts one of `choices` (case-insensitive). */
export function oneOf<T extends string>(choices: readonly T[], what: string) {
  return (value: string): T => {
    const v = value.toLowerCase() as T;
    if (!choices.includes(v))
      throw new InvalidArgumentError(`${what} must be one of ${choices.join(', ')}, got "${value}".`);
    return v;
  };
}

/**
 * Accepts a directory a model can be saved to (see {@link outDirectoryProblem}) and returns it as an
 * absolute path, a relative one taken from the folder the command was typed in (see `userPath`).
 */
export function outDirectory(value: string): string {
  const path = value.trim() === '' ? value : userPath(value);
  const problem = outDirectoryProblem(path);
  if (problem) throw new InvalidArgumentError(problem);
  return path;
}

/**
 * An option that takes one of `choices`, case-insensitively (as model and backend names are); `--help`
 * lists the choices and the default. `hint` follows the list of choices in the error of another value.
 */
export function choiceOption(
  flags: string,
  description: string,
  choices: string[],
  defaultValue: string,
  hint?: string,
) {
  return new Option(flags, description)
    .choices(choices)
    .default(defaultValue)
    .argParser((value: string) => {
      const choice = value.toLowerCase();
      if (!choices.includes(choice))
        throw new InvalidArgumentError(`Allowed choices are ${choices.join(', ')}.${hint ? ` ${hint}` : ''}`);
      return choice;
    });
}

/** The image models whose builders take `filters` per conv block (`tensorfold train --filters`). */
export const FILTER_MODELS = ['stackedconvnet', 'vggsmall', 'resnetsmall'];

/** The learning-rate schedules of `tensorfold train --lr-schedule`. */
export const LR_SCHEDULES = ['constant', 'cosine'];

/** The image models whose builders take a `dropout` rate (`tensorfold train --dropout`). */
export const DROPOUT_MODELS = ['stackedconvnet', 'vggsmall'];

/** The GANs of `tensorfold train`, the models that take its GAN flags (`--classes`, `--ema`, ...). */
export const GAN_MODELS = ['dcgan'];

/** Parses a finite number >= 0 (`example` shows one), with a message that says what to pass. */
export function nonNegativeNumber(what: string, example: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
      throw new InvalidArgumentError(
        `${what} must be a finite number >= 0 (e.g. ${example}), got "${value}".`,
      );
    }
    return n;
  };
}

/** Parses a number strictly between `low` and `high` (`example` shows one), with a message that says what to pass. */
export function numberBetween(low: number, high: number, what: string, example: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n <= low || n >= high) {
      throw new InvalidArgumentError(
        `${what} must be a number between ${low} and ${high}, both excluded (e.g. ${example}), got "${value}".`,
      );
    }
    return n;
  };
}
