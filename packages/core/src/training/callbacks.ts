import type { Model } from '../engine/model.js';

/** Values logged during training: `loss`, metric names, `val_` versions, and anything a step returns. */
export type Logs = Record<string, number>;

/** What the training loop tells callbacks before it starts. */
export interface TrainingParams {
  epochs: number;
  initialEpoch: number;
  /** Batches per epoch, when known. */
  steps: number | null;
  /** Training samples per epoch, when known. */
  samples: number | null;
  batchSize: number | null;
  verbose: number;
  doValidation: boolean;
  /** Names of the values in epoch logs (`loss`, `acc`, `val_loss`, ...). */
  metrics: string[];
}

/**
 * A hook into training, evaluation and prediction, with Keras's methods. Override the ones you need;
 * each may return a promise, which the loop awaits. Set `this.model.stopTraining = true` to end
 * `fit` after the current batch.
 *
 * Epoch and batch numbers passed to the hooks are 0-based, as in Keras; messages for people should
 * say `epoch + 1`.
 */
export abstract class Callback {
  /** The model being trained (set by the loop before `onTrainBegin`). */
  model!: Model;
  params!: TrainingParams;

  setModel(model: Model): void {
    this.model = model;
  }

  setParams(params: TrainingParams): void {
    this.params = params;
  }

  onTrainBegin(_logs?: Logs): void | Promise<void> {}
  onTrainEnd(_logs?: Logs): void | Promise<void> {}
  onEpochBegin(_epoch: number, _logs?: Logs): void | Promise<void> {}
  onEpochEnd(_epoch: number, _logs?: Logs): void | Promise<void> {}
  onBatchBegin(_batch: number, _logs?: Logs): void | Promise<void> {}
  onBatchEnd(_batch: number, _logs?: Logs): void | Promise<void> {}
  onTestBegin(_logs?: Logs): void | Promise<void> {}
  onTestEnd(_logs?: Logs): void | Promise<void> {}
  onTestBatchBegin(_batch: number, _logs?: Logs): void | Promise<void> {}
  onTestBatchEnd(_batch: number, _logs?: Logs): void | Promise<void> {}
  onPredictBegin(_logs?: Logs): void | Promise<void> {}
  onPredictEnd(_logs?: Logs): void | Promise<void> {}
  onPredictBatchBegin(_batch: number, _logs?: Logs): void | Promise<void> {}
  onPredictBatchEnd(_batch: number, _logs?: Logs): void | Promise<void> {}
}

type HookName = Exclude<keyof Callback, 'model' | 'params' | 'setModel' | 'setParams'>;

/** Calls a list of callbacks in order, awaiting each. */
export class CallbackList {
  constructor(readonly callbacks: Callback[]) {}

  setModel(model: Model): void {
    for (const c of this.callbacks) c.setModel(model);
  }

  setParams(params: TrainingParams): void {
    for (const c of this.callbacks) c.setParams(params);
  }

  /** Whether any callback overrides `hook` (the loop skips work, such as reading metrics, for hooks no one handles). */
  listensTo(hook: HookName): boolean {
    return this.callbacks.some((c) => c[hook] !== Callback.prototype[hook]);
  }

  /** Calls `hook` on every callback, in order, awaiting each. */
  async call(hook: HookName, ...args: [number, Logs?] | [Logs?]): Promise<void> {
    for (const c of this.callbacks) {
      const fn = c[hook] as (...a: unknown[]) => void | Promise<void>;
      await fn.apply(c, args);
    }
  }
}

/**
 * Records the epoch logs of a `fit` run; `fit` returns it.
 *
 * @example
 * const history = await model.fit(x, y, { epochs: 3 });
 * history.history.loss; // [0.52, 0.31, 0.24]
 */
export class History extends Callback {
  /** The epochs that ran (0-based). */
  readonly epoch: number[] = [];
  /** Each logged value, one entry per epoch. */
  readonly history: Record<string, number[]> = {};

  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    this.epoch.push(epoch);
    for (const [key, value] of Object.entries(logs)) {
      this.history[key] ??= [];
      this.history[key].push(value);
    }
  }
}

/** Formats logs as Keras prints them: `loss: 0.2345 - acc: 0.9321`. */
export function formatLogs(logs: Logs, keys: string[] = Object.keys(logs)): string {
  return keys
    .filter((k) => logs[k] !== undefined)
    .map((k) => `${k}: ${formatNumber(logs[k])}`)
    .join(' - ');
}

function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  return abs !== 0 && (abs < 1e-3 || abs >= 1e5) ? x.toExponential(3) : x.toFixed(4);
}

/** `fit`'s `verbose: 2` output: one line per epoch, through `print` (default `console.log`). */
export class EpochLogger extends Callback {
  private started = 0;

  constructor(private readonly print: (line: string) => void = console.log) {
    super();
  }

  override onEpochBegin(): void {
    this.started = performance.now();
  }

  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    const seconds = (performance.now() - this.started) / 1000;
    this.print(`Epoch ${epoch + 1}/${this.params.epochs} - ${seconds.toFixed(1)}s - ${formatLogs(logs)}`);
  }
}
