/**
 * The page of the browser threads test (bundled by esbuild, served cross-origin isolated, opened in
 * Chromium): starts WASM on 2 threads through `initBackend`, runs a transposed product and a
 * convolution's filter gradient on the pool, and reports how far they are from a plain JavaScript
 * reference and whether 3 threads give the same bits.
 */
import { BackendError, tf } from '@tensorfold/core';
import { describeBackend } from '../../backend-info.js';
import { initBackend } from '../../init-backend.js';
import type { WasmBackendLike } from '../../wasm/kernel-scope.js';
import { matMulByThreads } from '../../wasm/kernels/mat-mul-by-threads.js';
import { SIMD_WASM_BASE64 } from '../../wasm/simd/generated/threaded-mat-mul-wasm.js';
import {
  faultyJob,
  faultyMatMul,
  firstFailure,
  THROW_HOLDING_A_CHUNK,
} from '../../wasm/test-utils/pool-faults.js';
import { ThreadPool } from '../../wasm/threads/pool.js';
import { setWasmThreads, type ThreadedMatMulKernels, wasmThreads } from '../../wasm/threads/wasm-threads.js';

/** What the page reports back to the test. */
export interface ThreadsReport {
  crossOriginIsolated: boolean;
  description: string;
  threads: number;
  /** Largest |pool - reference| of the product. */
  maxError: number;
  /** Whether 3 threads gave the same bits as 2. */
  sameBits: boolean;
  /** Threads in use after `setWasmThreads(3)`. */
  threadsAfter: number;
  /** Whether the threaded product took the product itself (not the one-thread paths). */
  pooled: boolean;
}

async function runThreadChecks(options: { wasmPaths: string }): Promise<ThreadsReport> {
  const info = await initBackend({ require: 'wasm', wasmPaths: options.wasmPaths, threads: 2 });
  // [128, 300] . [200, 300]^T: 7.7M multiply-adds, on the pool.
  const a = tf.randomUniform([128, 300], -1, 1, 'float32', 1);
  const b = tf.randomUniform([200, 300], -1, 1, 'float32', 2);
  const product = async () => {
    const y = tf.matMul(a, b, false, true);
    const values = Float32Array.from(await y.data());
    y.dispose();
    return values;
  };
  const two = await product();
  const direct = matMulByThreads(tf.backend() as unknown as WasmBackendLike, { a, b }, { transposeB: true });
  if (direct != null) tf.engine().makeTensorFromTensorInfo(direct).dispose();
  const [av, bv] = [await a.data(), await b.data()];
  let maxError = 0;
  for (let i = 0; i < 128; i++) {
    for (let j = 0; j < 200; j++) {
      let sum = 0;
      for (let p = 0; p < 300; p++) sum += av[i * 300 + p] * bv[j * 300 + p];
      maxError = Math.max(maxError, Math.abs(sum - two[i * 200 + j]));
    }
  }
  await setWasmThreads(3);
  const threadsAfter = wasmThreads();
  const three = await product();
  tf.dispose([a, b]);
  await setWasmThreads(1);
  return {
    crossOriginIsolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
    description: describeBackend(info),
    threads: info.threads ?? 1,
    maxError,
    sameBits: three.every((v, i) => Object.is(v, two[i])),
    threadsAfter,
    pooled: direct != null,
  };
}

/** What the page reports of a pool whose worker throws holding a chunk (see pool-faults.ts). */
export interface LostWorkerReport {
  /** The error's class and message, or null where no job failed. */
  error: string | null;
  /** Whether the error is @tensorfold/core's BackendError. */
  backendError: boolean;
  /** The pool's `broken` afterwards. */
  broken: string | null;
  /** Whether a later job throws at once (the pool is stopped). */
  laterThrows: boolean;
}

/**
 * Starts a 2-thread pool whose worker throws an uncaught error while it holds a chunk, runs jobs until
 * one fails: the main thread, which spins here (it may not block), must stop spinning and throw.
 */
async function runLostWorkerCheck(): Promise<LostWorkerReport> {
  const module = new WebAssembly.Module(Uint8Array.from(atob(SIMD_WASM_BASE64), (c) => c.charCodeAt(0)));
  const pool = await ThreadPool.start<ThreadedMatMulKernels>(
    2,
    [module],
    512,
    ['matMulChunk'],
    faultyMatMul(THROW_HOLDING_A_CHUNK),
  );
  if (pool == null) throw new Error('no pool in this page');
  const error = firstFailure(pool);
  let laterThrows = false;
  try {
    faultyJob(pool);
  } catch {
    laterThrows = true;
  }
  await pool.close();
  return {
    error: error instanceof Error ? `${error.constructor.name}: ${error.message}` : null,
    backendError: error instanceof BackendError,
    broken: pool.broken,
    laterThrows,
  };
}

(globalThis as unknown as { runThreadChecks: typeof runThreadChecks }).runThreadChecks = runThreadChecks;
(globalThis as unknown as { runLostWorkerCheck: typeof runLostWorkerCheck }).runLostWorkerCheck =
  runLostWorkerCheck;
