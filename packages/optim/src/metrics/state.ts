import { tf } from '@tensorfold/core';

/**
 * Named accumulator tensors of a metric (counts such as true positives), kept across batches.
 * `add` replaces each with its sum with a batch's contribution, disposing the old tensor.
 */
export class Accumulators {
  private values: Record<string, tf.Tensor> = {};

  constructor(private readonly shapes: Record<string, number[]>) {
    this.reset();
  }

  /** The current value of `name` (owned by the accumulator: do not dispose). */
  get(name: string): tf.Tensor {
    return this.values[name];
  }

  /**
   * Adds `increments` (computed by the caller, e.g. inside its `tidy`) to the accumulators. The sums
   * are computed before anything is replaced, so an error leaves the state unchanged.
   */
  add(increments: Record<string, tf.Tensor>): void {
    const next = tf.tidy(() => {
      const out: Record<string, tf.Tensor> = {};
      for (const [name, inc] of Object.entries(increments))
        out[name] = tf.keep(tf.add(this.values[name], inc));
      return out;
    });
    for (const [name, value] of Object.entries(next)) {
      this.values[name].dispose();
      this.values[name] = value;
    }
  }

  /** Sets every accumulator back to zeros. */
  reset(): void {
    this.dispose();
    this.values = {};
    for (const [name, shape] of Object.entries(this.shapes)) this.values[name] = tf.keep(tf.zeros(shape));
  }

  dispose(): void {
    for (const t of Object.values(this.values)) t.dispose();
    this.values = {};
  }
}
