import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from '@tensorfold/core';
import { registerWasmKernels } from '../wasm/register-kernels.js';
import { simdKernelsFlavor } from '../wasm/simd/simd-kernels.js';
import { setWasmThreads, wasmThreads, wasmThreadsLost } from '../wasm/threads/wasm-threads.js';

/** Where the `.wasm` binaries are served from (browser bundles); see tfjs-backend-wasm's `setWasmPaths`. */
export type WasmPaths = string | Record<string, string>;

/** What the WASM backend reports once started. */
export interface WasmStartInfo {
  threads: number;
  /** Why tensorfold's thread pool was lost (a worker died), where it was; see `BackendInfo`. */
  threadPoolLost?: string;
  simd: boolean;
  fma: boolean;
  addedKernels: string[];
}

let pathsSet = false;
let addedKernels: string[] = [];

/**
 * Starts tfjs-backend-wasm (XNNPACK, SIMD where the engine supports it) after completing it with the
 * kernels training needs (see `registerWasmKernels`), and tensorfold's thread pool with `threads`
 * threads (1: none; see wasm/threads/wasm-threads.ts).
 */
export async function startWasm(wasmPaths?: WasmPaths, threads: number | 'auto' = 1): Promise<WasmStartInfo> {
  addedKernels = [...new Set([...addedKernels, ...registerWasmKernels()])];
  if (wasmPaths != null && !pathsSet) {
    setWasmPaths(wasmPaths);
    pathsSet = true;
  }
  let started = false;
  try {
    started = await tf.setBackend('wasm');
  } catch (error) {
    throw new BackendError(`The WASM backend did not start: ${(error as Error).message}`, { cause: error });
  }
  if (!started) {
    throw new BackendError(
      'The WASM backend did not start (tfjs logged the cause above). In a browser, serve the .wasm files of ' +
        '@tensorflow/tfjs-backend-wasm and pass their location as initBackend({ wasmPaths: "/path/to/dir/" }).',
    );
  }
  await tf.ready();
  await setWasmThreads(threads);
  return wasmInfo();
}

/**
 * The threads the WASM kernels run on now (tensorfold's pool, else XNNPACK's) and, where a worker of
 * the pool died since it started, why: read at each call, not at start-up.
 */
export function liveWasmThreads(): Pick<WasmStartInfo, 'threads' | 'threadPoolLost'> {
  const lost = wasmThreadsLost();
  return {
    threads: Math.max(getThreadsCount(), wasmThreads()),
    ...(lost != null ? { threadPoolLost: lost } : {}),
  };
}

/** Threads, SIMD, FMA and added kernels of the running WASM backend. */
export function wasmInfo(): WasmStartInfo {
  return {
    ...liveWasmThreads(),
    simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'),
    fma: simdKernelsFlavor() === 'fma',
    addedKernels: [...addedKernels],
  };
}
