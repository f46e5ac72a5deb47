/**
 * The thread pool's internals that issue 22's shared-heap benchmarks (tools/bench: pool-copy-share,
 * pool-prep-parts, shared-heap-inplace, shared-heap-probe) drive by hand: the pool class, its
 * modules' builds, a float product's memory layout (`layoutOf`), the tiling and the pair lists'
 * sizes and threshold, the switch of the products' preparation (pool-prep-ab). For benchmarks only,
 * through `@tensorfold/backend/testing` (`poolInternals`); not an API, no stability guarantee.
 */
export {
  PAIR_LISTED_AT_MOST_SIXTEENTHS,
  PAIR_PANEL_COLUMNS,
  pairListsWanted,
} from '../kernels/float-zero-skip.js';
export { type Layout, layoutOf, setPoolPrep, tiles } from '../kernels/mat-mul-by-threads.js';
export * as matMulWasm from '../simd/generated/threaded-mat-mul-wasm.js';
export * as pairStepsWasm from '../simd/generated/threaded-pair-steps-wasm.js';
export { listWords } from '../simd/pair-steps.js';
export { simdKernels, simdKernelsFlavor } from '../simd/simd-kernels.js';
export { ThreadPool } from './pool.js';
export {
  type ThreadedMatMulKernels,
  type ThreadedPairKernels,
  threadPool,
  wasmThreads,
} from './wasm-threads.js';
