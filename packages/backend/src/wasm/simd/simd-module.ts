/**
 * One of tensorfold's hand-written WASM SIMD modules (a `*.wat` file beside this one, compiled by
 * scripts/compile-simd-kernels.mjs), instantiated on the memory of tfjs-backend-wasm's module so
 * that its kernels read and write tensors where they lie. Each `.wat` file is its own module, so
 * each stays under 4 KB, the largest that browsers compile synchronously on the main thread.
 *
 * A kernel that can use a module asks its {@link SimdModule.on}; where that returns null (no
 * WebAssembly SIMD, a threaded build whose memory is shared, a tfjs-backend-wasm that does not
 * export its memory, a page whose content security policy forbids compiling WebAssembly) it keeps
 * its other path (JavaScript or XNNPACK), which gives the same results.
 *
 * Two builds of each module exist: where the runtime validates relaxed SIMD (Node 22+, Chrome/Edge
 * 114+, Node 20 with `--experimental-wasm-relaxed-simd`) the FMA build, whose accumulations are
 * fused multiply-adds (`f32x4.relaxed_madd`: one rounding instead of two, so results differ from
 * the SIMD build in the last bits, and from one machine to another where the hardware has no FMA);
 * elsewhere the SIMD build. Chosen once per module, at its first use, and reported by
 * {@link SimdModule.flavor}.
 */
import type { WasmBackendLike } from '../kernel-scope.js';

/** Which build of a module runs: `'fma'` (relaxed SIMD), `'simd'`, or `'none'` (no WebAssembly SIMD). */
export type SimdKernelsFlavor = 'fma' | 'simd' | 'none';

let enabled = true;
let fmaAllowed = true;
const modules: SimdModule<object>[] = [];

/**
 * Turns every SIMD module off (`false`) or back on, for benchmarks and tests that compare them
 * with the JavaScript paths. On by default.
 */
export function setSimdKernelsEnabled(on: boolean): void {
  enabled = on;
}

/**
 * Lets the FMA builds be chosen (`true`, the default) or keeps the SIMD builds (`false`), as on a
 * runtime without relaxed SIMD; for benchmarks and tests that compare the two. Takes effect at the
 * next use of each module.
 */
export function setFmaKernelsEnabled(on: boolean): void {
  if (on !== fmaAllowed) for (const simdModule of modules) simdModule.forget();
  fmaAllowed = on;
}

/** The bytes of a module's base64 text (`SIMD_WASM_BASE64` or `FMA_WASM_BASE64` of a generated file). */
export function bytesOf(base64: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

/** A compiled `.wat` module and its instances, one per WASM memory. `T` is its exports' interface. */
export class SimdModule<T extends object> {
  private compiled: { module: WebAssembly.Module; flavor: 'fma' | 'simd' } | null | undefined;
  private instances = new WeakMap<WebAssembly.Memory, T>();

  /**
   * @param simdBase64 The SIMD build (`SIMD_WASM_BASE64` of the generated file).
   * @param fmaBase64 The FMA build (`FMA_WASM_BASE64`).
   */
  constructor(
    private readonly simdBase64: string,
    private readonly fmaBase64: string,
  ) {
    modules.push(this);
  }

  /** Forgets the compiled module, so the next use chooses its build again (as at start-up). */
  forget(): void {
    this.compiled = undefined;
    this.instances = new WeakMap();
  }

  /**
   * The module, compiled once: the FMA build where relaxed SIMD validates, else the SIMD build; null
   * without SIMD. Public for modules instantiated on another memory than tfjs-backend-wasm's (the
   * thread pool's shared memory).
   */
  module(): { module: WebAssembly.Module; flavor: 'fma' | 'simd' } | null {
    if (this.compiled === undefined) {
      this.compiled = null;
      const fma = bytesOf(this.fmaBase64);
      const builds = [
        ...(fmaAllowed && WebAssembly.validate(fma) ? [{ bytes: fma, flavor: 'fma' as const }] : []),
        { bytes: bytesOf(this.simdBase64), flavor: 'simd' as const },
      ];
      for (const { bytes, flavor } of builds) {
        try {
          // Synchronous: browsers allow it on the main thread for modules under 4 KB (a test keeps them so).
          this.compiled = { module: new WebAssembly.Module(bytes), flavor };
          break;
        } catch {
          // no (relaxed) SIMD here, or a content security policy forbids compiling: try the next build
        }
      }
    }
    return this.compiled;
  }

  /** Which build {@link on} gives on this runtime (see the module doc). */
  flavor(): SimdKernelsFlavor {
    return this.module()?.flavor ?? 'none';
  }

  /** The module's kernels on `backend`'s memory, or null where they cannot run (see the module doc). */
  on(backend: WasmBackendLike): T | null {
    const memory = backend.wasm?.asm?.memory;
    if (!enabled || memory == null || !(memory instanceof WebAssembly.Memory)) return null;
    if (typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer) return null;
    const compiledModule = this.module()?.module;
    if (compiledModule == null) return null;
    let kernels = this.instances.get(memory);
    if (kernels == null) {
      try {
        kernels = new WebAssembly.Instance(compiledModule, { env: { memory } }).exports as unknown as T;
      } catch {
        return null; // the memory does not link (a future tfjs-backend-wasm build): keep the other paths
      }
      this.instances.set(memory, kernels);
    }
    return kernels;
  }
}
