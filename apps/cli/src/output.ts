import { writeTo } from './pipe.js';

/** Where the CLI writes: lines for people, the machine-readable result, and streams for progress bars. */
export interface Output {
  /** One line of normal output (stdout; stderr with `--json`). */
  line(text: string): void;
  /** The `--json` result line (stdout). Without it, `line` takes the result. */
  data?(text: string): void;
  /** One line of diagnostics (stderr). */
  error(text: string): void;
  /** The stream progress bars draw on. */
  progress: {
    write(chunk: string): unknown;
    isTTY?: boolean;
    columns?: number;
    hasColors?(count?: number): boolean;
  };
}

/**
 * Output to the process's stdout and stderr. With `json`, stdout carries only the result line (so that
 * `tensorfold train ... --json > run.json` or `| jq` read one JSON document) and everything for people
 * goes to stderr. A reader that goes away (`| head -1`) ends the output, not the command (see
 * {@link writeTo}).
 */
export function processOutput(json: boolean): Output {
  const forPeople = json ? process.stderr : process.stdout;
  return {
    line: (text) => writeTo(forPeople, `${text}\n`),
    data: (text) => writeTo(process.stdout, `${text}\n`),
    error: (text) => writeTo(process.stderr, `${text}\n`),
    progress: {
      write: (chunk: string) => writeTo(forPeople, chunk),
      isTTY: forPeople.isTTY,
      hasColors: (count?: number) => forPeople.hasColors?.(count) ?? false,
      get columns() {
        return forPeople.columns;
      },
    },
  };
}
