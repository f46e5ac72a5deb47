import { ConfigError } from '../errors.js';
import { create, isRegistered } from '../registry.js';
import { type Callback, EpochLogger } from './callbacks.js';

/**
 * How much `fit` prints, as in Keras: `0` nothing, `1` a progress bar, `2` one line per epoch, and
 * `'auto'` (the default) a progress bar in a Node terminal and nothing elsewhere (a browser, or
 * output piped to a file or another program).
 */
export type Verbosity = 'auto' | 0 | 1 | 2;

/** Where `fit` would write: `process.stdout` in Node, nothing in a browser. */
export interface OutputTarget {
  /** Whether the output is a terminal (Node's `process.stdout.isTTY`). */
  isTTY?: boolean;
}

/** Node's `process.stdout`, or `null` where there is no process (a browser, a web worker). */
export function defaultOutput(): OutputTarget | null {
  const proc = (globalThis as { process?: { stdout?: OutputTarget & { write?: unknown } } }).process;
  return proc?.stdout && typeof proc.stdout.write === 'function' ? proc.stdout : null;
}

/**
 * The verbosity `fit` uses: `'auto'` becomes 1 when `output` is a terminal and 0 otherwise.
 * @throws ConfigError for anything but `'auto'`, 0, 1 or 2.
 */
export function resolveVerbosity(
  verbose: Verbosity | undefined,
  output: OutputTarget | null = defaultOutput(),
): 0 | 1 | 2 {
  const value = verbose ?? 'auto';
  if (value === 'auto') return output?.isTTY === true ? 1 : 0;
  if (value === 0 || value === 1 || value === 2) return value;
  throw new ConfigError(`verbose must be 'auto', 0, 1 or 2, got ${JSON.stringify(value)}.`);
}

/**
 * The callback that prints `fit`'s progress at `verbose`, or `null` for 0 or when the caller passed
 * its own display (a progress bar or an epoch logger) in `callbacks`. Level 1 draws the `ProgressBar`
 * that `@tensorfold/optim` registers; before that package is imported it prints one line per epoch,
 * as level 2 does.
 */
export function progressCallback(verbose: 0 | 1 | 2, callbacks: readonly Callback[]): Callback | null {
  if (verbose === 0 || callbacks.some(isProgressDisplay)) return null;
  if (verbose === 1 && isRegistered('callback', 'ProgressBar'))
    return create<Callback>('callback', 'ProgressBar');
  return new EpochLogger();
}

/** Whether a callback prints training progress itself (so `fit` adds no second display). */
function isProgressDisplay(callback: Callback): boolean {
  if (callback instanceof EpochLogger) return true;
  if (!isRegistered('callback', 'ProgressBar')) return false;
  const bar = create<Callback>('callback', 'ProgressBar');
  return callback instanceof (bar.constructor as abstract new (...args: never[]) => Callback);
}
