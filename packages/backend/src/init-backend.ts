import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from '@tensorfold/core';
import type { BackendInfo, SkippedBackend } from './backend-info.js';
import { BACKEND_NAMES, type BackendName, parseBackendName } from './backend-name.js';
import { cpuAdvice } from './cpu-advice.js';
import { environmentVariable, isNode } from './environment.js';
import { startCpu } from './start/start-cpu.js';
import { liveWasmThreads, startWasm, type WasmPaths, wasmInfo } from './start/start-wasm.js';
import { startWebgpu, type WebgpuStartInfo } from './start/start-webgpu.js';
import { requestedThreads } from './wasm/threads/wasm-threads.js';

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /**
   * Try this backend first; if it cannot start, fall back in the usual order (webgpu, wasm, cpu) and
   * record why in `backendInfo().skipped`. A preferred `webgpu` may be a software adapter.
   * Default: none (the fastest that starts).
   */
  prefer?: BackendName;
  /**
   * Use exactly this backend or throw a `BackendError` that says why it cannot start; never falls
   * back. Overrides `prefer` and the `TENSORFOLD_BACKEND` environment variable. The CLI's
   * `--backend` flag maps to it.
   */
  require?: BackendName;
  /** Browser bundles only: where the `.wasm` files of tfjs-backend-wasm are served (a folder URL or a map). */
  wasmPaths?: WasmPaths;
  /**
   * WASM only: how many threads tensorfold's own kernels (matrix products, convolutions and their
   * filter gradient) run on: the calling thread and `threads - 1` workers sharing a
   * SharedArrayBuffer (Node's `worker_threads`; Web Workers in a cross-origin isolated page); 1 keeps
   * everything on the calling thread (exactly the one-thread paths). `'auto'`: every core, at most 4.
   * Overrides the `TENSORFOLD_WASM_THREADS` environment variable. Where threads cannot run (a page
   * that is not cross-origin isolated, no SharedArrayBuffer, no WebAssembly SIMD) it runs on 1;
   * `backendInfo().threads` says how many run. Default: `'auto'`.
   */
  threads?: number | 'auto';
}

/** The environment variable that forces a backend (`webgpu`, `wasm` or `cpu`). */
export const BACKEND_ENV = 'TENSORFOLD_BACKEND';

let active: BackendInfo | null = null;
let queue: Promise<unknown> = Promise.resolve();

/**
 * Starts the fastest compute backend that works here and makes it tfjs's active backend.
 *
 * - Browser: WebGPU when `navigator.gpu` gives a hardware adapter, else WASM, else CPU.
 * - Node: WebGPU through Dawn (the optional `webgpu` package) when a hardware adapter exists, else
 *   WASM, else CPU. A software adapter (SwiftShader) is used only when asked for: it is slower than WASM.
 * - `TENSORFOLD_BACKEND=webgpu|wasm|cpu` or `require` forces one; if it cannot start, this throws a
 *   `BackendError` saying why (for example that no Vulkan driver was found) instead of falling back.
 * - Nothing is printed, except one `console.warn` line when it falls back to the CPU by itself (WASM
 *   did not start): the CPU backend trains two orders of magnitude slower (`BackendInfo.advice`).
 *   Why faster backends were passed over is in `skipped`, one line each.
 *
 * The WASM backend is completed with the kernels training needs (see `registerWasmKernels`).
 * Calls are serialized; calling again switches backends.
 *
 * @example
 * const info = await initBackend();
 * console.log(describeBackend(info)); // "wasm (SIMD, 1 thread)" on a machine without a GPU
 */
export function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  const run = queue.then(() => start(options));
  queue = run.catch(() => undefined);
  return run;
}

/** Forces `name` (shorthand for `initBackend({ require: name })`); for tests that loop over backends. */
export async function useBackend(name: BackendName): Promise<BackendInfo> {
  return initBackend({ require: parseBackendName(name, 'useBackend(name)') });
}

