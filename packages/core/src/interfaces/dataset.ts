import type { Tensor } from '@tensorflow/tfjs-core';

/** Inputs or targets of a batch: one tensor, one per model input/output, or a map by input/output name. */
export type TensorContainer = Tensor | Tensor[] | Record<string, Tensor>;

/** One batch for `fit`/`evaluate`. `fit` takes ownership of the tensors and disposes them. */
export interface Batch {
  xs: TensorContainer;
  ys: TensorContainer;
  /** Per-sample weights, shape `[batch]`. */
  sampleWeight?: Tensor;
}

/**
 * Anything `fit` can iterate once per epoch: an async iterable of batches, either `{xs, ys}` objects
 * or `[xs, ys]` pairs. `@tensorfold/data`'s `Dataset` is one; so is an async generator.
 */
export interface BatchSource {
  [Symbol.asyncIterator](): AsyncIterator<Batch | [TensorContainer, TensorContainer]>;
  /** Number of batches per pass, when known (for progress bars). */
  readonly size?: number | null;
}
