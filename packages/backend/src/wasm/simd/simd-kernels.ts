/**
 * tensorfold's own WASM SIMD kernels (`kernels.wat` beside this file), instantiated on the memory of
 * tfjs-backend-wasm's module so that they read and write tensors where they lie. Kernels that can
 * use them ask {@link simdKernels}; where it returns null (no WebAssembly SIMD, a threaded build
 * whose memory is shared, a tfjs-backend-wasm that does not export its memory, a page whose content
 * security policy forbids compiling WebAssembly) they keep their other path (JavaScript or
 * XNNPACK), which gives the same results.
 */
import type { WasmBackendLike } from '../kernel-scope.js';
import { SIMD_KERNELS_WASM_BASE64 } from './generated/kernels-wasm.js';

/**
 * The kernels' functions. Pointers are byte offsets into the WASM heap (a heap view's `byteOffset`),
 * every tensor float32, NHWC, row-major.
 */
export interface SimdKernels {
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
  /** `out[i] = min(max(x[i], lo), hi)` over `n` floats; a NaN stays NaN. */
  clip(x: number, out: number, n: number, lo: number, hi: number): void;
}

let compiled: WebAssembly.Module | null | undefined;
const instances = new WeakMap<WebAssembly.Memory, SimdKernels>();
let enabled = true;

/**
 * Turns the SIMD kernels off (`false`) or back on, for benchmarks and tests that compare them
 * with the JavaScript paths. On by default.
 */
export function setSimdKernelsEnabled(on: boolean): void {
  enabled = on;
}

/** The module, compiled once; null where this runtime has no WebAssembly SIMD. */
function module(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      const bytes = Uint8Array.from(atob(SIMD_KERNELS_WASM_BASE64), (c) => c.charCodeAt(0));
      // Synchronous: browsers allow it on the main thread for modules under 4 KB (a test keeps it so).
      compiled = new WebAssembly.Module(bytes);
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/** The SIMD kernels on `backend`'s memory, or null where they cannot run (see the module doc). */
export function simdKernels(backend: WasmBackendLike): SimdKernels | null {
  const memory = backend.wasm?.asm?.memory;
  if (!enabled || memory == null || !(memory instanceof WebAssembly.Memory)) return null;
  if (typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer) return null;
  let kernels = instances.get(memory);
  if (kernels == null) {
    const compiledModule = module();
    if (compiledModule == null) return null;
    try {
      kernels = new WebAssembly.Instance(compiledModule, { env: { memory } })
        .exports as unknown as SimdKernels;
    } catch {
      return null; // the memory does not link (a future tfjs-backend-wasm build): keep the other paths
    }
    instances.set(memory, kernels);
  }
  return kernels;
}
