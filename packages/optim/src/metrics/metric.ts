import { type Metric, ShapeError, tf } from '@tensorfold/core';

/** Options every metric takes. */
export interface MetricArgs {
  /** Key in logs and `History` (e.g. `'acc'`). Default: Keras's name, e.g. `'categorical_accuracy'`. */
  name?: string;
}

/**
 * The base of tensorfold's metrics: state lives in tensors on the device, updated inside `tidy`
 * (old state disposed), so updating never waits for the GPU and never leaks.
 */
export abstract class MetricBase implements Metric {
  /** The registered class name (`'CategoricalAccuracy'`). */
  abstract readonly className: string;
  readonly name: string;

  protected constructor(args: MetricArgs, defaultName: string) {
    this.name = args.name ?? defaultName;
  }

  abstract update(yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight?: tf.Tensor): void;
  abstract result(): tf.Scalar;
  abstract reset(): void;
  abstract dispose(): void;

  /** The options that rebuild this metric. Subclasses add theirs. */
  getConfig(): Record<string, unknown> {
    return { name: this.name };
  }
}

/**
 * Sample weights as `[batch]` floats.
 * @throws ShapeError when they do not hold one weight per sample.
 */
export function sampleWeights(sampleWeight: tf.Tensor, batch: number, what: string): tf.Tensor {
  if (sampleWeight.size !== batch) {
    throw new ShapeError(
      `${what}: got ${sampleWeight.size} sample weights for a batch of ${batch}; pass one weight per sample, shape [${batch}].`,
    );
  }
  const w = tf.reshape(sampleWeight, [batch]);
  return w.dtype === 'float32' ? w : tf.cast(w, 'float32');
}

/**
 * A weighted mean of a per-sample value over every sample since the last reset:
 * `sum(w_i * v_i) / sum(w_i)` (all weights 1 without sample weights). Values with more axes than
 * `[batch]` (a sequence's per-step values) are averaged per sample first. This is Keras's
 * `MeanMetricWrapper`, and it makes every metric exact over the epoch, not a mean of batch means.
 */
export abstract class MeanMetric extends MetricBase {
  private total: tf.Scalar = tf.keep(tf.scalar(0));
  private count: tf.Scalar = tf.keep(tf.scalar(0));

  /** The per-sample values, `[batch]` or `[batch, ...]`; runs inside `tidy`. */
  protected abstract values(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor;

  /**
   * The running sums after one unweighted batch in one op, where the metric has one for these inputs
   * (`[total, count]`, new tensors with the stock ops' bits); null otherwise (the default), and
   * {@link MeanMetric.update} computes them from {@link MeanMetric.values}. Runs inside `tidy`.
   */
  protected fusedUpdate(
    _yTrue: tf.Tensor,
    _yPred: tf.Tensor,
    _total: tf.Scalar,
    _count: tf.Scalar,
  ): [tf.Scalar, tf.Scalar] | null {
    return null;
  }

  update(yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight?: tf.Tensor): void {
    const [total, count] = tf.tidy(() => {
      const fused = sampleWeight ? null : this.fusedUpdate(yTrue, yPred, this.total, this.count);
      if (fused) return fused.map((t) => tf.keep(t));
      let v = this.values(yTrue, yPred);
      if (v.rank === 0) v = tf.reshape(v, [1]);
      const batch = v.shape[0];
      const perSample =
        v.rank > 1
          ? tf.mean(
              v,
              v.shape.slice(1).map((_, k) => k + 1),
            )
          : v; // [batch]
      if (!sampleWeight) {
        return [tf.keep(tf.add(this.total, tf.sum(perSample))), tf.keep(tf.add(this.count, batch))];
      }
      const w = sampleWeights(sampleWeight, batch, this.name);
      return [
        tf.keep(tf.add(this.total, tf.sum(tf.mul(perSample, w)))),
        tf.keep(tf.add(this.count, tf.sum(w))),
      ];
    });
    this.total.dispose();
    this.count.dispose();
    this.total = total as tf.Scalar;
    this.count = count as tf.Scalar;
  }

  /** The weighted mean so far (0 before any update). A new scalar. */
  result(): tf.Scalar {
    return tf.tidy(() => this.finish(tf.divNoNan(this.total, this.count) as tf.Scalar));
  }

  /** Turns the mean into the reported value (identity; RMSE takes the square root). */
  protected finish(mean: tf.Scalar): tf.Scalar {
    return mean;
  }

  reset(): void {
    this.dispose();
    this.total = tf.keep(tf.scalar(0));
    this.count = tf.keep(tf.scalar(0));
  }

  dispose(): void {
    this.total.dispose();
    this.count.dispose();
  }
}
