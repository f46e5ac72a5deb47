/**
 * tensorfold's first WASM SIMD module (`kernels.wat` beside this file: convolution filter gradient,
 * 2x2 max-pool gradient, matrix product, clip), loaded by {@link SimdModule} (see simd-module.ts for
 * when it runs and which build: SIMD or FMA). Kernels that can use it ask {@link simdKernels}; where
 * it returns null they keep their other path (JavaScript or XNNPACK), which gives the same results.
 */
import type { WasmBackendLike } from '../kernel-scope.js';
import type { ZeroStepKernels } from '../kernels/float-zero-skip.js';
import { FMA_WASM_BASE64, SIMD_WASM_BASE64 } from './generated/kernels-wasm.js';
import { type SimdKernelsFlavor, SimdModule } from './simd-module.js';

export { type SimdKernelsFlavor, setFmaKernelsEnabled, setSimdKernelsEnabled } from './simd-module.js';

/**
 * The kernels' functions. Pointers are byte offsets into the WASM heap (a heap view's `byteOffset`),
 * every tensor float32, NHWC, row-major.
 */
export interface SimdKernels extends ZeroStepKernels {
  /**
   * Adds the gradient of a 2D convolution with respect to its filter into `out`
   * (`[filterHeight, filterWidth, inChannels, outChannels]`, zeroed by the caller):
   * `out[kh, kw, ci, co] += sum over b, oh, ow of x[b, oh*sh + kh*dh - pt, ow*sw + kw*dw - pl, ci] * dy[b, oh, ow, co]`.
   * Needs `outChannels % 4 === 0`.
   */
  filterGradient(
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
  /**
   * The gradient of a max pooling whose windows are 2x2 at stride 2 inside the image: writes each
   * window's `dy` to the first position holding its maximum `y` and zero to its other positions
   * (positions in no window are left as they are). Needs `channels % 4 === 0`. Returns 1 when some
   * window's maximum is NaN or -Infinity: those windows got no gradient, and the caller must scan
   * them for their largest number (XNNPACK gives -Infinity for a window of a NaN and numbers).
   */
  maxPoolGradPairs(
    x: number,
    y: number,
    dy: number,
    dx: number,
    batch: number,
    inHeight: number,
    inWidth: number,
    channels: number,
    outHeight: number,
    outWidth: number,
  ): number;
  /**
   * The matrix product `out[m, n] = a[m, k] . b[k, n]` (row-major, `out` need not be zeroed), 4 rows
   * by 8 columns at a time. Needs `m % 4 === 0`, `n % 8 === 0`, `k >= 1`. `lists`: 0 (every step of
   * `k`), or `zeroSteps`'s lists of `a` (each block of 4 rows walks only its listed steps).
   */
  matMul(a: number, b: number, out: number, m: number, k: number, n: number, lists?: number): void;
  /** `out[i] = min(max(x[i], lo), hi)` over `n` floats; a NaN stays NaN. */
  clip(x: number, out: number, n: number, lo: number, hi: number): void;
}

const kernelsModule = new SimdModule<SimdKernels>(SIMD_WASM_BASE64, FMA_WASM_BASE64);

/** Which build of the kernels {@link simdKernels} gives on this runtime (see the module doc). */
export function simdKernelsFlavor(): SimdKernelsFlavor {
  return kernelsModule.flavor();
}

/** The SIMD kernels on `backend`'s memory, or null where they cannot run (see simd-module.ts). */
export function simdKernels(backend: WasmBackendLike): SimdKernels | null {
  return kernelsModule.on(backend);
}