/**
 * The active backend as {@link initBackend} started it. If the backend was switched with
 * `tf.setBackend` since, describes that one. Throws a `BackendError` before any backend runs.
 */
export function backendInfo(): BackendInfo {
  const current = tf.getBackend();
  if (active != null && active.name === current) {
    if (current !== 'wasm') return active;
    // The thread count as it is now (a lost worker, setWasmThreads since), not as at start-up.
    const { threadPoolLost: _startUp, ...started } = active;
    return { ...started, ...liveWasmThreads() };
  }
  if (current === 'wasm')
    return { name: 'wasm', chosenBy: 'auto', platform: platform(), ...wasmInfo(), skipped: [] };
  if (current === 'cpu' || current === 'webgpu')
    return { name: current, chosenBy: 'auto', platform: platform(), skipped: [] };
  throw new BackendError('No tensorfold backend is active: call `await initBackend()` first.');
}

async function start(options: InitBackendOptions): Promise<BackendInfo> {
  const plan = choosePlan(options);
  const threads = requestedThreads(options.threads);
  const skipped: SkippedBackend[] = [];
  for (const name of plan.order) {
    const strict = plan.strict || (name === plan.order[0] && plan.chosenBy === 'preferred');
    try {
      const details = await startOne(name, { strict, wasmPaths: options.wasmPaths, threads });
      const chosenBy = plan.chosenBy === 'preferred' && name !== plan.order[0] ? 'auto' : plan.chosenBy;
      active = { name, chosenBy, platform: platform(), ...details, skipped };
      if (name === 'cpu') {
        active.advice = cpuAdvice(skipped, active.platform);
        // Nobody asked for the CPU: say so, since everything is now two orders of magnitude slower.
        if (chosenBy === 'auto') console.warn(`tensorfold: ${active.advice}`);
      }
      return active;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (plan.strict) {
        throw new BackendError(
          `Backend "${name}" was required (${plan.source}) but cannot start: ${reason}`,
          { cause: error },
        );
      }
      skipped.push({ name, reason });
    }
  }
  throw new BackendError(
    `No backend could start: ${skipped.map((s) => `${s.name}: ${s.reason}`).join(' | ')}`,
  );
}

interface Plan {
  order: BackendName[];
  strict: boolean;
  chosenBy: BackendInfo['chosenBy'];
  source: string;
}

function choosePlan(options: InitBackendOptions): Plan {
  if (options.require != null) {
    const name = parseBackendName(options.require, 'initBackend({ require })');
    return { order: [name], strict: true, chosenBy: 'required', source: `require: '${name}'` };
  }
  const forced = environmentVariable(BACKEND_ENV);
  if (forced != null) {
    const name = parseBackendName(forced, `The environment variable ${BACKEND_ENV}`);
    return { order: [name], strict: true, chosenBy: 'environment', source: `${BACKEND_ENV}=${name}` };
  }
  if (options.prefer != null) {
    const name = parseBackendName(options.prefer, 'initBackend({ prefer })');
    return {
      order: [name, ...BACKEND_NAMES.filter((n) => n !== name)],
      strict: false,
      chosenBy: 'preferred',
      source: '',
    };
  }
  return { order: [...BACKEND_NAMES], strict: false, chosenBy: 'auto', source: '' };
}

/** Starts one backend; `strict` accepts a software WebGPU adapter (and looks for one). */
async function startOne(
  name: BackendName,
  options: { strict: boolean; wasmPaths?: WasmPaths; threads: number | 'auto' },
): Promise<Partial<BackendInfo>> {
  if (name === 'webgpu') {
    const info: WebgpuStartInfo = await startWebgpu({
      allowSoftware: options.strict,
      softwareFallback: options.strict,
    });
    return { adapter: info.adapter, softwareAdapter: info.softwareAdapter };
  }
  if (name === 'wasm') return startWasm(options.wasmPaths, options.threads);
  await startCpu();
  return {};
}

function platform(): BackendInfo['platform'] {
  return isNode() ? 'node' : 'browser';
}
