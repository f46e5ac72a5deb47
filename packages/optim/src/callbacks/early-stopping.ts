import { Callback, type Logs, register, type tf } from '@tensorfold/core';
import { checkInteger, checkNumber } from '../checks.js';
import {
  decodeNumber,
  encodeNumber,
  type MonitorMode,
  MonitorReader,
  type Printer,
  resolveMode,
  type StatefulCallback,
} from './monitor.js';

/** Options of {@link earlyStopping}. */
export interface EarlyStoppingArgs {
  /** The logged value to watch. Default `'val_loss'`. */
  monitor?: string;
  /** A change smaller than this (in absolute value) is not an improvement. Default 0. */
  minDelta?: number;
  /** Epochs without improvement after which training stops. Default 0. */
  patience?: number;
  /** 1: print when stopping and when restoring weights. Default 0. */
  verbose?: 0 | 1;
  /**
   * `'min'`, `'max'`, or `'auto'`: from the monitored name, min for losses and errors, max for accuracy,
   * AUC, precision, recall, F1 (see `resolveMode`; an unknown name raises a ConfigError). Default `'auto'`.
   */
  mode?: MonitorMode;
  /** A value the monitored quantity must beat; until it does, patience keeps counting. Default none. */
  baseline?: number | null;
  /**
   * At the end of training, put back the weights of the epoch with the best monitored value. Default
   * `false` (keep the last epoch's weights).
   */
  restoreBestWeights?: boolean;
  /** Epochs (0-based index) to let pass before watching at all, e.g. a warm-up. Default 0. */
  startFromEpoch?: number;
  /** Where messages go. Default `console.log`. */
  print?: Printer;
}

/**
 * Stops training when the monitored value has stopped improving, with Keras's semantics:
 * after each epoch from `startFromEpoch` on, an improvement (by more than `minDelta`) over the best
 * value so far resets the patience count (if it also beats `baseline`); otherwise the count grows,
 * and training stops once it reaches `patience`. With `restoreBestWeights`, the weights of the best
 * epoch are put back when training ends (as Keras 3 does; TensorFlow.js lacks the option, tfjs
 * issue #8488). Messages give 1-based epoch numbers: `Epoch 8: early stopping`.
 *
 * @example
 * await model.fit(x, y, { epochs: 100, validationSplit: 0.2,
 *   callbacks: [earlyStopping({ monitor: 'val_loss', patience: 3, restoreBestWeights: true })] });
 */
export class EarlyStopping extends Callback implements StatefulCallback {
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly verbose: 0 | 1;
  readonly mode: MonitorMode;
  readonly baseline: number | null;
  readonly restoreBestWeights: boolean;
  readonly startFromEpoch: number;
  /** Epochs since the last improvement. */
  wait = 0;
  /** The 0-based epoch at which training was stopped, or -1. */
  stoppedEpoch = -1;
  /** The best monitored value so far. */
  best = Number.POSITIVE_INFINITY;
  /** The 0-based epoch of {@link EarlyStopping.best}. */
  bestEpoch = -1;
  private direction: 'min' | 'max' = 'min';
  private bestWeights: tf.Tensor[] | null = null;
  private readonly reader: MonitorReader;
  private readonly print: Printer;

  constructor(args: EarlyStoppingArgs = {}) {
    super();
    this.monitor = args.monitor ?? 'val_loss';
    this.minDelta = Math.abs(checkNumber(args.minDelta ?? 0, 'earlyStopping minDelta'));
    this.patience = checkInteger(args.patience ?? 0, 'earlyStopping patience');
    this.verbose = args.verbose ?? 0;
    this.mode = args.mode ?? 'auto';
    this.baseline = args.baseline == null ? null : checkNumber(args.baseline, 'earlyStopping baseline');
    this.restoreBestWeights = args.restoreBestWeights ?? false;
    this.startFromEpoch = checkInteger(args.startFromEpoch ?? 0, 'earlyStopping startFromEpoch');
    this.print = args.print ?? console.log;
    this.reader = new MonitorReader(this.monitor, 'earlyStopping', this.print);
    this.direction = resolveMode(this.monitor, this.mode, 'earlyStopping');
  }

  override onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = -1;
    this.best = this.direction === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    this.bestEpoch = -1;
    this.dropBestWeights();
  }

  override onEpochEnd(epoch: number, logs?: Logs): void {
    const current = this.reader.read(logs);
    if (current === undefined || epoch < this.startFromEpoch) return;
    if (this.restoreBestWeights && this.bestWeights === null) {
      this.bestWeights = this.model.getWeights();
      this.bestEpoch = epoch;
    }
    this.wait++;
    if (this.improves(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) {
        this.dropBestWeights();
        this.bestWeights = this.model.getWeights();
      }
      if (this.baseline === null || this.improves(current, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      this.model.stopTraining = true;
    }
  }

  override onTrainEnd(): void {
    if (this.stoppedEpoch >= 0 && this.verbose > 0)
      this.print(`Epoch ${this.stoppedEpoch + 1}: early stopping`);
    if (this.restoreBestWeights && this.bestWeights !== null) {
      if (this.verbose > 0)
        this.print(`Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.`);
      this.model.setWeights(this.bestWeights);
    }
    this.dropBestWeights();
  }

  /** Whether `value` beats `reference` by more than `minDelta` in the monitored direction. */
  private improves(value: number, reference: number): boolean {
    return this.direction === 'min' ? value + this.minDelta < reference : value - this.minDelta > reference;
  }

  private dropBestWeights(): void {
    if (this.bestWeights) for (const t of this.bestWeights) t.dispose();
    this.bestWeights = null;
  }

  getState(): Record<string, unknown> {
    return { wait: this.wait, best: encodeNumber(this.best), bestEpoch: this.bestEpoch };
  }

  setState(state: Record<string, unknown>): void {
    this.wait = Number(state.wait ?? 0);
    this.best = decodeNumber(state.best);
    this.bestEpoch = Number(state.bestEpoch ?? -1);
  }
}

/** Early stopping (see {@link EarlyStopping}). */
export function earlyStopping(args: EarlyStoppingArgs = {}): EarlyStopping {
  return new EarlyStopping(args);
}

register('callback', 'EarlyStopping', (c) => new EarlyStopping(c as EarlyStoppingArgs));
