/**
 * The files of TensorBoard's embedding projector (tensorboard/plugins/projector): `projector_config.pbtxt`
 * (a `ProjectorConfig` message in protocol-buffer text format, beside a run's event files), and per
 * embedding a `tensors.tsv` (one row of tab-separated floats per point) and a `metadata.tsv` (one label
 * per line; with several columns, a header line first). Paths in the config are relative to its folder.
 */
import { DataError } from '@tensorfold/core';

/** The config's file name, as TensorBoard looks for it. */
export const PROJECTOR_CONFIG = 'projector_config.pbtxt';

/** One `EmbeddingInfo` of a `ProjectorConfig`: the fields this package writes and reads. */
export interface ProjectorEmbedding {
  /** `tensor_name`: this package writes `<layer>/step-<step>`. */
  tensorName: string;
  /** `tensor_path`: the TSV of the vectors, relative to the config's folder. */
  tensorPath: string;
  /** `metadata_path`: the labels' TSV, relative to the config's folder. */
  metadataPath?: string;
  /** `tensor_shape`: `[points, dimensions]`. */
  tensorShape?: number[];
}

/** A string in text format: double quotes, with backslash, quote and control characters escaped. */
function quote(s: string): string {
  return `"${s.replace(/[\\"\n\r\t]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c] as string)}"`;
}

/** The `ProjectorConfig` text of `embeddings` (one `embeddings { ... }` block each). */
export function formatProjectorConfig(embeddings: readonly ProjectorEmbedding[]): string {
  return embeddings
    .map((e) => {
      const lines = [`  tensor_name: ${quote(e.tensorName)}`, `  tensor_path: ${quote(e.tensorPath)}`];
      if (e.metadataPath !== undefined) lines.push(`  metadata_path: ${quote(e.metadataPath)}`);
      for (const size of e.tensorShape ?? []) lines.push(`  tensor_shape: ${size}`);
      return `embeddings {\n${lines.join('\n')}\n}\n`;
    })
    .join('');
}

type TextValue = string | number | TextMessage;
interface TextMessage {
  [field: string]: TextValue[];
}

/**
 * Reads a `ProjectorConfig` in protocol-buffer text format (fields `name: value` or `name { ... }`, an
 * optional colon before a brace, `#` comments, single- or double-quoted strings with C escapes) and
 * returns its `embeddings`. Fields it does not use (sprites, bookmarks) are skipped.
 *
 * @throws DataError naming the position of a syntax error.
 */
export function parseProjectorConfig(text: string): ProjectorEmbedding[] {
  const root = parseMessage(text);
  return (root.embeddings ?? []).flatMap((value) => {
    if (typeof value !== 'object') return [];
    const str = (field: string) => {
      const v = value[field]?.at(-1);
      return typeof v === 'string' ? v : undefined;
    };
    const shape = (value.tensor_shape ?? []).filter((v): v is number => typeof v === 'number');
    const tensorPath = str('tensor_path');
    if (tensorPath === undefined) return []; // a checkpoint's tensor: not read here
    return [
      {
        tensorName: str('tensor_name') ?? tensorPath,
        tensorPath,
        ...(str('metadata_path') !== undefined ? { metadataPath: str('metadata_path') } : {}),
        ...(shape.length > 0 ? { tensorShape: shape } : {}),
      },
    ];
  });
}

function parseMessage(text: string): TextMessage {
  let i = 0;
  const fail = (what: string): never => {
    throw new DataError(
      `projector_config.pbtxt: ${what} at character ${i}; the file is not a ProjectorConfig.`,
    );
  };
  const skip = () => {
    for (;;) {
      while (i < text.length && /\s/.test(text[i])) i++;
      if (text[i] !== '#') return;
      while (i < text.length && text[i] !== '\n') i++;
    }
  };
  const string = (): string => {
    const q = text[i++];
    let out = '';
    while (i < text.length && text[i] !== q) {
      let c = text[i++];
      if (c === '\\') {
        const e = text[i++];
        c = ({ n: '\n', r: '\r', t: '\t', '\\': '\\', '"': '"', "'": "'" } as Record<string, string>)[e] ?? e;
      }
      out += c;
    }
    if (text[i] !== q) fail('an unterminated string');
    i++;
    return out;
  };
  const message = (closing: string | null): TextMessage => {
    const msg: TextMessage = {};
    for (;;) {
      skip();
      if (i >= text.length) {
        if (closing) fail(`a missing "${closing}"`);
        return msg;
      }
      if (text[i] === closing) {
        i++;
        return msg;
      }
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))?.[0] ?? fail('a field name expected');
      i += name.length;
      skip();
      if (text[i] === ':') {
        i++;
        skip();
      }
      let value: TextValue;
      if (text[i] === '{' || text[i] === '<') {
        const close = text[i] === '{' ? '}' : '>';
        i++;
        value = message(close);
      } else if (text[i] === '"' || text[i] === "'") {
        value = string();
        skip();
        while (text[i] === '"' || text[i] === "'") value += string(); // adjacent strings concatenate
      } else {
        const token = /^[^\s{}<>:#,;]+/.exec(text.slice(i))?.[0] ?? fail('a value expected');
        i += token.length;
        const n = Number(token);
        value = Number.isNaN(n) ? token : n;
      }
      skip();
      if (text[i] === ',' || text[i] === ';') i++;
      msg[name] ??= [];
      msg[name].push(value);
    }
  };
  return message(null);
}

/** Vectors `[n, d]` (row-major) as TSV: one line per point, 9 significant digits (exact for float32). */
export function formatTensorTsv(data: ArrayLike<number>, n: number, d: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const row: string[] = [];
    for (let j = 0; j < d; j++) row.push(String(Number(data[i * d + j].toPrecision(9))));
    lines.push(row.join('\t'));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The vectors of a tensors TSV, `[n, d]` row-major; blank lines are skipped, as TensorBoard does.
 * @throws DataError when rows differ in length or a value is not a number.
 */
export function parseTensorTsv(text: string): { data: Float32Array; n: number; d: number } {
  const rows = text
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l !== '');
  const d = rows.length > 0 ? rows[0].split('\t').length : 0;
  const data = new Float32Array(rows.length * d);
  rows.forEach((row, i) => {
    const cells = row.split('\t');
    if (cells.length !== d)
      throw new DataError(`tensors.tsv: row ${i + 1} has ${cells.length} values, the first row ${d}.`);
    cells.forEach((c, j) => {
      const v = Number(c);
      if (c.trim() === '' || (Number.isNaN(v) && c.trim().toLowerCase() !== 'nan'))
        throw new DataError(`tensors.tsv: "${c}" in row ${i + 1} is not a number.`);
      data[i * d + j] = v;
    });
  });
  return { data, n: rows.length, d };
}

/** Labels as a one-column metadata TSV (no header line, as TensorBoard expects for one column). */
export function formatMetadataTsv(labels: readonly string[]): string {
  return `${labels.map((l) => l.replace(/[\t\n\r]/g, ' ')).join('\n')}\n`;
}

/**
 * The columns of a metadata TSV: one column without a header (named `label`), or several under a header
 * line, as TensorBoard reads them.
 */
export function parseMetadataTsv(text: string): { columns: string[]; rows: string[][] } {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  if (lines.at(-1) === '') lines.pop();
  if (lines.length === 0) return { columns: ['label'], rows: [] };
  const first = lines[0].split('\t');
  if (first.length === 1) return { columns: ['label'], rows: lines.map((l) => [l]) };
  return { columns: first, rows: lines.slice(1).map((l) => l.split('\t')) };
}
