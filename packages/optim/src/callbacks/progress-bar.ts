import { Callback, formatLogs, type Logs, register } from '@tensorfold/core';
import { checkInteger, checkNonNegative } from '../checks.js';
import { formatDuration, formatStepTime } from './format.js';

/** Where a progress bar writes: `process.stdout`, or anything with `write` (a test's collector). */
export interface ProgressStream {
  write(text: string): unknown;
  /** Whether it is a terminal; a terminal gets a bar redrawn in place. */
  isTTY?: boolean;
  /** Terminal width in characters, when known (redrawn lines are cut to fit). */
  columns?: number;
}

/** Options of {@link progressBar}. */
export interface ProgressBarArgs {
  /** Where to write. Default `process.stdout` in Node, `console.log` lines in a browser. */
  stream?: ProgressStream;
  /** Redraw one line in place (`true`) or print plain lines (`false`). Default: `stream.isTTY`. */
  tty?: boolean;
  /** Width of the bar in characters. Default 30. */
  width?: number;
  /** On a terminal, the least time between redraws, in seconds. Default 0.1. */
  refreshSeconds?: number;
  /** Without a terminal, the least time between progress lines, in seconds. Default 10. */
  lineSeconds?: number;
  /** Log keys to show during an epoch. Default: every key (`loss`, metrics, `regularization_loss`). */
  keys?: string[];
  /** Milliseconds since some origin. Default `performance.now`; tests pass a fake clock. */
  clock?: () => number;
}

/**
 * The terminal progress display of training: one bar per epoch with the step count, ETA, and the
 * running loss and metrics, ending in a summary line with the epoch's time, time per step and
 * validation values.
 *
 * On a terminal the bar is redrawn in place:
 * ```
 * Epoch 1/3  938/1875 [==============>...............] ETA 12s - loss: 0.3012 - acc: 0.9123
 * Epoch 1/3 1875/1875 [==============================] 25s 13ms/step - loss: 0.2012 - acc: 0.9423 - val_loss: 0.1100 - val_acc: 0.9660
 * ```
 * Elsewhere (a log file, CI) it prints a plain line every `lineSeconds` and one at the end of each epoch:
 * ```
 * Epoch 1/3 - 938/1875 (50%) - ETA 12s - loss: 0.3012 - acc: 0.9123
 * Epoch 1/3 - 1875/1875 - 25s 13ms/step - loss: 0.2012 - acc: 0.9423 - val_loss: 0.1100 - val_acc: 0.9660
 * ```
 *
 * @example
 * await model.fit(x, y, { epochs: 3, callbacks: [progressBar()] });
 */
export class ProgressBar extends Callback {
  readonly width: number;
  readonly refreshSeconds: number;
  readonly lineSeconds: number;
  private readonly stream: ProgressStream;
  private readonly tty: boolean;
  private readonly keys: string[] | null;
  private readonly clock: () => number;
  private epochStart = 0;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private lineOpen = false;
  private done = 0;
  private epoch = 0;

  constructor(args: ProgressBarArgs = {}) {
    super();
    this.stream = args.stream ?? defaultStream();
    this.tty = args.tty ?? this.stream.isTTY === true;
    this.width = checkInteger(args.width ?? 30, 'progressBar width', 1);
    this.refreshSeconds = checkNonNegative(args.refreshSeconds ?? 0.1, 'progressBar refreshSeconds');
    this.lineSeconds = checkNonNegative(args.lineSeconds ?? 10, 'progressBar lineSeconds');
    this.keys = args.keys ?? null;
    this.clock = args.clock ?? (() => performance.now());
  }

  override onEpochBegin(epoch: number): void {
    this.epoch = epoch;
    this.epochStart = this.clock();
    this.lastDraw = this.epochStart;
    this.done = 0;
    if (this.tty) this.draw(this.progressLine({}), false);
  }

  override onBatchEnd(batch: number, logs: Logs = {}): void {
    this.done = batch + 1;
    const now = this.clock();
    const interval = (this.tty ? this.refreshSeconds : this.lineSeconds) * 1000;
    const last = this.params.steps !== null && this.done >= this.params.steps;
    if (now - this.lastDraw < interval || last) return;
    this.lastDraw = now;
    this.draw(this.progressLine(logs), !this.tty);
  }

