/**
 * A column-oriented table of typed columns: what the CSV and JSON loaders return.
 */

import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, DataError } from '@tensorfold/core';

/** Type of a table column. */
export type ColumnType = 'number' | 'string' | 'boolean';

/** One column's values: numbers (NaN where missing), strings or booleans (null where missing). */
export type Column = Float64Array | Array<string | null> | Array<boolean | null>;

/** A column of category names turned into class ids. */
export interface Categories {
  /** Class id of each row (`-1` where the value is missing). */
  ids: Int32Array;
  /** Name of each class id, in order of first appearance (or as given). */
  names: string[];
}

/**
 * Rows and typed columns, read from CSV or JSON. Missing numbers are NaN, missing strings and
 * booleans are null: fill them (see `fillMissing`) before training.
 */
export class Table {
  /** Column names, in file order. */
  readonly columnNames: readonly string[];
  /** Number of rows. */
  readonly rowCount: number;
  private readonly columns: ReadonlyMap<string, Column>;
  private readonly source: string;
  private readonly rowLines: Int32Array | undefined;

  /**
   * @param columns Columns by name, in order; all of the same length.
   * @param source What the table was read from, for error messages. Default `'the table'`.
   * @param rowLines The 1-based line of the source where each row starts (CSV), so that errors name
   *   the line of a bad cell. Default: errors name the 0-based row instead.
   */
  constructor(columns: ReadonlyMap<string, Column>, source = 'the table', rowLines?: Int32Array) {
    const lengths = new Set([...columns.values()].map((c) => c.length));
    if (lengths.size > 1)
      throw new DataError(`${source}: columns have different lengths (${[...lengths].join(', ')}).`);
    this.columns = columns;
    this.columnNames = [...columns.keys()];
    this.rowCount = lengths.size === 0 ? 0 : [...lengths][0];
    if (rowLines && rowLines.length !== this.rowCount)
      throw new DataError(`${source}: ${rowLines.length} row lines for ${this.rowCount} rows.`);
    this.source = source;
    this.rowLines = rowLines;
  }

  /** Where row `i` is: its line in the source when known, else its row number. */
  private where(i: number): string {
    return this.rowLines ? `line ${this.rowLines[i]} (row ${i})` : `row ${i}`;
  }

  /** The type of a column. */
  typeOf(name: string): ColumnType {
    const c = this.column(name);
    if (c instanceof Float64Array) return 'number';
    return c.some((v) => typeof v === 'boolean') || (c.length > 0 && c.every((v) => v === null))
      ? 'boolean'
      : 'string';
  }

  /** A column's values. @throws DataError when there is no such column. */
  column(name: string): Column {
    const c = this.columns.get(name);
    if (!c)
      throw new DataError(
        `${this.source} has no column "${name}"; its columns are ${this.columnNames.join(', ')}.`,
      );
    return c;
  }

  /**
   * A numeric column (booleans as 0/1).
   * @throws DataError for a string column, naming its first cell that is not a number and where it is.
   */
  numbers(name: string): Float64Array {
    const c = this.column(name);
    if (c instanceof Float64Array) return c;
    if (this.typeOf(name) === 'boolean')
      return Float64Array.from(c as Array<boolean | null>, (v) => (v === null ? Number.NaN : v ? 1 : 0));
    const values = c as Array<string | null>;
    const bad = values.findIndex((v) => v !== null && !isNumber(v));
    const numeric = values.filter((v) => v !== null && isNumber(v)).length;
    const cell = JSON.stringify(values[bad]);
    throw new DataError(
      numeric > 0
        ? `Column "${name}" of ${this.source} holds ${cell} at ${this.where(bad)}, which is not a number, while ${numeric} other values are numbers; fix that cell, list ${cell} in the loader's missing values, or use categories("${name}") if the column is meant to be text.`
        : `Column "${name}" of ${this.source} holds text (${cell} at ${this.where(bad)}), not numbers; use categories("${name}") or declare its type.`,
    );
  }

  /** A column as strings (numbers formatted), null where missing. */
  strings(name: string): Array<string | null> {
    const c = this.column(name);
    if (c instanceof Float64Array) return Array.from(c, (v) => (Number.isNaN(v) ? null : String(v)));
    return (c as Array<string | boolean | null>).map((v) => (v === null ? null : String(v)));
  }

  /**
   * A column of categories as class ids, e.g. Iris species or weather kinds.
   * @param names The class names in id order. Default: in order of first appearance.
   * @throws DataError when a value is not among `names`.
   */
  categories(name: string, names?: readonly string[]): Categories {
    const values = this.strings(name);
    const order = names ? [...names] : [];
    const index = new Map(order.map((n, i) => [n, i]));
    const ids = new Int32Array(values.length);
    values.forEach((v, i) => {
      if (v === null) {
        ids[i] = -1;
        return;
      }
      let id = index.get(v);
      if (id === undefined) {
        if (names)
          throw new DataError(
            `Row ${i} of ${this.source} has "${v}" in column "${name}", which is not one of ${names.join(', ')}.`,
          );
        id = order.length;
        order.push(v);
        index.set(v, id);
      }
      ids[i] = id;
    });
    return { ids, names: order };
  }

  /** A table of some of the columns. */
  select(names: readonly string[]): Table {
    return new Table(new Map(names.map((n) => [n, this.column(n)])), this.source, this.rowLines);
  }

  /** The first `count` rows (all of them when there are fewer). @throws ConfigError unless `count` is an integer >= 0. */
  head(count: number): Table {
    if (!(Number.isInteger(count) && count >= 0))
      throw new ConfigError(`head(count) needs an integer >= 0, got ${count}.`);
    return new Table(
      new Map(this.columnNames.map((n) => [n, this.column(n).slice(0, count) as Column])),
      this.source,
      this.rowLines?.slice(0, count),
    );
  }

  /** Rows as objects (for display and small tables). */
  rows(): Array<Record<string, number | string | boolean | null>> {
    return Array.from({ length: this.rowCount }, (_, i) =>
      Object.fromEntries(
        this.columnNames.map((n) => [n, (this.column(n) as ArrayLike<number | string | boolean | null>)[i]]),
      ),
    );
  }

  /**
   * Numeric columns as a float32 `[rows, columns]` tensor (missing values are NaN).
   * @param names Columns to use, in this order. Default: every numeric or boolean column.
   */
  toTensor(names?: readonly string[]): tf.Tensor2D {
    const use = names ?? this.columnNames.filter((n) => this.typeOf(n) !== 'string');
    const columns = use.map((n) => this.numbers(n));
    const out = new Float32Array(this.rowCount * use.length);
    for (let j = 0; j < use.length; j++) {
      const c = columns[j];
      for (let i = 0; i < this.rowCount; i++) out[i * use.length + j] = c[i];
    }
    return tf.tensor2d(out, [this.rowCount, use.length]);
  }
}

/** A decimal number such as `-1.5e3` or `.5` (no hex, octal or binary literals; overflow gives Infinity). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** Whether `s` (spaces around it ignored) is a decimal number as the CSV reader accepts it. */
export function isNumber(s: string): boolean {
  return DECIMAL.test(s.trim());
}
