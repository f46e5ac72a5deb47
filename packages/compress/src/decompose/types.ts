/** Shared types of the decompositions: what replaces one layer. */
import type { tf } from '@tensorfold/core';

/** One layer of a replacement sequence: a registered class, its config and its weight values. */
export interface NewLayer {
  className: string;
  config: Record<string, unknown>;
  /** The values of the layer's weights, in the order of `layer.weights` (the caller disposes them). */
  weights: tf.Tensor[];
}

/** What a decomposition puts in place of one layer. */
export interface Replacement {
  layers: NewLayer[];
  /** The ranks used (one for SVD and CP, `[inputRank, outputRank]` for Tucker-2). */
  ranks: number[];
}

/** Rank requests: given ranks, or the share of the energy (sum of squared singular values) to keep. */
export interface RankRequest {
  ranks?: number | readonly number[];
  energy?: number;
}
