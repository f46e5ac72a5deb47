import type { BackendName } from './backend-name.js';

/** A backend that was tried and did not start, and why. */
export interface SkippedBackend {
  name: BackendName;
  /** What went wrong, in words that say what to do about it. */
  reason: string;
}

/** What {@link initBackend} started. */
export interface BackendInfo {
  /** The active backend. */
  name: BackendName;
  /** How it was chosen: `'auto'` (fastest that starts), `'preferred'`, `'required'` (option), or `'environment'` (`TENSORFOLD_BACKEND`). */
  chosenBy: 'auto' | 'preferred' | 'required' | 'environment';
  /** Where it runs: `'node'` or `'browser'`. */
  platform: 'node' | 'browser';
  /** WebGPU only: the adapter, e.g. `'nvidia ampere'` or `'SwiftShader driver 5.0.0 (software)'`. */
  adapter?: string;
  /** WebGPU only: true for a CPU-emulated adapter such as SwiftShader (correct but slow). */
  softwareAdapter?: boolean;
  /**
   * WASM only: threads the kernels run on: tensorfold's own thread pool (its matrix products; see
   * `initBackend`'s `threads`), else XNNPACK's (1 in Node, where tfjs-backend-wasm 4.22 runs
   * single-threaded). Read when `backendInfo()` is called: 1 once a worker of the pool died (see
   * `threadPoolLost`), the new count after `setWasmThreads`.
   */
  threads?: number;
  /**
   * WASM only, where tensorfold's thread pool was lost: why (a worker died, e.g. `'worker 1 of 2
   * exited with code 1'`). The kernels then run on one thread, with the same results, until
   * `setWasmThreads` or `initBackend` starts the pool again. Absent while the pool runs or none was
   * started.
   */
  threadPoolLost?: string;
  /** WASM only: whether the SIMD build is in use. */
  simd?: boolean;
  /**
   * WASM only: whether tensorfold's own SIMD kernels run their fused multiply-add build (relaxed SIMD:
   * Node 22+, Chrome/Edge 114+, Node 20 with `--experimental-wasm-relaxed-simd`).
   */
  fma?: boolean;
  /** WASM only: the kernels this package added or replaced (see `registerWasmKernels`). */
  addedKernels?: string[];
  /** Backends tried before this one and why they were passed over. */
  skipped: SkippedBackend[];
  /**
   * CPU only: how much slower it is than WASM, why WASM did not start and how to get it (one line).
   * `initBackend` also prints it with `console.warn` when it fell back to the CPU by itself.
   */
  advice?: string;
}

/** One line for logs and CLI headers, e.g. `wasm (SIMD, 1 thread)` or `wasm (SIMD + FMA, 1 thread)`. */
export function describeBackend(info: BackendInfo): string {
  if (info.name === 'webgpu') return `webgpu (${info.adapter ?? 'unknown adapter'})`;
  if (info.name === 'wasm') {
    const threads = info.threads ?? 1;
    const simd = info.simd ? (info.fma ? 'SIMD + FMA' : 'SIMD') : 'no SIMD';
    return `wasm (${simd}, ${threads} thread${threads === 1 ? '' : 's'})`;
  }
  return 'cpu (plain JavaScript)';
}
