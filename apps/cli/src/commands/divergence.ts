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
