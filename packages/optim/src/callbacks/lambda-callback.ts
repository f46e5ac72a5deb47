import { Callback, type Logs } from '@tensorfold/core';

type Hook<A extends unknown[]> = (...args: A) => void | Promise<void>;

/** The hooks of {@link lambdaCallback}; each is optional and may be async. */
export interface LambdaCallbackArgs {
  onTrainBegin?: Hook<[logs?: Logs]>;
  onTrainEnd?: Hook<[logs?: Logs]>;
  onEpochBegin?: Hook<[epoch: number, logs?: Logs]>;
  onEpochEnd?: Hook<[epoch: number, logs?: Logs]>;
  onBatchBegin?: Hook<[batch: number, logs?: Logs]>;
  onBatchEnd?: Hook<[batch: number, logs?: Logs]>;
}

/**
 * A callback from plain functions (Keras's `LambdaCallback`), for one-off hooks.
 *
 * @example
 * callbacks: [lambdaCallback({ onEpochEnd: (epoch, logs) => console.log(epoch + 1, logs?.loss) })]
 */
export class LambdaCallback extends Callback {
  constructor(private readonly hooks: LambdaCallbackArgs) {
    super();
  }
  override onTrainBegin(logs?: Logs) {
    return this.hooks.onTrainBegin?.(logs);
  }
  override onTrainEnd(logs?: Logs) {
    return this.hooks.onTrainEnd?.(logs);
  }
  override onEpochBegin(epoch: number, logs?: Logs) {
    return this.hooks.onEpochBegin?.(epoch, logs);
  }
  override onEpochEnd(epoch: number, logs?: Logs) {
    return this.hooks.onEpochEnd?.(epoch, logs);
  }
  override onBatchBegin(batch: number, logs?: Logs) {
    return this.hooks.onBatchBegin?.(batch, logs);
  }
  override onBatchEnd(batch: number, logs?: Logs) {
    return this.hooks.onBatchEnd?.(batch, logs);
  }
}

/** A callback from functions (see {@link LambdaCallback}). */
export function lambdaCallback(hooks: LambdaCallbackArgs): LambdaCallback {
  return new LambdaCallback(hooks);
}
