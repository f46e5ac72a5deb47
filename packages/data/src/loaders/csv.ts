/**
 * CSV (RFC 4180): quoted fields with embedded delimiters, quotes ("") and newlines, CRLF or LF line
 * ends, a header row, typed columns (declared or inferred) and missing values.
 */
import { DataError } from '@tensorfold/core';
import { type Column, type ColumnType, isNumber, Table } from './table.js';

/** Options of {@link parseCsv}. */
export interface CsvOptions {
  /** Name of the file, for error messages. Default `'CSV data'`. */
  source?: string;
  /** Field separator (one character). Default `','`; `'\t'` for TSV. */
  delimiter?: string;
  /** Whether the first row names the columns. Default `true`. */
  header?: boolean;
  /** Column names when there is no header (default `column0`, `column1`...), or to rename them. */
  columnNames?: readonly string[];
  /**
   * Declared column types; other columns are inferred: number if every present value is a decimal
   * number (quoted or not: `"4"` is 4), else boolean (`true`/`false`, any case), else string. Declare
   * `'string'` to keep codes such as `007` as text.
   */
  columnTypes?: Readonly<Record<string, ColumnType>>;
  /**
   * Field values that mean "missing". Default `['', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL', '?']`.
   * Unquoted, they are missing in every column; quoted (`""`), only in numeric columns (a quoted
   * value in a text column is that text).
   */
  missing?: readonly string[];
  /** Lines starting with this are skipped (e.g. `'#'`). Default: none. */
  comment?: string;
  /** Remove spaces around unquoted fields. Default `true`. */
  trim?: boolean;
}

const DEFAULT_MISSING = ['', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL', '?'];

/**
 * Parses CSV text into a {@link Table}.
 *
 * @throws DataError naming the source and line: an unterminated quote, text after a closing quote, a
 *   row with the wrong number of fields, or a value that does not fit a declared column type.
 * @example
 * const table = parseCsv('x,y\n1,2\n3,"4"\n');
 * const xy = table.toTensor(['x', 'y']); // [[1, 2], [3, 4]]
 */
export function parseCsv(text: string, options: CsvOptions = {}): Table {
  const source = options.source ?? 'CSV data';
  const delimiter = options.delimiter ?? ',';
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n')
    throw new DataError(
      `The CSV delimiter must be one character other than a quote or newline, got ${JSON.stringify(delimiter)}.`,
    );
  const records = splitRecords(
    text.charCodeAt(0) === 0xfeff ? text.slice(1) : text,
    delimiter,
    options.trim ?? true,
    options.comment,
    source,
  );
  const header = options.header ?? true;
  if (records.length === 0 || (header && records.length === 0))
    throw new DataError(
      `${source} is empty; a CSV file needs ${header ? 'a header row' : 'at least one row'}.`,
    );
  const width = records[0].fields.length;
  let names: string[];
  let body = records;
  if (header) {
    names = records[0].fields.map((f) => f.value);
    body = records.slice(1);
  } else {
    names = Array.from({ length: width }, (_, i) => `column${i}`);
  }
  if (options.columnNames) {
    if (options.columnNames.length !== width)
      throw new DataError(
        `${source} has ${width} columns but ${options.columnNames.length} columnNames were given.`,
      );
    names = [...options.columnNames];
  }
  const seen = new Set<string>();
  names.forEach((n, i) => {
    if (seen.has(n))
      throw new DataError(
        `${source} has two columns named "${n}" (column ${i + 1}); rename one or pass columnNames.`,
      );
    seen.add(n);
  });
  for (const r of body) {
    if (r.fields.length !== width) {
      throw new DataError(
        `${source} line ${r.line} has ${r.fields.length} fields but the ${header ? 'header has' : 'first row has'} ${width}; check for an unquoted delimiter.`,
      );
    }
  }
  for (const n of Object.keys(options.columnTypes ?? {})) {
    if (!seen.has(n))
      throw new DataError(
        `columnTypes names "${n}", which is not a column of ${source} (columns: ${names.join(', ')}).`,
      );
  }
  const missing = new Set(options.missing ?? DEFAULT_MISSING);
  const columns = new Map<string, Column>();
  names.forEach((name, j) => {
    const cells = body.map((r) => r.fields[j]);
    columns.set(name, toColumn(cells, options.columnTypes?.[name], missing, name, body, source));
  });
  return new Table(
    columns,
    source,
    Int32Array.from(body, (r) => r.line),
  );
}

interface Field {
  value: string;
  quoted: boolean;
}

interface CsvRecord {
  fields: Field[];
  /** 1-based line where the record starts. */
  line: number;
}

function splitRecords(
  text: string,
  delimiter: string,
  trim: boolean,
  comment: string | undefined,
  source: string,
): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: Field[] = [];
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const n = text.length;
  const atLineStart = () => fields.length === 0;
  while (i <= n) {
    if (atLineStart() && comment && text.startsWith(comment, i)) {
      while (i < n && text[i] !== '\n') i++;
      i++;
      line++;
      recordLine = line;
      continue;
    }
    // one field
    let value = '';
    let quoted = false;
    let j = i;
    while (j < n && trim && (text[j] === ' ' || text[j] === '\t') && text[j] !== delimiter) j++;
    if (text[j] === '"') {
      quoted = true;
      const startLine = line;
      j++;
      // Find each quote with indexOf and take the text between as slices: one slice per doubled
      // quote, joined once, so a long field costs linear memory (adding it one character at a time
      // built a rope of one node per character: 418 MB of heap for a 12 MB field).
      const parts: string[] = [];
      for (;;) {
        const close = text.indexOf('"', j);
        if (close < 0)
          throw new DataError(
            `${source} line ${startLine}: a quoted field is never closed; add the closing quote (write "" for a quote inside a field).`,
          );
        const part = text.slice(j, close);
        line += countNewlines(part);
        parts.push(part);
        if (text[close + 1] === '"') {
          parts.push('"');
          j = close + 2;
          continue;
        }
        j = close + 1;
        break;
      }
      value = parts.length === 1 ? parts[0] : parts.join('');
      while (j < n && (text[j] === ' ' || text[j] === '\t') && text[j] !== delimiter) j++;
      if (j < n && text[j] !== delimiter && text[j] !== '\n' && text[j] !== '\r') {
        throw new DataError(
          `${source} line ${line}: text after a closing quote (${JSON.stringify(text.slice(j, j + 10))}); quote the whole field.`,
        );
      }
    } else {
      let k = i;
      while (k < n && text[k] !== delimiter && text[k] !== '\n' && text[k] !== '\r') k++;
      value = text.slice(i, k);
      if (trim) value = value.trim();
      if (value.includes('"'))
        throw new DataError(
          `${source} line ${line}: a quote inside an unquoted field (${JSON.stringify(value)}); quote the field and double the quote.`,
        );
      j = k;
    }
    fields.push({ value, quoted });
    if (j < n && text[j] === delimiter) {
      i = j + 1;
      continue;
    }
    // end of record
    if (text[j] === '\r') j++;
    if (text[j] === '\n') j++;
    const blank = fields.length === 1 && !fields[0].quoted && fields[0].value === '';
    if (!blank) records.push({ fields, line: recordLine });
    fields = [];
    line++;
    recordLine = line;
    if (j >= n) break;
    i = j;
  }
  return records;
}

