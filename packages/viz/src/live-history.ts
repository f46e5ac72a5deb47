import { Callback, ConfigError, type Logs } from '@tensorfold/core';
import { history } from './charts/history.js';
import { supportsColor, type TerminalLike } from './terminal/ansi.js';
import { terminalLineChart } from './terminal/line-chart.js';

/** Where {@link liveHistory} draws: anything with `innerHTML` (a DOM element). */
export interface ElementLike {
  innerHTML: string;
}

/** Options of {@link liveHistory}. */
export interface LiveHistoryOptions {
  /**
   * `terminal` (Unicode chart on `stream`, redrawn in place on a TTY, printed once at the end
   * otherwise), or an element whose `innerHTML` gets the SVG chart. Default `terminal`.
   */
  target?: 'terminal' | ElementLike;
  /** Metrics to draw (each with its `val_` twin). Default `['loss']`. */
  metrics?: string[];
  /** Redraw after every `epoch` or every `batch` (x then counts steps). Default `epoch`. */
  every?: 'epoch' | 'batch';
  /** The terminal stream. Default `process.stdout`. */
  stream?: TerminalLike & { write(text: string): unknown };
  /** Colour in the terminal. Default: whether `stream` supports it. */
  color?: boolean;
  /** Terminal chart width in characters. Default 60. */
  width?: number;
  /** Terminal chart height in lines. Default 10. */
  height?: number;
}

/**
 * A callback that redraws learning curves while `fit` runs: in the terminal (a Unicode chart redrawn
 * in place) or in a browser element (the SVG of `history`). Give `fit` `verbose: 0` when drawing in the
 * terminal, so progress lines do not interleave with the chart.
 */
export class LiveHistory extends Callback {
  /** Every value logged so far, one entry per epoch (or step). */
  readonly record: Record<string, number[]> = {};
  /** Times the chart was drawn. */
  draws = 0;
  private linesDrawn = 0;
  private readonly options: LiveHistoryOptions;

  constructor(options: LiveHistoryOptions = {}) {
    super();
    if (options.every !== undefined && options.every !== 'epoch' && options.every !== 'batch')
      throw new ConfigError(`every must be "epoch" or "batch", got "${options.every}".`);
    this.options = options;
  }

  private get stream() {
    const s =
      this.options.stream ??
      (globalThis as { process?: { stdout?: LiveHistoryOptions['stream'] } }).process?.stdout;
    if (!s)
      throw new ConfigError(
        'No terminal here (no process.stdout): give liveHistory a target element or a stream.',
      );
    return s;
  }

  private push(logs: Logs, prefix: (k: string) => boolean): void {
    const n = Math.max(0, ...Object.values(this.record).map((v) => v.length));
    for (const [k, v] of Object.entries(logs)) {
      if (!prefix(k)) continue;
      this.record[k] ??= new Array(n).fill(Number.NaN);
      this.record[k].push(v);
    }
    for (const v of Object.values(this.record)) while (v.length < n + 1) v.push(Number.NaN);
  }

  override onTrainBegin(): void {
    for (const k of Object.keys(this.record)) delete this.record[k];
    this.linesDrawn = 0;
  }

  override onBatchEnd(_batch: number, logs: Logs = {}): void {
    if (this.options.every !== 'batch') return;
    this.push(logs, (k) => !k.startsWith('val_') && k !== 'batch' && k !== 'size');
    this.draw(false);
  }

  override onEpochEnd(_epoch: number, logs: Logs = {}): void {
    if (this.options.every === 'batch') return;
    this.push(logs, () => true);
    this.draw(false);
  }

  override onTrainEnd(): void {
    const tty =
      this.options.target === undefined || this.options.target === 'terminal' ? this.stream.isTTY : true;
    if (!tty) this.draw(true);
  }

  private metrics(): string[] {
    const wanted = this.options.metrics ?? ['loss'];
    return wanted.filter((m) => m in this.record || `val_${m}` in this.record);
  }

  /** Draws now; on a terminal that is not a TTY only when `final` (no redraw there). */
  draw(final: boolean): void {
    const metrics = this.metrics();
    if (metrics.length === 0) return;
    const target = this.options.target ?? 'terminal';
    const x = this.record[Object.keys(this.record)[0]].map((_, i) => i);
    if (target !== 'terminal') {
      target.innerHTML = history(
        { history: this.record, epoch: x },
        { metrics, xLabel: this.options.every === 'batch' ? 'step' : 'epoch' },
      ).svg;
      this.draws++;
      return;
    }
    const stream = this.stream;
    if (!stream.isTTY && !final) return;
    const color = this.options.color ?? supportsColor(stream);
    const charts = metrics.map((m) =>
      terminalLineChart(
        [m, `val_${m}`]
          .filter((k) => k in this.record)
          .map((k) => ({ name: k, x: x.map((i) => i + 1), y: this.record[k] })),
        {
          title: `${m} by ${this.options.every === 'batch' ? 'step' : 'epoch'}`,
          width: this.options.width ?? 60,
          height: this.options.height ?? 10,
          color,
        },
      ),
    );
    const text = `${charts.join('\n')}\n`;
    // Move up over the previous drawing and clear it, then draw again.
    const clear = stream.isTTY && this.linesDrawn > 0 ? `\x1b[${this.linesDrawn}F\x1b[J` : '';
    stream.write(clear + text);
    this.linesDrawn = text.split('\n').length - 1;
    this.draws++;
  }
}

/** A {@link LiveHistory} callback: `model.fit(x, y, { callbacks: [liveHistory()], verbose: 0 })`. */
export function liveHistory(options: LiveHistoryOptions = {}): LiveHistory {
  return new LiveHistory(options);
}