  override onEpochEnd(_epoch: number, logs: Logs = {}): void {
    this.draw(this.summaryLine(logs), true);
  }

  /** Ends a line left open by an interrupted epoch (call it when `fit` throws, before printing the error). */
  finish(): void {
    if (this.lineOpen) this.stream.write('\n');
    this.lineOpen = false;
  }

  private epochLabel(): string {
    return `Epoch ${this.epoch + 1}/${this.params.epochs}`;
  }

  private progressLine(logs: Logs): string {
    const steps = this.params.steps;
    const elapsed = (this.clock() - this.epochStart) / 1000;
    const count =
      steps === null ? `${this.done}/?` : `${String(this.done).padStart(String(steps).length)}/${steps}`;
    let timing: string;
    if (steps === null) timing = formatDuration(elapsed);
    else if (this.done === 0) timing = 'ETA ?';
    else timing = `ETA ${formatDuration((elapsed / this.done) * (steps - this.done))}`;
    const values = formatLogs(logs, this.shownKeys(logs));
    if (this.tty) {
      const bar = steps === null ? '' : ` ${this.bar(this.done / steps)}`;
      return `${this.epochLabel()} ${count}${bar} ${timing}${values ? ` - ${values}` : ''}`;
    }
    const percent = steps === null ? '' : ` (${Math.floor((100 * this.done) / steps)}%)`;
    return `${this.epochLabel()} - ${count}${percent} - ${timing}${values ? ` - ${values}` : ''}`;
  }

  private summaryLine(logs: Logs): string {
    const elapsed = (this.clock() - this.epochStart) / 1000;
    const steps = this.done;
    const count = `${steps}/${this.params.steps ?? steps}`;
    const timing = `${formatDuration(elapsed)} ${steps > 0 ? formatStepTime(elapsed / steps) : ''}`.trim();
    const values = formatLogs(
      logs,
      Object.keys(logs).filter((k) => k !== 'batch' && k !== 'size'),
    );
    const sep = this.tty ? ' ' : ' - ';
    const bar = this.tty && this.params.steps !== null ? ` ${this.bar(1)}` : '';
    return `${this.epochLabel()}${sep}${count}${bar}${sep}${timing}${values ? ` - ${values}` : ''}`;
  }

  private shownKeys(logs: Logs): string[] {
    const keys = this.keys ?? Object.keys(logs);
    return keys.filter((k) => k !== 'batch' && k !== 'size' && logs[k] !== undefined);
  }

  private bar(fraction: number): string {
    const filled = Math.min(this.width, Math.floor(fraction * this.width));
    if (filled >= this.width) return `[${'='.repeat(this.width)}]`;
    return `[${'='.repeat(filled)}>${'.'.repeat(this.width - filled - 1)}]`;
  }

  /** Writes `line`: on a terminal over the current line (cut to the width unless final). */
  private draw(line: string, endLine: boolean): void {
    if (!this.tty) {
      this.stream.write(`${line}\n`);
      return;
    }
    const columns = this.stream.columns;
    const shown = !endLine && columns && line.length >= columns ? line.slice(0, columns - 1) : line;
    this.stream.write(`\r${shown}\x1b[K${endLine ? '\n' : ''}`);
    this.lineOpen = !endLine;
  }
}

/** `process.stdout` in Node; in a browser, a stream that prints each finished line with `console.log`. */
function defaultStream(): ProgressStream {
  const proc = (globalThis as { process?: { stdout?: ProgressStream } }).process;
  if (proc?.stdout && typeof proc.stdout.write === 'function') return proc.stdout;
  let pending = '';
  return {
    isTTY: false,
    write(text: string) {
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) console.log(line);
    },
  };
}

/** A terminal progress bar for `fit` (see {@link ProgressBar}). */
export function progressBar(args: ProgressBarArgs = {}): ProgressBar {
  return new ProgressBar(args);
}

register('callback', 'ProgressBar', (c) => new ProgressBar(c as ProgressBarArgs));
