/**
 * @tensorfold/backend/testing: the backends a test suite should cover on this machine, with the
 * project's policy for WebGPU: where it cannot start, its tests are skipped with a printed notice,
 * unless `TENSORFOLD_REQUIRE_WEBGPU=1` (CI sets it), in which case this throws.
 *
 * @example
 * import { backendsForTests } from '@tensorfold/backend/testing';
 * import { useBackend } from '@tensorfold/backend';
 *
 * const backends = await backendsForTests();
 * describe.each(backends)('dense on %s', (name) => {
 *   beforeAll(() => useBackend(name));
 *   it('matches the CPU result', async () => { ... });
 * });
 *
 * @packageDocumentation
 */
import { BackendError } from '@tensorfold/core';
import { probeBackends } from './available-backends.js';
import type { BackendName } from './backend-name.js';
import { environmentVariable } from './environment.js';

// For tools/bench's pair-call-split, which times a one-thread product's parts on the heap: the pairs'
// kernels (pairStepKernels, pairScratchAt, pairStepsFloats), matMulBySimd, biasRelu and the backend type
// they take. setPairsTransposeFused: W transposed into the pairs' panels (default) or by a pass first
// (tests, pair-copies-ab, left-kept-ab fused).
export type { WasmBackendLike } from './wasm/kernel-scope.js';
export { setGatherRowsEnabled } from './wasm/kernels/gather-rows.js';
export { keptWeightBytesCopied } from './wasm/kernels/int8-by-threads.js';
export {
  INT8_ONE_THREAD_ROWS,
  INT8_ONE_THREAD_ROWS_MAX,
  setInt8ChainByRowsEnabled,
  setInt8OneThreadRows,
  setInt8ZeroSkipEnabled,
} from './wasm/kernels/int8-chain-by-rows.js';
export { type Int8PhaseClock, setInt8PhaseClock } from './wasm/kernels/int8-phases.js';
export { matMulBySimd, setPairsTransposeFused } from './wasm/kernels/mat-mul-by-simd.js';
export { setThreadedMatMulMinimum, THREADED_MIN_MULTIPLY_ADDS } from './wasm/kernels/mat-mul-by-threads.js';
export { setPaddedMatMulEnabled } from './wasm/kernels/mat-mul-padded.js';
export { biasRelu } from './wasm/simd/bias-relu.js';
export { setColumnSumsEnabled, setNarrowColumnSumsEnabled } from './wasm/simd/column-sums.js';
export { setPadRowsEnabled, setSwapLastAxesEnabled } from './wasm/simd/data-movement.js';
export { setDirectConvEnabled } from './wasm/simd/direct-conv.js';
export { setMaxPoolPairsEnabled } from './wasm/simd/max-pool-pairs.js';
export {
  pairScratchAt,
  pairStepKernels,
  pairStepsFloats,
  setPairStepsModule,
} from './wasm/simd/pair-steps.js';
export {
  type SimdKernelsFlavor,
  setFmaKernelsEnabled,
  setSimdKernelsEnabled,
  simdKernelsFlavor,
} from './wasm/simd/simd-kernels.js';
/**
 * The WASM thread pool's internals (the pool class, its modules' builds, a float product's memory
 * layout, the tiling, the pair lists' sizes and threshold), for tools/bench's shared-heap and pool
 * benchmarks. Not an API: no stability, any release may change or drop it.
 */
export * as poolInternals from './wasm/threads/pool-internals.js';
export { setThreadedKernelMinimum } from './wasm/threads/threaded-minimum.js';
export { setThreadedKernelsEnabled } from './wasm/threads/wasm-threads.js';
export {
  type RecurrenceMode as WebgpuRecurrenceMode,
  setRecurrenceMode as setWebgpuRecurrenceMode,
} from './webgpu/fused-recurrence/programs.js';

/** Set to `1` to make a missing WebGPU a test failure instead of a skip. */
export const REQUIRE_WEBGPU_ENV = 'TENSORFOLD_REQUIRE_WEBGPU';

let noticePrinted = false;

/**
 * The backends that start here. Prints one notice per process when WebGPU is skipped; throws a
 * `BackendError` when WebGPU cannot start and `TENSORFOLD_REQUIRE_WEBGPU=1`.
 */
export async function backendsForTests(): Promise<BackendName[]> {
  const { available, unavailable } = await probeBackends();
  const webgpu = unavailable.find((u) => u.name === 'webgpu');
  if (webgpu != null) {
    if (environmentVariable(REQUIRE_WEBGPU_ENV) === '1') {
      throw new BackendError(`${REQUIRE_WEBGPU_ENV}=1 but WebGPU cannot start: ${webgpu.reason}`);
    }
    if (!noticePrinted) {
      noticePrinted = true;
      console.warn(`[tensorfold] WebGPU tests skipped: ${webgpu.reason}`);
    }
  }
  return available;
}
// For tools/bench's int8-direct-build-ab, which runs two builds of the direct int8 convolution's
// module on operands it lays out itself: the table of windows the kernel reads and its geometry.
export type { Int8ConvGeometry } from './int8/reference.js';
export {
  floatRowWalks,
  floatWideRowWalks,
  floatZeroStepsSkipped,
  setFloatPairListsEnabled,
  setFloatRowListsEnabled,
  setFloatZeroSkipEnabled,
} from './wasm/kernels/float-zero-skip.js';
export { setInt8ChainChunksPerThread, setInt8SkipListsEnabled } from './wasm/kernels/int8-chain-by-rows.js';
export {
  chainLayoutsWritten,
  setInt8ChainLayoutForSmallerBatches,
  setInt8ChainLayoutReuse,
} from './wasm/kernels/int8-chain-layout.js';
export { setSoloChainModule } from './wasm/kernels/int8-chain-solo.js';
export { windowTable } from './wasm/kernels/int8-direct-conv.js';
export {
  MAT_MUL_CROSSOVER,
  type MatMulCrossover,
  setThreadedMatMulCrossover,
  threadedMatMulRoutes,
} from './wasm/kernels/mat-mul-by-threads.js';
// For tools/bench's row-lists-products, which runs the two one-thread list modules on a memory of its own.
export type { PairStepKernels } from './wasm/simd/pair-steps.js';
export type { RowStepKernels } from './wasm/simd/row-steps.js';
export type { RowWideKernels } from './wasm/simd/row-wide.js';
