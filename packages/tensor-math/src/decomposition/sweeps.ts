import type { tf } from '@tensorfold/core';
import { assertInteger, assertNonNegative } from '../validate.js';
import type { FitHistory, IterationCallback } from './decomposition.js';
import { heapView } from './heap-view.js';
import { assertFiniteValue } from './validate-input.js';

/** When an iterative decomposition stops (see {@link sweepUntilConverged}). */
export interface SweepLimits {
  /** Maximum number of sweeps. */
  nIterMax: number;
  /** Converged when the relative error changes by less than this between two sweeps. */
  tol: number;
  /** Called after each sweep with the relative error; return `false` (or a promise of it) to stop. */
  onIteration?: IterationCallback;
}

/**
 * The checked {@link SweepLimits} in a decomposition's options: `nIterMax` defaults to 100, `tol` to
 * `defaultTol`.
 *
 * @param what the routine, for error messages (`'cp()'`)
 * @throws ConfigError when `nIterMax` is not an integer >= 1 or `tol` is negative
 */
export function sweepLimits(what: string, options: Partial<SweepLimits>, defaultTol: number): SweepLimits {
  const nIterMax = options.nIterMax ?? 100;
  const tol = options.tol ?? defaultTol;
  assertInteger(nIterMax, 1, `${what} nIterMax`);
  assertNonNegative(tol, `${what} tol`);
  return { nIterMax, tol, onIteration: options.onIteration };
}

/**
 * The iteration every decomposition shares: runs `sweep` (one iteration, which resolves to the
 * residual norm `‖X − X̂‖` after it) and records the relative error `‖X − X̂‖ / ‖X‖`, until the error
 * changes by less than `tol` between two sweeps (converged), `onIteration` returns `false`, or
 * `nIterMax` sweeps have run.
 *
 * `‖X‖` is summed in float64 on the host (a float32 sum of a million squares on WASM was off by about
 * 5e-5 of its value, which every recorded error then carried).
 *
 * @param tensor the tensor being decomposed, `X`
 * @param what the routine, for error messages (`'cp()'`)
 * @param normSquared `‖X‖²` where the caller has it already. Default: computed from `tensor`.
 * @returns the errors per sweep, the number of sweeps and whether it converged
 * @throws DataError when a relative error is not finite
 */
export async function sweepUntilConverged(
  tensor: tf.Tensor,
  what: string,
  limits: SweepLimits,
  sweep: () => Promise<number>,
  normSquared?: number,
): Promise<FitHistory> {
  const tensorNorm = Math.sqrt(normSquared ?? (await hostNormSquared(tensor))) || 1;
  const history: FitHistory = { errors: [], iterations: 0, converged: false };
  for (let iteration = 1; iteration <= limits.nIterMax; iteration++) {
    const error = (await sweep()) / tensorNorm;
    assertFiniteValue(error, `${what} relative error`);
    history.errors.push(error);
    history.iterations = iteration;
    // awaited, so that an async callback can stop the fit (and its errors reject the call)
    const stop = (await limits.onIteration?.({ iteration, relativeError: error })) === false;
    const previous = history.errors[history.errors.length - 2];
    if (previous !== undefined && Math.abs(previous - error) < limits.tol) {
      history.converged = true;
      break;
    }
    if (stop) break;
  }
  return history;
}

/** `‖X‖²`, summed in float64 on the host (on WASM from the tensor's memory, no copy). */
export async function hostNormSquared(tensor: tf.Tensor): Promise<number> {
  const values = (tensor.dtype === 'float32' ? heapView(tensor) : null) ?? (await tensor.data());
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] * values[i];
  return sum;
}
