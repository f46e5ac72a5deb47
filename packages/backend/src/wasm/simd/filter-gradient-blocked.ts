/**
 * The register-blocked filter gradient (`filter-gradient-blocked.wat` beside this file), loaded by
 * {@link SimdModule}: for convolutions whose input channels are a multiple of 4 and output channels a
 * multiple of 8, where it does fewer loads per multiply-add than `kernels.wat`'s `filterGradient`.
 */
import type { WasmBackendLike } from '../kernel-scope.js';
import { FMA_WASM_BASE64, SIMD_WASM_BASE64 } from './generated/filter-gradient-blocked-wasm.js';
import type { SimdKernels } from './simd-kernels.js';
import { SimdModule } from './simd-module.js';

/** The module's function. Pointers are byte offsets into the WASM heap, every tensor float32, NHWC. */
export interface BlockedFilterGradient {
  /**
   * The same contract and arguments as {@link SimdKernels.filterGradient}, adding the filter gradient
   * into `out` (zeroed by the caller), with fewer loads per multiply-add. Needs `inChannels % 4 === 0`,
   * `outChannels % 8 === 0` and every size >= 1.
   */
  filterGradientBlocked: SimdKernels['filterGradient'];
}

const blockedModule = new SimdModule<BlockedFilterGradient>(SIMD_WASM_BASE64, FMA_WASM_BASE64);

/** The blocked filter gradient on `backend`'s memory, or null where it cannot run (see simd-module.ts). */
export function blockedFilterGradient(backend: WasmBackendLike): BlockedFilterGradient | null {
  return blockedModule.on(backend);
}
