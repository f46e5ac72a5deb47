import { Callback, ConfigError, type Layer, tf } from '@tensorfold/core';

/** Options of {@link WeightAverage}. */
export interface WeightAverageArgs {
  /**
   * How much of the average each step keeps (0.999: the last ~1,000 steps count). Default 0.999. Early on
   * the decay used is `min(decay, (1 + t) / (10 + t))` after `t` steps, as TensorFlow's
   * `ExponentialMovingAverage` with `num_updates` does, so the starting weights fade out quickly.
   */
  decay?: number;
}

/**
 * An exponential moving average of a layer's (or model's) weights over the training steps, kept as a
 * callback of `fit`: the averaged generator of Yazıcı et al. (2019), "The unusual effectiveness of
 * averaging in GAN training", whose samples are smoother and steadier than the last step's. Every weight is
 * averaged, the batch normalization moving statistics too.
 *
 * @example
 * const average = new WeightAverage(model.generator, { decay: 0.999 });
 * await model.fit(images, { epochs: 1, batchSize: 64, callbacks: [average] });
 * average.copyInto(sameArchitectureGenerator); // then sample from it
 * average.dispose();
 */
export class WeightAverage extends Callback {
  private readonly source: Layer;
  private readonly decay: number;
  private averages: tf.Variable[] | null = null;
  private steps = 0;

  /** @param source The layer or model whose weights are averaged (it must be built). */
  constructor(source: Layer, args: WeightAverageArgs = {}) {
    super();
    const decay = args.decay ?? 0.999;
    if (!(decay >= 0 && decay < 1)) throw new ConfigError(`decay must be in [0, 1), got ${decay}.`);
    this.source = source;
    this.decay = decay;
  }

  /** Number of steps averaged so far. */
  get count(): number {
    return this.steps;
  }

  override onTrainBegin(): void {
    this.start();
  }

  override onBatchEnd(): void {
    const averages = this.start();
    const decay = Math.min(this.decay, (1 + this.steps) / (10 + this.steps));
    const weights = this.source.weights;
    tf.tidy(() => {
      weights.forEach((w, i) => {
        // average <- decay * average + (1 - decay) * weight
        averages[i].assign(tf.add(tf.mul(averages[i], decay), tf.mul(w.read(), 1 - decay)));
      });
    });
    this.steps++;
  }

  /**
   * Writes the averaged weights into `target`, a layer of the source's architecture (e.g. a second
   * generator built with the same arguments). Before any step, the source's own weights.
   */
  copyInto(target: Layer): void {
    target.setWeights(this.start());
  }

  /** Frees the averages. */
  dispose(): void {
    if (this.averages) tf.dispose(this.averages);
    this.averages = null;
    this.steps = 0;
  }

  private start(): tf.Variable[] {
    if (!this.averages)
      this.averages = this.source.weights.map((w) => {
        const copy = tf.clone(w.read());
        const average = tf.variable(copy, false); // shares copy's data, which it now holds a reference to
        copy.dispose();
        return average;
      });
    return this.averages;
  }
}
