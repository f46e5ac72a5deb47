import { writeTo } from './pipe.js';

/** Where the CLI writes: lines for people, and streams for progress bars. */
export interface Output {
  /** One line of normal output (stdout). */
  line(text: string): void;
  /** One line of diagnostics (stderr). */
  error(text: string): void;
  /** The stream progress bars draw on. */
  progress: { write(chunk: string): unknown; isTTY?: boolean; columns?: number };
}

/**
 * Output to the process's stdout and stderr. A reader that goes away (`| head -1`) ends the output, not
 * the command (see {@link writeTo}).
 */
export function processOutput(json: boolean): Output {
  // With --json, stdout carries only the final JSON line; progress goes to stderr.
  const progress = json ? process.stderr : process.stdout;
  return {
    line: (text) => writeTo(process.stdout, `${text}\n`),
    error: (text) => writeTo(process.stderr, `${text}\n`),
    progress: {
      write: (chunk: string) => writeTo(progress, chunk),
      isTTY: progress.isTTY,
      get columns() {
        return progress.columns;
      },
    },
  };
}
