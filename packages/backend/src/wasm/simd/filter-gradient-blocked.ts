/**
 * The register-blocked filter gradient (`filter-gradient-blocked.wat` beside this file), loaded by
 * {@link SimdModule}: for convolutions whose input channels are a multiple of 4 and output channels a
 * multiple of 8, where it does fewer loads per multiply-add than `kernels.wat`'s `filterGradient`.
 */
import type { WasmBackendLike } from '../kernel-scope.js';
import { FMA_WASM_BASE64, SIMD_WASM_BASE64 } from './generated/filter-gradient-blocked-wasm.js';
import { SimdModule } from './simd-module.js';

/** The module's function. Pointers are byte offsets into the WASM heap, every tensor float32, NHWC. */
export interface BlockedFilterGradient {
  /**
   * Adds the gradient of a 2D convolution with respect to its filter into `out`
   * (`[filterHeight, filterWidth, inChannels, outChannels]`, zeroed by the caller):
   * `out[kh, kw, ci, co] += sum over b, oh, ow of x[b, oh*sh + kh*dh - pt, ow*sw + kw*dw - pl, ci] * dy[b, oh, ow, co]`.
   * Needs `inChannels % 4 === 0`, `outChannels % 8 === 0` and every size >= 1.
   */
  filterGradientBlocked(
    x: number,
    dy: number,
    out: number,
    batch: number,
    inHeight: number,
    inWidth: number,
    inChannels: number,
    outHeight: number,
    outWidth: number,
    outChannels: number,
    filterHeight: number,
    filterWidth: number,
    strideHeight: number,
    strideWidth: number,
    dilationHeight: number,
    dilationWidth: number,
    padTop: number,
    padLeft: number,
  ): void;
}

const blockedModule = new SimdModule<BlockedFilterGradient>(SIMD_WASM_BASE64, FMA_WASM_BASE64);

/** The blocked filter gradient on `backend`'s memory, or null where it cannot run (see simd-module.ts). */
export function blockedFilterGradient(backend: WasmBackendLike): BlockedFilterGradient | null {
  return blockedModule.on(backend);
}
