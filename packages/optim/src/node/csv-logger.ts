import { promises as fs } from 'node:fs';
import { Callback, ConfigError, type Logs } from '@tensorfold/core';
import { writeAtomically } from '@tensorfold/core/node';

/** Options of {@link csvLogger}. */
export interface CSVLoggerArgs {
  /** The CSV file to write. */
  filename: string;
  /** Column separator. Default `,`. */
  separator?: string;
  /** Add rows to an existing file instead of replacing it. Default `false`. */
  append?: boolean;
}

/**
 * Writes one row of epoch logs per epoch to a CSV file (Keras's `CSVLogger`): a header `epoch` plus
 * the log keys in alphabetical order (fixed by the first epoch; a later missing value is `NA`), and
 * the 0-based epoch index as Keras writes it. The file is rewritten atomically after every epoch, so
 * it is always complete and readable, even if training is killed. Node only.
 *
 * @example
 * callbacks: [csvLogger({ filename: 'runs/history.csv' })]
 */
export class CSVLogger extends Callback {
  readonly filename: string;
  readonly separator: string;
  readonly append: boolean;
  private keys: string[] | null = null;
  private content = '';

  constructor(args: CSVLoggerArgs) {
    super();
    if (typeof args?.filename !== 'string' || args.filename === '') {
      throw new ConfigError('csvLogger needs a filename, e.g. csvLogger({ filename: "history.csv" }).');
    }
    this.filename = args.filename;
    this.separator = args.separator ?? ',';
    if (this.separator.length === 0 || /["\n\r]/.test(this.separator)) {
      throw new ConfigError(
        `csvLogger separator must be a character other than a quote or newline, got ${JSON.stringify(this.separator)}.`,
      );
    }
    this.append = args.append ?? false;
  }

  override async onTrainBegin(): Promise<void> {
    this.keys = null;
    this.content = '';
    if (!this.append) return;
    try {
      this.content = await fs.readFile(this.filename, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (this.content && !this.content.endsWith('\n')) this.content += '\n';
    const header = this.content.split('\n', 1)[0];
    // Appending to a file that has a header: keep its columns.
    if (header)
      this.keys = header
        .split(this.separator)
        .slice(1)
        .map((k) => this.unquote(k));
  }

  override async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    if (this.keys === null) {
      this.keys = Object.keys(logs).sort();
      this.content += `${['epoch', ...this.keys].map((k) => this.quote(k)).join(this.separator)}\n`;
    }
    const row = [String(epoch), ...this.keys.map((k) => (logs[k] === undefined ? 'NA' : String(logs[k])))];
    this.content += `${row.join(this.separator)}\n`;
    await writeAtomically(this.filename, this.content);
  }

  private quote(text: string): string {
    return text.includes(this.separator) || text.includes('"') ? `"${text.replaceAll('"', '""')}"` : text;
  }

  private unquote(text: string): string {
    return text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1).replaceAll('""', '"') : text;
  }
}

/** Log epochs to a CSV file (see {@link CSVLogger}). */
export function csvLogger(args: CSVLoggerArgs): CSVLogger {
  return new CSVLogger(args);
}
