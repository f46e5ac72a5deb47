import { Callback, ConfigError, type Logs } from '@tensorfold/core';
import { fileSystem } from '@tensorfold/core/node';
import { type MonitorMode, MonitorReader, type Printer, resolveMode } from '../callbacks/monitor.js';
import { checkInteger } from '../checks.js';
import { fillTemplate, templateKeys } from './filepath.js';

/** Options of {@link modelCheckpoint}. */
export interface ModelCheckpointArgs {
  /**
   * Directory to save the model to (`model.json` and weight shards). May name values, Keras-style:
   * `runs/ckpt-{epoch:02d}-{val_loss:.3f}` (epoch and batch 1-based; `{batch}` only with a numeric
   * `saveFreq`).
   */
  filepath: string;
  /** The logged value that decides what is best. Default `'val_loss'`. */
  monitor?: string;
  /** Save only when the monitored value improves on the best so far. Default `false` (every time). */
  saveBestOnly?: boolean;
  /**
   * `'min'`, `'max'`, or `'auto'`: from the monitored name, min for losses and errors, max for accuracy,
   * AUC, precision, recall, F1 (see `resolveMode`; an unknown name raises a ConfigError). Default `'auto'`.
   */
  mode?: MonitorMode;
  /** `'epoch'` (after each epoch) or a number of batches. Default `'epoch'`. */
  saveFreq?: 'epoch' | number;
  /** Save the optimizer's state too, so training can resume from the file. Default `false`. */
  includeOptimizer?: boolean;
  /** With `saveBestOnly`, a value that must be beaten before the first save. Default none. */
  initialValueThreshold?: number | null;
  /** 1: print each save (and each skipped one with `saveBestOnly`). Default 0. */
  verbose?: 0 | 1;
  /** Where messages go. Default `console.log`. */
  print?: Printer;
}

/**
 * Saves the model during training (Keras's `ModelCheckpoint`), in the TensorFlow.js layers format
 * through `@tensorfold/core/node`'s file system handler, whose writes are atomic: a crash mid-save
 * leaves the previous checkpoint intact, never a half-written one. Node only.
 *
 * @example
 * callbacks: [modelCheckpoint({ filepath: 'runs/best', monitor: 'val_acc', saveBestOnly: true })]
 */
export class ModelCheckpoint extends Callback {
  readonly filepath: string;
  readonly monitor: string;
  readonly saveBestOnly: boolean;
  readonly saveFreq: 'epoch' | number;
  readonly includeOptimizer: boolean;
  readonly verbose: 0 | 1;
  /** The best monitored value saved so far. */
  best: number;
  /** Paths written, in order. */
  readonly saved: string[] = [];
  private readonly direction: 'min' | 'max';
  private readonly initialBest: number;
  private readonly reader: MonitorReader;
  private readonly print: Printer;
  private epoch = 0;
  private batchesSinceSave = 0;

  constructor(args: ModelCheckpointArgs) {
    super();
    if (typeof args?.filepath !== 'string' || args.filepath === '') {
      throw new ConfigError('modelCheckpoint needs a filepath: the directory to save the model to.');
    }
    this.filepath = args.filepath;
    this.monitor = args.monitor ?? 'val_loss';
    this.saveBestOnly = args.saveBestOnly ?? false;
    this.saveFreq =
      args.saveFreq === undefined || args.saveFreq === 'epoch'
        ? 'epoch'
        : checkInteger(args.saveFreq, 'modelCheckpoint saveFreq', 1);
    this.includeOptimizer = args.includeOptimizer ?? false;
    this.verbose = args.verbose ?? 0;
    this.print = args.print ?? console.log;
    this.direction = this.saveBestOnly
      ? resolveMode(this.monitor, args.mode ?? 'auto', 'modelCheckpoint')
      : 'min';
    this.initialBest =
      args.initialValueThreshold ??
      (this.direction === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY);
    this.best = this.initialBest;
    this.reader = new MonitorReader(this.monitor, 'modelCheckpoint', this.print);
    if (this.saveFreq !== 'epoch') this.onBatchEnd = this.saveOnBatch;
  }

  override onTrainBegin(): void {
    // {batch} has a value only when saving every N batches, validation values only at epoch ends
    const perEpoch = this.saveFreq === 'epoch';
    const logged = this.params.metrics.filter((name) => perEpoch || !name.startsWith('val_'));
    const known = new Set(['epoch', ...(perEpoch ? [] : ['batch']), ...logged]);
    const unknown = templateKeys(this.filepath).filter((k) => !known.has(k));
    if (unknown.length > 0) {
      throw new ConfigError(
        `modelCheckpoint filepath "${this.filepath}" names ${unknown.map((k) => `{${k}}`).join(', ')}, which training does not log (it logs ${[...known].join(', ')}).${unknown.includes('batch') ? ' {batch} needs saveFreq set to a number of batches.' : ''}${perEpoch ? '' : ' Saving every N batches, validation values are not known yet.'}`,
      );
    }
    this.best = this.initialBest;
    this.batchesSinceSave = 0;
  }

  override onEpochBegin(epoch: number): void {
    this.epoch = epoch;
  }

  /**
   * The `onBatchEnd` hook, installed only with a numeric `saveFreq`: `fit` reads the running metrics
   * back from the device after every batch for callbacks that handle batches, which per-epoch saving
   * does not need.
   */
  private async saveOnBatch(batch: number, logs: Logs = {}): Promise<void> {
    if (this.saveFreq === 'epoch') return;
    this.batchesSinceSave++;
    if (this.batchesSinceSave < this.saveFreq) return;
    this.batchesSinceSave = 0;
    await this.save({ ...logs, epoch: this.epoch + 1, batch: batch + 1 });
  }

  override async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    if (this.saveFreq === 'epoch') await this.save({ ...logs, epoch: epoch + 1 });
  }

  private async save(values: Logs): Promise<void> {
    const path = fillTemplate(this.filepath, values);
    const label = `Epoch ${values.epoch}${values.batch ? `, batch ${values.batch}` : ''}`;
    if (this.saveBestOnly) {
      const current = this.reader.read(values);
      if (current === undefined) return;
      const better = this.direction === 'min' ? current < this.best : current > this.best;
      if (!better) {
        if (this.verbose > 0) this.print(`${label}: ${this.monitor} did not improve from ${this.best}`);
        return;
      }
      if (this.verbose > 0)
        this.print(
          `${label}: ${this.monitor} improved from ${this.best} to ${current}, saving model to ${path}`,
        );
      this.best = current;
    } else if (this.verbose > 0) {
      this.print(`${label}: saving model to ${path}`);
    }
    await this.model.save(fileSystem(path), { includeOptimizer: this.includeOptimizer });
    this.saved.push(path);
  }
}

/** Save the model during training (see {@link ModelCheckpoint}). */
export function modelCheckpoint(args: ModelCheckpointArgs): ModelCheckpoint {
  return new ModelCheckpoint(args);
}
