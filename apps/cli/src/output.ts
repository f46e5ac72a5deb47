/** Where the CLI writes: lines for people, and streams for progress bars. */
export interface Output {
  /** One line of normal output (stdout). */
  line(text: string): void;
  /** One line of diagnostics (stderr). */
  error(text: string): void;
  /** The stream progress bars draw on. */
  progress: { write(chunk: string): unknown; isTTY?: boolean; columns?: number };
}

/** Output to the process's stdout and stderr. */
export function processOutput(json: boolean): Output {
  return {
    line: (text) => process.stdout.write(`${text}\n`),
    error: (text) => process.stderr.write(`${text}\n`),
    // With --json, stdout carries only the final JSON line; progress goes to stderr.
    progress: json ? process.stderr : process.stdout,
  };
}
