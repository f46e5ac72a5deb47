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

/** The hook names {@link LambdaCallback} takes. */
const hookNames = [
  'onTrainBegin',
  'onTrainEnd',
  'onEpochBegin',
  'onEpochEnd',
  'onBatchBegin',
  'onBatchEnd',
] as const satisfies ReadonlyArray<keyof LambdaCallbackArgs>;

/**
 * A callback from plain functions (Keras's `LambdaCallback`), for one-off hooks. Only the hooks given
 * are installed: `fit` skips per-batch work (reading the running metrics back from the device) when
 * no callback handles batches, and a lambda with only `onEpochEnd` keeps it that way.
 *
 * @example
 * callbacks: [lambdaCallback({ onEpochEnd: (epoch, logs) => console.log(epoch + 1, logs?.loss) })]
 */
export class LambdaCallback extends Callback {
  constructor(hooks: LambdaCallbackArgs) {
    super();
    const self = this as unknown as Record<string, unknown>;
    for (const name of hookNames) {
      const hook = hooks?.[name] as ((...args: unknown[]) => void | Promise<void>) | undefined;
      if (hook) self[name] = (...args: unknown[]) => hook.apply(hooks, args);
    }
  }
}

/** A callback from functions (see {@link LambdaCallback}). */
export function lambdaCallback(hooks: LambdaCallbackArgs): LambdaCallback {
  return new LambdaCallback(hooks);
}
