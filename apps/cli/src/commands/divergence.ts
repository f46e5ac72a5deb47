import { Callback, type Logs, type Model, tf } from '@tensorfold/core';

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
 * Remembers where training is (the 1-based epoch and batch last begun), so that the CLI can say where
 * a run diverged.
 *
 * `fit`'s default step refuses a NaN or infinite loss before updating (Keras's `TerminateOnNaN`, done
 * earlier), and on every backend that is what stops a diverging run. On WASM a loss can still stay
 * finite over NaN weights: XNNPACK turns NaN into -Infinity in convolutions and into 0 in fused relu,
 * so NaN in any layer but the last yields finite outputs. The CLI therefore also checks the weights
 * once, after `fit` and before testing or saving ({@link hasNonFiniteWeights}), rather than during
 * training: in runs diverged on purpose (`--lr` 10 to 1e30, sgd and adam, mlp and lenet5) the loss
 * check always fired first.
 */
export class TrainingPosition extends Callback {
  /** The 1-based epoch and batch training was at (the last one begun). */
  epoch = 0;
  batch = 0;

  override onEpochBegin(epoch: number): void {
    this.epoch = epoch + 1;
    this.batch = 0;
  }

  override onBatchBegin(batch: number): void {
    this.batch = batch + 1;
  }
}

/**
 * How many times its first batch's loss a run's last epoch may end at before the run counts as
 * diverged. A run that learns ends below where it started; `sgd --lr 1e10` on the MLP keeps a finite
 * loss (no NaN for the other checks to catch) but ends near 13.8 from 2.3, at chance accuracy.
 */
export const DIVERGED_LOSS_RATIO = 2;

/** Notes the loss of the first training batch, where a run starts from. */
export class LossTrend extends Callback {
  /** The first batch's loss; `undefined` until one has run. */
  first: number | undefined;

  override onBatchEnd(_batch: number, logs: Logs = {}): void {
    if (this.first === undefined && typeof logs.loss === 'number') this.first = logs.loss;
  }

  /**
   * Why the run counts as diverged when its last epoch's mean loss `end` is more than
   * {@link DIVERGED_LOSS_RATIO} times the first batch's, else `null`.
   */
  divergence(end: number | undefined): string | null {
    if (this.first === undefined || end === undefined || !(end > DIVERGED_LOSS_RATIO * this.first))
      return null;
    return `the training loss ended at ${end.toPrecision(4)}, over ${DIVERGED_LOSS_RATIO} times the ${this.first.toPrecision(4)} it started from`;
  }
}
