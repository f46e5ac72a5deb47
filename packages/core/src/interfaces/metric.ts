import type { Scalar, Tensor } from '@tensorflow/tfjs-core';

/**
 * A stateful metric: it accumulates over the batches of an epoch, so its result is the metric of
 * all samples seen since the last `reset` (not an average of per-batch values). Implementations
 * keep their state in tensors so that updating never waits for the device.
 */
export interface Metric {
  /** The key under which the value appears in logs and `History`, e.g. `'acc'`. */
  readonly name: string;
  /** Accumulates one batch. Must not leak tensors (use `tidy` and dispose replaced state). */
  update(yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor): void;
  /** The value over everything accumulated so far (a new scalar; the caller disposes it). */
  result(): Scalar;
  /** Clears the accumulated state. */
  reset(): void;
  /** Frees the state tensors. */
  dispose(): void;
}

/** A metric by name (`'accuracy'`), as an instance, or as a factory that makes a fresh instance. */
export type MetricSpec = string | Metric | (() => Metric);
