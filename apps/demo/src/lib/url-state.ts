/**
 * One state object per page, mirrored in the URL hash (`#playground?dataset=xor&layers=4,2`), as
 * TensorFlow Playground does: every setting can be bookmarked and shared. A page describes its state
 * by a {@link StateSchema}: for each key, its default and how to read and write it.
 */

/** How one field of a page's state is read from and written to the URL. */
export interface Field<T> {
  /** The value when the URL does not give one. */
  default: T;
  /** Reads the text of the URL; `undefined` when it is not a valid value. */
  parse(text: string): T | undefined;
  /** Writes the value as URL text. */
  format(value: T): string;
}

/** A page's state: one {@link Field} per key. */
export type StateSchema<S> = { [K in keyof S]: Field<S[K]> };

/** What {@link readState} found. */
export interface ReadResult<S> {
  state: S;
  /** The keys whose URL value was broken (or unknown) and reset to their defaults; empty when all were fine. */
  reset: string[];
}

/** The default state of a schema. */
export function defaults<S>(schema: StateSchema<S>): S {
  const state = {} as S;
  for (const key of Object.keys(schema) as (keyof S)[]) state[key] = schema[key].default;
  return state;
}

/**
 * Reads a page's state from the query part of its hash (`a=1&b=2`). A broken value, or a key the
 * page does not know, resets the WHOLE state to its defaults (a half-applied state would show
 * something no one asked for), and `reset` names the culprits so the page can say so.
 */
export function readState<S>(schema: StateSchema<S>, query: string): ReadResult<S> {
  const params = new URLSearchParams(query);
  const state = defaults(schema);
  const reset: string[] = [];
  for (const [key, text] of params) {
    if (!Object.hasOwn(schema, key)) {
      reset.push(key);
      continue;
    }
    const value = schema[key as keyof S].parse(text);
    if (value === undefined) reset.push(key);
    else state[key as keyof S] = value;
  }
  return reset.length > 0 ? { state: defaults(schema), reset } : { state, reset };
}

/** Writes a page's state as a query (`a=1&b=2`), leaving out values equal to their defaults. */
export function writeState<S>(schema: StateSchema<S>, state: S): string {
  const params = new URLSearchParams();
  for (const key of Object.keys(schema) as (keyof S)[]) {
    const text = schema[key].format(state[key]);
    if (text !== schema[key].format(schema[key].default)) params.set(String(key), text);
  }
  return params.toString();
}

/** Splits a hash `#page?query` into its page id and query. */
export function splitHash(hash: string): { page: string; query: string } {
  const body = hash.replace(/^#\/?/, '');
  const at = body.indexOf('?');
  return at < 0 ? { page: body, query: '' } : { page: body.slice(0, at), query: body.slice(at + 1) };
}

/** A number field within `[min, max]` (whole numbers when `integer`). */
export function numberField(value: number, min: number, max: number, integer = false): Field<number> {
  return {
    default: value,
    parse(text) {
      if (text.trim() === '') return undefined;
      const n = Number(text);
      if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) return undefined;
      return n;
    },
    format: (v) => String(v),
  };
}

/** A field taking one of a fixed list of names. */
export function choiceField<T extends string>(value: T, choices: readonly T[]): Field<T> {
  return {
    default: value,
    parse: (text) => (choices.includes(text as T) ? (text as T) : undefined),
    format: (v) => v,
  };
}

/** A comma-separated list of whole numbers (`4,2`), `minLength` to `maxLength` long, each in `[min, max]`. */
export function intListField(
  value: number[],
  min: number,
  max: number,
  minLength: number,
  maxLength: number,
): Field<number[]> {
  return {
    default: value,
    parse(text) {
      const items = text === '' ? [] : text.split(',').map(Number);
      if (items.length < minLength || items.length > maxLength) return undefined;
      if (items.some((n) => !Number.isInteger(n) || n < min || n > max)) return undefined;
      return items;
    },
    format: (v) => v.join(','),
  };
}
