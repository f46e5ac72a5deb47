#!/usr/bin/env node
/**
 * The `tensorfold` executable. Exit codes: 0 success, 1 a failure while running (bad data, a training
 * error, a backend that cannot start), 2 a usage error (unknown command, bad flag or value), 130 a run
 * stopped by Ctrl-C before training began.
 */
// First: relaxed SIMD on (Node 20) before any WebAssembly module compiles.
import './enable-relaxed-simd.js';
import { CommanderError } from 'commander';
import { writeTo } from './pipe.js';
import { buildProgram } from './program.js';

/** Errors tensorfold throws on purpose (checked by name so that `--help` need not load the engine). */
function isTensorfoldError(error: Error): boolean {
  let proto = Object.getPrototypeOf(error);
  while (proto && proto !== Error.prototype) {
    if (proto.constructor?.name === 'TensorfoldError') return true;
    proto = Object.getPrototypeOf(proto);
  }
  return false;
}

/**
 * `argv` without a `--` in front of the command: `pnpm tensorfold -- train mlp --epochs 2` (npm's habit)
 * passes the `--` on, and commander would read every flag after it as an extra argument. Before the
 * command a `--` means nothing else.
 */
function withoutLeadingDashes(argv: string[]): string[] {
  return argv[2] === '--' ? [...argv.slice(0, 2), ...argv.slice(3)] : argv;
}

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(withoutLeadingDashes(argv));
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version requests end here too, with exit code 0 and the text already printed.
      if (
        error.exitCode === 0 ||
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version'
      )
        return 0;
      writeTo(process.stderr, "Run 'tensorfold --help' or 'tensorfold <command> --help' for the options.\n");
      return 2;
    }
    if (error instanceof Error && isTensorfoldError(error)) {
      writeTo(process.stderr, `error: ${error.message}\n`);
      return error.name === 'InterruptedError' ? 130 : 1;
    }
    throw error;
  }
}

/**
 * What an error tensorfold did not throw on purpose prints: the first line of its message (some
 * libraries append stack frames to the message itself) and what to do, not a stack trace (set
 * `TENSORFOLD_DEBUG=1` for that).
 */
function unexpected(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const message = text.split('\n', 1)[0].trimEnd();
  if (process.env.TENSORFOLD_DEBUG && error instanceof Error && error.stack) return `${error.stack}\n`;
  return `error: ${message}\nThis is a bug in tensorfold, not in your command: please report it with the command you ran. Run it again with TENSORFOLD_DEBUG=1 to print where it happened.\n`;
}

main(process.argv).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(unexpected(error));
    process.exit(1);
  },
);
