/**
 * tensorfold's own WASM SIMD kernels (`kernels.wat` beside this file), instantiated on the memory of
 * tfjs-backend-wasm's module so that they read and write tensors where they lie. Kernels that can
 * use them ask {@link simdKernels}; where it returns null (no WebAssembly SIMD, a threaded build
 * whose memory is shared, a tfjs-backend-wasm that does not export its memory, a page whose content
 * security policy forbids compiling WebAssembly) they keep their other path (JavaScript or
 * XNNPACK), which gives the same results.
 *
 * Two builds of the kernels exist (scripts/compile-simd-kernels.mjs): where the runtime validates
 * relaxed SIMD (Node 22+, Chrome/Edge 114+, Node 20 with `--experimental-wasm-relaxed-simd`) the
 * FMA build, whose accumulations are fused multiply-adds (`f32x4.relaxed_madd`: one rounding instead
 * of two, so results differ from the SIMD build in the last bits, and from one machine to another
 * where the hardware has no FMA); elsewhere the SIMD build, exactly today's path. Chosen once, at
 * the first use, and reported by {@link simdKernelsFlavor}.
 */
import type { WasmBackendLike } from '../kernel-scope.js';
import { FMA_KERNELS_WASM_BASE64, SIMD_KERNELS_WASM_BASE64 } from './generated/kernels-wasm.js';

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
  /**
   * The matrix product `out[m, n] = a[m, k] . b[k, n]` (row-major, `out` need not be zeroed), 4 rows
   * by 8 columns at a time. Needs `m % 4 === 0`, `n % 8 === 0`, `k >= 1`.
   */
  matMul(a: number, b: number, out: number, m: number, k: number, n: number): void;
  /** `out[i] = min(max(x[i], lo), hi)` over `n` floats; a NaN stays NaN. */
  clip(x: number, out: number, n: number, lo: number, hi: number): void;
}

/** Which build of the kernels runs: `'fma'` (relaxed SIMD), `'simd'`, or `'none'` (no WebAssembly SIMD). */
export type SimdKernelsFlavor = 'fma' | 'simd' | 'none';

let compiled: { module: WebAssembly.Module; flavor: 'fma' | 'simd' } | null | undefined;
const instances = new WeakMap<WebAssembly.Module, WeakMap<WebAssembly.Memory, SimdKernels>>();
let enabled = true;
let fmaAllowed = true;

/**
 * Turns the SIMD kernels off (`false`) or back on, for benchmarks and tests that compare them
 * with the JavaScript paths. On by default.
 */
export function setSimdKernelsEnabled(on: boolean): void {
  enabled = on;
}

/**
 * Lets the FMA build be chosen (`true`, the default) or keeps the SIMD build (`false`), as on a
 * runtime without relaxed SIMD; for benchmarks and tests that compare the two. Takes effect at the
 * next {@link simdKernels} call.
 */
export function setFmaKernelsEnabled(on: boolean): void {
  if (on !== fmaAllowed) compiled = undefined;
  fmaAllowed = on;
}

/** The bytes of a base64 module. */
function bytesOf(base64: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

/** The module, compiled once: the FMA build where relaxed SIMD validates, else the SIMD build; null without SIMD. */
function module(): { module: WebAssembly.Module; flavor: 'fma' | 'simd' } | null {
  if (compiled === undefined) {
    compiled = null;
    const fma = bytesOf(FMA_KERNELS_WASM_BASE64);
    const builds = [
      ...(fmaAllowed && WebAssembly.validate(fma) ? [{ bytes: fma, flavor: 'fma' as const }] : []),
      { bytes: bytesOf(SIMD_KERNELS_WASM_BASE64), flavor: 'simd' as const },
    ];
    for (const { bytes, flavor } of builds) {
      try {
        // Synchronous: browsers allow it on the main thread for modules under 4 KB (a test keeps it so).
        compiled = { module: new WebAssembly.Module(bytes), flavor };
        break;
      } catch {
        // no (relaxed) SIMD here, or a content security policy forbids compiling: try the next build
      }
    }
  }
  return compiled;
}

/** Which build of the kernels {@link simdKernels} gives on this runtime (see the module doc). */
export function simdKernelsFlavor(): SimdKernelsFlavor {
  return module()?.flavor ?? 'none';
}

/** The SIMD kernels on `backend`'s memory, or null where they cannot run (see the module doc). */
export function simdKernels(backend: WasmBackendLike): SimdKernels | null {
  const memory = backend.wasm?.asm?.memory;
  if (!enabled || memory == null || !(memory instanceof WebAssembly.Memory)) return null;
  if (typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer) return null;
  const compiledModule = module()?.module;
  if (compiledModule == null) return null;
  let perMemory = instances.get(compiledModule);
  if (perMemory == null) {
    perMemory = new WeakMap();
    instances.set(compiledModule, perMemory);
  }
  let kernels = perMemory.get(memory);
  if (kernels == null) {
    try {
      kernels = new WebAssembly.Instance(compiledModule, { env: { memory } })
        .exports as unknown as SimdKernels;
    } catch {
      return null; // the memory does not link (a future tfjs-backend-wasm build): keep the other paths
    }
    perMemory.set(memory, kernels);
  }
  return kernels;
}
