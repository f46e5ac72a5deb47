/**
 * tfjs-backend-wasm's threaded SIMD build, loaded in Node by its emscripten factory (tfjs-backend-wasm
 * itself never picks it there: `WASM_HAS_MULTITHREAD_SUPPORT` is false in Node, and its loader gives
 * emscripten a Blob URL for the pthread worker, which Node's worker_threads cannot start). The
 * worker's source, shipped as a string, is written to a temporary file; the factory's main script is
 * given as a path, which the Node worker reads with `importScripts` (fs). For issue 22's shared-heap
 * probes only (bench scripts), not a backend.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BackendWasm, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { tf } from '@tensorfold/core';

const require = createRequire(import.meta.url);

/** What the probes read of the emscripten module. */
export interface EmscriptenModule {
  wasmMemory: WebAssembly.Memory;
  HEAPF32: Float32Array;
  PThread: { unusedWorkers: unknown[]; runningWorkers: unknown[] };
  cwrap(name: string, ret: string | null, args: string[]): (...a: number[]) => number;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  tfjs?: Record<string, unknown>;
}

/**
 * Loads the build; `memory` (shared, at least 256 pages) replaces the 16 MiB shared memory that
 * emscripten would create (its import takes up to 65536 pages), for a probe whose own modules declare
 * a smaller maximum.
 */
export async function loadThreaded(
  memory?: WebAssembly.Memory,
): Promise<{ module: EmscriptenModule; ms: number; cleanup(): void }> {
  const wasmEntry = require.resolve('@tensorflow/tfjs-backend-wasm');
  const out = join(dirname(wasmEntry), '..', 'wasm-out');
  const main = join(out, 'tfjs-backend-wasm-threaded-simd.js');
  const { wasmWorkerContents } = require(join(out, 'tfjs-backend-wasm-threaded-simd.worker.js')) as {
    wasmWorkerContents: string;
  };
  const dir = mkdtempSync(join(tmpdir(), 'tfjs-threaded-'));
  const worker = join(dir, 'tfjs-backend-wasm-threaded-simd.worker.js');
  // the string holds `\n` escapes of its string literals as newlines (tfjs escapes them again for its Blob)
  writeFileSync(worker, wasmWorkerContents.replace(/\n/g, '\\n'));
  const factory = require(main) as (config: object) => Promise<EmscriptenModule>;
  const start = performance.now();
  const module = await factory({
    locateFile: (path: string) => (path.endsWith('.worker.js') ? worker : join(out, path)),
    mainScriptUrlOrBlob: main,
    ...(memory != null ? { wasmMemory: memory } : {}),
  });
  const ms = performance.now() - start;
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  return { module, ms, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Registers tfjs's `BackendWasm` on `module` under the name `wasm` (replacing tfjs-backend-wasm's own
 * factory), with XNNPACK on `threads` threads, so that tensorfold's start path (`useBackend('wasm')`)
 * runs on it.
 */
export async function useThreadedBuild(module: EmscriptenModule, threads: number): Promise<void> {
  setThreadsCount(threads);
  // tfjs's own loader evaluates these flags before it builds a BackendWasm; tensorfold reads them
  await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', () => new BackendWasm(module as never), 2);
}
