import { Callback, ConfigError, type Logs, register } from '@tensorfold/core';
import { checkInteger, checkNonNegative, checkNumber } from '../checks.js';
import {
  decodeNumber,
  encodeNumber,
  type MonitorMode,
  MonitorReader,
  type Printer,
  resolveMode,
  type StatefulCallback,
} from './monitor.js';

/** Options of {@link reduceLROnPlateau}. */
export interface ReduceLROnPlateauArgs {
  /** The logged value to watch. Default `'val_loss'`. */
  monitor?: string;
  /** The learning rate is multiplied by this, in (0, 1). Default 0.1. */
  factor?: number;
  /** Epochs without improvement before reducing. Default 10. */
  patience?: number;
  /** 1: print each reduction. Default 0. */
  verbose?: 0 | 1;
  /**
   * `'min'`, `'max'`, or `'auto'`: from the monitored name, min for losses and errors, max for accuracy,
   * AUC, precision, recall, F1 (see `resolveMode`; an unknown name raises a ConfigError). Default `'auto'`.
   */
  mode?: MonitorMode;
  /** The least change that counts as an improvement. Default 1e-4. */
  minDelta?: number;
  /** Epochs to wait after a reduction before counting again. Default 0. */
  cooldown?: number;
  /** The learning rate is never reduced below this. Default 0. */
  minLr?: number;
  /** Where messages go. Default `console.log`. */
  print?: Printer;
}

/**
 * Lowers the optimizer's learning rate by `factor` when the monitored value has not improved for
 * `patience` epochs (Keras's `ReduceLROnPlateau`), then waits `cooldown` epochs before watching
 * again. Adds the current rate to the epoch logs as `learning_rate`. The optimizer needs a constant
 * learning rate (not a schedule).
 *
 * @example
 * callbacks: [reduceLROnPlateau({ monitor: 'val_loss', factor: 0.5, patience: 2, minLr: 1e-5 })]
 */
export class ReduceLROnPlateau extends Callback implements StatefulCallback {
  readonly monitor: string;
  readonly factor: number;
  readonly patience: number;
  readonly verbose: 0 | 1;
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;
  /** Epochs since the last improvement. */
  wait = 0;
  /** Epochs of cooldown left. */
  cooldownCounter = 0;
  /** The best monitored value so far. */
  best = Number.POSITIVE_INFINITY;
  private readonly direction: 'min' | 'max';
  private readonly reader: MonitorReader;
  private readonly print: Printer;

  constructor(args: ReduceLROnPlateauArgs = {}) {
    super();
    this.monitor = args.monitor ?? 'val_loss';
    this.factor = checkNumber(
      args.factor ?? 0.1,
      'reduceLROnPlateau factor',
      (f) => f > 0 && f < 1,
      'in (0, 1)',
    );
    this.patience = checkInteger(args.patience ?? 10, 'reduceLROnPlateau patience');
    this.verbose = args.verbose ?? 0;
    this.minDelta = checkNonNegative(args.minDelta ?? 1e-4, 'reduceLROnPlateau minDelta');
    this.cooldown = checkInteger(args.cooldown ?? 0, 'reduceLROnPlateau cooldown');
    this.minLr = checkNonNegative(args.minLr ?? 0, 'reduceLROnPlateau minLr');
    this.print = args.print ?? console.log;
    this.direction = resolveMode(this.monitor, args.mode ?? 'auto', 'reduceLROnPlateau');
    this.reader = new MonitorReader(this.monitor, 'reduceLROnPlateau', this.print);
  }

  override onTrainBegin(): void {
    const optimizer = this.model.optimizer as { learningRateSchedule?: unknown };
    if (optimizer.learningRateSchedule) {
      throw new ConfigError(
        'reduceLROnPlateau needs an optimizer with a constant learning rate, but this one follows a schedule. Use one or the other.',
      );
    }
    this.wait = 0;
    this.cooldownCounter = 0;
    this.best = this.direction === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  }

  override onEpochEnd(epoch: number, logs?: Logs): void {
    const optimizer = this.model.optimizer;
    if (logs) logs.learning_rate = optimizer.learningRate;
    const current = this.reader.read(logs);
    if (current === undefined) return;
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.wait = 0;
    }
    if (this.improves(current)) {
      this.best = current;
      this.wait = 0;
      return;
    }
    if (this.cooldownCounter > 0) return;
    this.wait++;
    if (this.wait < this.patience) return;
    const old = optimizer.learningRate;
    if (Math.fround(old) > Math.fround(this.minLr)) {
      const next = Math.max(old * this.factor, this.minLr);
      optimizer.learningRate = next;
      if (this.verbose > 0)
        this.print(`Epoch ${epoch + 1}: ReduceLROnPlateau reducing learning rate to ${next}.`);
      this.cooldownCounter = this.cooldown;
      this.wait = 0;
    }
  }

  private improves(value: number): boolean {
    return this.direction === 'min' ? value < this.best - this.minDelta : value > this.best + this.minDelta;
  }

  getState(): Record<string, unknown> {
    return { wait: this.wait, cooldownCounter: this.cooldownCounter, best: encodeNumber(this.best) };
  }

  setState(state: Record<string, unknown>): void {
    this.wait = Number(state.wait ?? 0);
    this.cooldownCounter = Number(state.cooldownCounter ?? 0);
    this.best = decodeNumber(state.best);
  }
}

/** Reduce the learning rate on a plateau (see {@link ReduceLROnPlateau}). */
export function reduceLROnPlateau(args: ReduceLROnPlateauArgs = {}): ReduceLROnPlateau {
  return new ReduceLROnPlateau(args);
}

register('callback', 'ReduceLROnPlateau', (c) => new ReduceLROnPlateau(c as ReduceLROnPlateauArgs));
