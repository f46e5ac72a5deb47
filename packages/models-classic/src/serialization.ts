/**
 * The JSON form of a classic model: `{format, className, ...fields}`. Small and readable, so a learner
 * can open a trained perceptron's file and see its weights.
 */
import { SerializationError } from '@tensorfold/core';

/** The `format` tag of every classic model's JSON. */
export const CLASSIC_FORMAT = 'tensorfold-classic-neuron/1';

/** The fields every classic model's JSON has. */
export interface ClassicJson {
  format: typeof CLASSIC_FORMAT;
  className: string;
  [field: string]: unknown;
}

/** Checks the envelope of `json` (an object or its text) for `className` and returns the object. */
export function readEnvelope(json: unknown, className: string): Record<string, unknown> {
  let value = json;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch (error) {
      throw new SerializationError(
        `${className}.fromJSON: the text is not JSON (${(error as Error).message}).`,
        {
          cause: error,
        },
      );
    }
  }
  if (typeof value !== 'object' || value === null) {
    throw new SerializationError(`${className}.fromJSON takes what toJSON() returned, got ${typeof value}.`);
  }
  const object = value as Record<string, unknown>;
  if (object.format !== CLASSIC_FORMAT || object.className !== className) {
    throw new SerializationError(
      `${className}.fromJSON: this JSON holds ${String(object.className ?? 'no classic model')} (format ${String(object.format)}); load it with that class's fromJSON, or pass what ${className}.toJSON() returned.`,
    );
  }
  return object;
}

/** Reads a list of finite numbers (of `length` when given) from `object[key]`. */
export function readNumbers(
  object: Record<string, unknown>,
  key: string,
  className: string,
  length?: number,
): number[] {
  const v = object[key];
  if (
    !Array.isArray(v) ||
    (length !== undefined && v.length !== length) ||
    v.some((x) => typeof x !== 'number' || !Number.isFinite(x))
  ) {
    throw new SerializationError(
      `${className}.fromJSON: "${key}" must be a list of ${length ?? 'some'} finite numbers, got ${JSON.stringify(v)}.`,
    );
  }
  return v as number[];
}

/** Reads a finite number from `object[key]`. */
export function readNumber(object: Record<string, unknown>, key: string, className: string): number {
  const v = object[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new SerializationError(
      `${className}.fromJSON: "${key}" must be a finite number, got ${JSON.stringify(v)}.`,
    );
  }
  return v;
}

/** Reads the optional history (a list of epoch records) from `object.history`. */
export function readHistory<T>(object: Record<string, unknown>, className: string): T[] {
  const v = object.history ?? [];
  if (!Array.isArray(v))
    throw new SerializationError(`${className}.fromJSON: "history" must be a list of epoch records.`);
  return v as T[];
}
