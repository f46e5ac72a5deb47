/**
 * @tensorfold/optim/testing: switches for same-process A/B benchmarks and tests, kept out of the
 * package's main entry (they change how a loss records its gradient, or where fused updates write on
 * WASM, for the whole process: not something an application sets).
 *
 * @example
 * import { setCrossentropyGradientWritten } from '@tensorfold/optim/testing';
 *
 * setCrossentropyGradientWritten(false); // the autodiff of the expression, as before
 *
 * @packageDocumentation
 */
export {
  setCrossentropyGradientWritten,
  setCrossentropyKernelEnabled,
} from './losses/categorical-probabilities.js';
export { setInPlaceUpdates } from './optimizers/kernels/in-place.js';
