import { Callback, type Model, tf } from '@tensorfold/core';

/** Whether any weight of `model` holds NaN or an infinity (one small device read). */
export async function hasNonFiniteWeights(model: Model): Promise<boolean> {
  const weights = model.weights;
  if (weights.length === 0) return false;
  const count = tf.tidy(() =>
    tf.addN(weights.map((w) => tf.sum(tf.cast(tf.logicalNot(tf.isFinite(w.read())), 'float32')))),
  );
  try {
    return (await count.data())[0] > 0;
  } finally {
    count.dispose();
  }
}

/**
 * Stops training once the weights hold NaN or an infinity, and remembers where training was, so that the
 * CLI can report a divergence that `fit`'s own check misses.
 *
 * `fit`'s default step refuses a NaN or infinite loss before updating (that is Keras's `TerminateOnNaN`,
 * done earlier), but a loss can stay finite while the weights do not: on WASM, clipping a NaN
 * probability returns the clip bound, so sparse cross-entropy reads a finite ~16 for a network of NaNs.
 * This looks at the weights themselves, every `everySeconds` during an epoch and at each epoch's end.
 */
export class StopOnDivergence extends Callback {
  /** The 1-based epoch and batch training was at (the last one begun). */
  readonly position = { epoch: 0, batch: 0 };
  /** Set when the weights were found non-finite. */
  diverged = false;
  private lastCheck = performance.now();

  /** @param everySeconds - the least time between two checks during an epoch (default 2 s) */
  constructor(private readonly everySeconds = 2) {
    super();
  }

  override onEpochBegin(epoch: number): void {
    this.position.epoch = epoch + 1;
    this.position.batch = 0;
  }

  override onBatchBegin(batch: number): void {
    this.position.batch = batch + 1;
  }

  override async onBatchEnd(): Promise<void> {
    const now = performance.now();
    if (now - this.lastCheck < this.everySeconds * 1000) return;
    this.lastCheck = now;
    await this.check();
  }

  override async onEpochEnd(): Promise<void> {
    await this.check();
  }

  private async check(): Promise<void> {
    if (this.diverged || !(await hasNonFiniteWeights(this.model))) return;
    this.diverged = true;
    this.model.stopTraining = true;
  }
}
