import type { tf } from '@tensorfold/core';

/** How an iterative decomposition went. */
export interface FitHistory {
  /** Relative reconstruction error `‖X − X̂‖ / ‖X‖` after each iteration (computed from the residual). */
  errors: number[];
  /** Iterations run. */
  iterations: number;
  /** Whether it stopped because the error changed by less than `tol` (false: it hit `nIterMax`). */
  converged: boolean;
}

/** What one iteration reports to an `onIteration` callback. */
export interface IterationInfo {
  /** 1-based iteration number. */
  iteration: number;
  /** Relative reconstruction error after this iteration. */
  relativeError: number;
}

/**
 * Called after each iteration; return `false` to stop early (the result so far is returned). It may
 * be async: the decomposition awaits it, so an error it throws rejects the decomposition's promise.
 */
export type IterationCallback = (info: IterationInfo) => unknown;

/** What every decomposed tensor (CP, Tucker, TT) offers. */
export interface Decomposition {
  /** The shape of the dense tensor it represents. */
  readonly shape: number[];
  /** How the fit went, when it came from a decomposition routine. */
  readonly history?: FitHistory;
  /** The number of stored values (weights, factors, cores). */
  parameterCount(): number;
  /** Dense size divided by {@link parameterCount}: above 1 it is smaller than the dense tensor. */
  compressionRatio(): number;
  /** Rebuilds the dense tensor. */
  toTensor(): tf.Tensor;
  /** Frees its tensors. */
  dispose(): void;
}

/** Dense element count of `shape`. */
export function denseSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
