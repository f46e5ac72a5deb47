/**
 * @tensorfold/optim/testing: switches for same-process A/B benchmarks and tests, kept out of the
 * package's main entry (they change how a loss records its gradient, or where fused updates write on
 * WASM and whether they pass over weights whose gradient and state are zero, for the whole process:
 * not something an application sets); and the fused-rule compiler
 * (`fusedRule`, `sqrt`, `simdUpdate`, `ruleModule`, `registeredRules`), with which a benchmark times a rule's SIMD
 * loop directly on the WASM heap against loops of the same bytes (tools/bench's adam-bound).
 *
 * Stability: none. Everything here may change or go in any release, patch releases included; it is
 * for this repository's tests and benchmarks. A rule built with `fusedRule` is not registered as a
 * kernel; `simdUpdate` compiles it for itself (once per rule object), whatever its `kernel` name.
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
export { setZeroStateSkipped } from './optimizers/kernels/cpu-wasm.js';
export { sqrt } from './optimizers/kernels/expr.js';
export { type FusedRule, fusedRule } from './optimizers/kernels/fused-rule.js';
export { setInPlaceUpdates } from './optimizers/kernels/in-place.js';
export { registeredRules } from './optimizers/kernels/register.js';
export { ruleModule, setSimdLoopTestedAtEnd, simdUpdate } from './optimizers/kernels/wasm-simd.js';
