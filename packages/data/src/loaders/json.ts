/**
 * JSON data: parsing with errors that name the file, and arrays of records as tables.
 */
import { DataError } from '@tensorfold/core';
import { isPlainObject } from '../dataset/element.js';
import { type Column, Table } from './table.js';

/**
 * Parses JSON text.
 * @throws DataError naming `source` and the parser's complaint when the text is not valid JSON.
 */
export function parseJson(text: string, source = 'JSON data'): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    throw new DataError(`${source} is not valid JSON: ${(error as Error).message}.`, { cause: error });
  }
}

/**
 * An array of flat records (`[{"x": 1, "label": "a"}, ...]`) as a {@link Table}. Columns are the
 * union of the keys; a missing key or `null` is a missing value. A column holds numbers, strings or
 * booleans, not a mix.
 *
 * @throws DataError naming `source` when the data is not an array of objects, a value is nested, or
 *   a column mixes types.
 */
export function tableFromRecords(records: unknown, source = 'JSON data'): Table {
  if (!Array.isArray(records))
    throw new DataError(
      `${source} is ${records === null ? 'null' : typeof records}, not an array of records ([{...}, ...]).`,
    );
  const names: string[] = [];
  const known = new Set<string>();
  records.forEach((r, i) => {
    if (!isPlainObject(r))
      throw new DataError(
        `${source}: record ${i} is not an object; every element must be {"column": value, ...}.`,
      );
    for (const k of Object.keys(r)) {
      if (!known.has(k)) {
        known.add(k);
        names.push(k);
      }
    }
  });
  const columns = new Map<string, Column>();
  type JsonColumnType = 'number' | 'string' | 'boolean';
  for (const name of names) {
    let type: JsonColumnType | null = null;
    for (const [i, r] of records.entries()) {
      const v = (r as Record<string, unknown>)[name];
      if (v === null || v === undefined) continue;
      const t = typeof v;
      if (t !== 'number' && t !== 'string' && t !== 'boolean') {
        throw new DataError(
          `${source}: record ${i} has a nested ${Array.isArray(v) ? 'array' : t} in "${name}"; flatten the records first.`,
        );
      }
      if (type === null) type = t as JsonColumnType;
      else if (type !== t)
        throw new DataError(
          `${source}: column "${name}" mixes ${type} and ${t} values (record ${i}); make them one type.`,
        );
    }
    const values = records.map((r) => (r as Record<string, unknown>)[name]);
    if (type === 'string')
      columns.set(
        name,
        values.map((v) => (v == null ? null : (v as string))),
      );
    else if (type === 'boolean')
      columns.set(
        name,
        values.map((v) => (v == null ? null : (v as boolean))),
      );
    else
      columns.set(
        name,
        Float64Array.from(values, (v) => (v == null ? Number.NaN : (v as number))),
      );
  }
  return new Table(columns, source);
}
