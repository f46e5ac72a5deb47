import { Callback, ConfigError, type Logs } from '@tensorfold/core';
import { isSchedule, type LearningRateSchedule } from '../schedules/schedule.js';
import type { Printer } from './monitor.js';

/** A per-epoch rule: the learning rate for `epoch` (0-based), given the current one. */
export type EpochSchedule = (epoch: number, learningRate: number) => number;

/** Options of {@link learningRateScheduler}. */
export interface LearningRateSchedulerArgs {
  /** 1: print the rate set at each epoch. Default 0. */
  verbose?: 0 | 1;
  /** Where messages go. Default `console.log`. */
  print?: Printer;
}

/**
 * Sets the optimizer's learning rate at the start of every epoch from `schedule`: a function
 * `(epoch, currentRate) => rate` (Keras's `LearningRateScheduler`), or a schedule object such as
 * `cosineDecay(...)`, evaluated at the epoch number instead of the step. Adds the rate to the epoch
 * logs as `learning_rate`.
 *
 * @example
 * callbacks: [learningRateScheduler((epoch, lr) => (epoch < 10 ? lr : lr * Math.exp(-0.1)))]
 */
export class LearningRateScheduler extends Callback {
  readonly verbose: 0 | 1;
  private readonly print: Printer;

  constructor(
    readonly schedule: EpochSchedule | LearningRateSchedule,
    args: LearningRateSchedulerArgs = {},
  ) {
    super();
    if (typeof schedule !== 'function' && !isSchedule(schedule)) {
      throw new ConfigError(
        'learningRateScheduler needs a function (epoch, lr) => lr or a schedule such as exponentialDecay(...).',
      );
    }
    this.verbose = args.verbose ?? 0;
    this.print = args.print ?? console.log;
  }

  override onEpochBegin(epoch: number): void {
    const optimizer = this.model.optimizer;
    const rate =
      typeof this.schedule === 'function'
        ? this.schedule(epoch, optimizer.learningRate)
        : this.schedule.at(epoch);
    if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0) {
      throw new ConfigError(
        `The learning-rate schedule returned ${String(rate)} for epoch ${epoch + 1}; it must return a finite number >= 0.`,
      );
    }
    optimizer.learningRate = rate;
    if (this.verbose > 0)
      this.print(`Epoch ${epoch + 1}: LearningRateScheduler setting learning rate to ${rate}.`);
  }

  override onEpochEnd(_epoch: number, logs?: Logs): void {
    if (logs) logs.learning_rate = this.model.optimizer.learningRate;
  }
}

/** Sets the learning rate each epoch (see {@link LearningRateScheduler}). */
export function learningRateScheduler(
  schedule: EpochSchedule | LearningRateSchedule,
  args: LearningRateSchedulerArgs = {},
): LearningRateScheduler {
  return new LearningRateScheduler(schedule, args);
}
