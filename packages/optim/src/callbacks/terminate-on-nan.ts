import { Callback, type Logs, register } from '@tensorfold/core';
import type { Printer } from './monitor.js';

/** Options of {@link terminateOnNaN}. */
export interface TerminateOnNaNArgs {
  /** Where the message goes. Default `console.log`. */
  print?: Printer;
}

/**
 * Stops training after a batch whose logged loss is NaN or infinite (Keras's `TerminateOnNaN`).
 * It checks `loss` and every value whose name ends in `loss` (a GAN's `d_loss`, `g_loss`), so it also
 * guards custom training steps. `fit`'s default step already refuses a non-finite loss before
 * updating, with an error naming the epoch and batch.
 */
export class TerminateOnNaN extends Callback {
  /** Set when training was stopped: the 1-based epoch and batch, and the offending key. */
  terminated: { epoch: number; batch: number; key: string } | null = null;
  private epoch = 0;
  private readonly print: Printer;

  constructor(args: TerminateOnNaNArgs = {}) {
    super();
    this.print = args.print ?? console.log;
  }

  override onTrainBegin(): void {
    this.terminated = null;
  }

  override onEpochBegin(epoch: number): void {
    this.epoch = epoch;
  }

  override onBatchEnd(batch: number, logs: Logs = {}): void {
    for (const [key, value] of Object.entries(logs)) {
      if (!key.endsWith('loss') || Number.isFinite(value)) continue;
      this.terminated = { epoch: this.epoch + 1, batch: batch + 1, key };
      this.print(
        `Epoch ${this.epoch + 1}, batch ${batch + 1}: invalid ${key} (${value}), terminating training.`,
      );
      this.model.stopTraining = true;
      return;
    }
  }
}

/** Stop on a NaN loss (see {@link TerminateOnNaN}). */
export function terminateOnNaN(args: TerminateOnNaNArgs = {}): TerminateOnNaN {
  return new TerminateOnNaN(args);
}

register('callback', 'TerminateOnNaN', (c) => new TerminateOnNaN(c as TerminateOnNaNArgs));
