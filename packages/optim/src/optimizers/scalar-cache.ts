import { tf } from '@tensorfold/core';

/**
 * Keeps one scalar tensor per named coefficient and replaces it only when its value changes, so
 * constant hyperparameters (Adam's betas, epsilon) are uploaded once, not at every step.
 */
export class ScalarCache {
  private readonly entries = new Map<string, { value: number; tensor: tf.Scalar }>();

  /** Scalars for `values`, reusing those whose value is unchanged. */
  update(values: Record<string, number>): Record<string, tf.Scalar> {
    const out: Record<string, tf.Scalar> = {};
    for (const [name, value] of Object.entries(values)) {
      let entry = this.entries.get(name);
      if (!entry || !Object.is(entry.value, value)) {
        entry?.tensor.dispose();
        entry = { value, tensor: tf.keep(tf.scalar(value)) };
        this.entries.set(name, entry);
      }
      out[name] = entry.tensor;
    }
    return out;
  }

  /** Frees every cached scalar. */
  dispose(): void {
    for (const entry of this.entries.values()) entry.tensor.dispose();
    this.entries.clear();
  }
}