/** The number of `\n` in `text`. */
function countNewlines(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) count++;
  return count;
}

function toColumn(
  cells: Field[],
  declared: ColumnType | undefined,
  missing: Set<string>,
  name: string,
  rows: CsvRecord[],
  source: string,
): Column {
  const isMissing = (f: Field) => !f.quoted && missing.has(f.value);
  const present = cells.filter((f) => !isMissing(f));
  // Where a number is expected, a quoted marker ("" or "NA" from quote-everything writers) is missing too.
  const isNumberOrMarker = (f: Field) => isNumber(f.value) || missing.has(f.value);
  const type =
    declared ??
    (present.some((f) => isNumber(f.value)) && present.every(isNumberOrMarker)
      ? 'number'
      : present.length > 0 && present.every((f) => isBoolean(f.value))
        ? 'boolean'
        : present.length === 0
          ? 'number'
          : 'string');
  if (type === 'number') {
    const out = new Float64Array(cells.length);
    cells.forEach((f, i) => {
      if (missing.has(f.value)) out[i] = Number.NaN;
      else if (isNumber(f.value)) out[i] = Number(f.value);
      else
        throw new DataError(
          `${source} line ${rows[i].line}: column "${name}" is numeric but holds ${JSON.stringify(f.value)}; fix the value or list it in missing.`,
        );
    });
    return out;
  }
  if (type === 'boolean') {
    return cells.map((f, i) => {
      if (isMissing(f)) return null;
      if (!isBoolean(f.value))
        throw new DataError(
          `${source} line ${rows[i].line}: column "${name}" is boolean but holds ${JSON.stringify(f.value)}.`,
        );
      return f.value.toLowerCase() === 'true';
    });
  }
  return cells.map((f) => (isMissing(f) ? null : f.value));
}

function isBoolean(s: string): boolean {
  const l = s.toLowerCase();
  return l === 'true' || l === 'false';
}
