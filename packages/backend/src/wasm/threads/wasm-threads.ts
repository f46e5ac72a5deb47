/**
 * How many threads tensorfold's own WASM kernels use, and the pool that runs them (pool.ts) on the
 * shared memory of threaded-mat-mul.wat. One pool per process; `setWasmThreads` replaces it.
 */
import { ConfigError } from '@tensorfold/core';
import { environmentVariable, isNode } from '../../environment.js';
import type { ZeroStepKernels } from '../kernels/float-zero-skip.js';
import * as directConvWasm from '../simd/generated/threaded-direct-conv-wasm.js';
import * as blockedFilterGradientWasm from '../simd/generated/threaded-filter-gradient-blocked-wasm.js';
import * as filterGradientWasm from '../simd/generated/threaded-filter-gradient-wasm.js';
import * as int8ChainWasm from '../simd/generated/threaded-int8-chain-wasm.js';
import * as int8DirectWasm from '../simd/generated/threaded-int8-direct-wasm.js';
import * as int8Wasm from '../simd/generated/threaded-int8-wasm.js';
import * as matMulWasm from '../simd/generated/threaded-mat-mul-wasm.js';
import * as pairStepsWasm from '../simd/generated/threaded-pair-steps-wasm.js';
import { simdKernelsFlavor } from '../simd/simd-kernels.js';
import { bytesOf } from '../simd/simd-module.js';
import { ThreadPool } from './pool.js';

/** The environment variable that sets the number of threads (`1`, `2`, ... or `auto`). */
export const WASM_THREADS_ENV = 'TENSORFOLD_WASM_THREADS';

/** The shared memory's maximum: 16384 pages of 64 KiB (1 GiB), as threaded-mat-mul.wat declares. */
const MAX_PAGES = 16384;

/**
 * The arguments that a tile of a product on packed panels takes first (threaded-mat-mul.wat's
 * `matMulChunk`, threaded-pair-steps.wat's `pairChunk`): the tile, `op(a)` as rows, `op(b)`'s
 * panels, the output (byte offsets), the padded sizes, the tiles' sizes, the bias and the flags.
 */
type ProductTileArgs = [
  chunk: number,
  a: number,
  panels: number,
  out: number,
  rows: number,
  inner: number,
  cols: number,
  chunkRows: number,
  chunkCols: number,
  bias: number,
  flags: number,
];

/** The functions of threaded-mat-mul.wat (pointers are byte offsets into the pool's memory). */
export interface ThreadedMatMulKernels extends ZeroStepKernels {
  /**
   * One tile of a product on packed panels (see the .wat), then bias (flags bit 0) and relu (bit 1);
   * last, the zero-step lists (0 or none: every step).
   */
  matMulChunk(...args: [...ProductTileArgs, lists?: number]): void;
  /** `B[inner, cols]` (or, with `transposed` 1, `B^T[cols, inner]`) into zero-padded panels of 8 columns. */
  packPanels(b: number, panels: number, inner: number, cols: number, transposed: number): void;
  /** `dst[c, r] = src[r, c]` for `src[rows, cols]`. */
  transpose(src: number, dst: number, rows: number, cols: number): void;
  /**
   * Chunk `chunk` of a convolution as image patches times the filter's panels; its 22 arguments lie
   * as i32 at `params` (see the .wat).
   */
  convChunk(chunk: number, params: number): void;
}

/** The functions of threaded-pair-steps.wat (pointers are byte offsets into the pool's memory). */
export interface ThreadedPairKernels {
  /** pair-steps.wat's `pairSteps`: lists per pair of rows of `a [m, k]` and block of 256 steps. */
  pairSteps(a: number, lists: number, m: number, k: number): number;
  /**
   * One tile of a product on packed panels over `pairSteps`'s lists (see the .wat), then bias (flags
   * bit 0) and relu (bit 1); `matMulChunk`'s arguments, the lists, and where the lists' blocks end
   * (0 or none: each where the next begins; prepChunk's lists).
   */
  pairChunk(...args: [...ProductTileArgs, lists: number, ends?: number]): void;
  /**
   * Chunk `chunk` of a product's preparation (mat-mul-by-threads.ts): `op(a)`'s transpose and pair
   * lists, or a column group of `op(b)`'s panels and their finiteness; its 14 arguments lie as i32
   * at `params` (see the .wat).
   */
  prepChunk(chunk: number, params: number): void;
}

/** The functions of threaded-filter-gradient.wat. */
export interface ThreadedFilterGradientKernels {
  /**
   * Chunk `chunk` of a filter gradient: kernels.wat's `filterGradient` over the filter taps
   * `[chunk * per, (chunk + 1) * per)`, its 18 arguments and then `per` as i32 at `params`.
   */
  filterGradientChunk(chunk: number, params: number): void;
}

/** The functions of threaded-int8.wat (the integer inference kernels; see kernels/int8-by-threads.ts). */
export interface ThreadedInt8Kernels {
  /** Tile `chunk` of an int8 product of quantized rows; its 14 arguments lie as i32 at `params` (see the .wat). */
  int8GemmChunk(chunk: number, params: number): void;
  /**
   * Rows `[chunk * chunkRows, ...)` of int8.wat's `quantizeRows` (and byte levels `kPad8` apart at
   * `out8` where it is not 0); `flags[chunk]` = 1 where those rows have a negative value.
   */
  int8QuantizeChunk(
    chunk: number,
    x: number,
    rows: number,
    k: number,
    out: number,
    kPad: number,
    scales: number,
    chunkRows: number,
    out8: number,
    kPad8: number,
    flags: number,
    /** The largest level: 63 (DENSE_LEVEL_TOP) or 127 (CONV_LEVEL_TOP). */
    top: number,
  ): void;
  /** Chunk `chunk` of an int8 convolution; its 26 arguments lie as i32 at `params` (see the .wat). */
  int8ConvChunk(chunk: number, params: number): void;
  /** 1 in the FMA build (relaxed SIMD), which multiplies byte levels; absent from the SIMD build. */
  hasBytes?(): number;
}

/** The function of threaded-direct-conv.wat. */
export interface ThreadedDirectConvKernels {
  /**
   * Chunk `chunk` of a direct stride-1 convolution (direct-conv.wat's `directConv`): images
   * `[chunk * per, (chunk + 1) * per)`, its 16 arguments but `b0` and `count`, then `per`, as i32 at
   * `params`.
   */
  directConvChunk(chunk: number, params: number): void;
}

/** The function of threaded-filter-gradient-blocked.wat. */
export interface ThreadedBlockedFilterGradientKernels {
  /**
   * Chunk `chunk` of a register-blocked filter gradient: images `[chunk * per, (chunk + 1) * per)`
   * into the chunk's own partial gradient; filterGradientBlocked's 18 arguments, then `per`, as i32
   * at `params`.
   */
  filterGradientBlockedChunk(chunk: number, params: number): void;
}

/** The function of threaded-int8-direct.wat (kernels/int8-direct-conv.ts). */
export interface ThreadedInt8DirectKernels {
  /**
   * Chunk `chunk` of a direct int8 convolution: images `[chunk * per, (chunk + 1) * per)`, each
   * quantized by the chunk itself; its 26 arguments lie as i32 at `params` (see the .wat).
   */
  int8DirectConvChunk(chunk: number, params: number): void;
}

/** The function of threaded-int8-chain.wat (kernels/int8-chain-by-rows.ts). */
export interface ThreadedInt8ChainKernels {
  /**
   * Chunk `chunk` of a stack of int8 dense layers: rows `[chunk * chunkRows, ...)` through every
   * layer; its arguments lie as i32 at `params` (see the .wat).
   */
  int8ChainChunk(chunk: number, params: number): void;
  /** 1 in the FMA build (relaxed SIMD), which multiplies byte levels; absent from the SIMD build. */
  hasBytes?(): number;
}

/** The pool's modules, each in its SIMD and (where relaxed SIMD validates) FMA build. */
const MODULES = {
  matMul: matMulWasm,
  filterGradient: filterGradientWasm,
  int8: int8Wasm,
  directConv: directConvWasm,
  blockedFilterGradient: blockedFilterGradientWasm,
  int8Direct: int8DirectWasm,
  int8Chain: int8ChainWasm,
  pairs: pairStepsWasm,
} as const;

/** A module of the pool. */
export type PoolModule = keyof typeof MODULES;

/** The job functions of the pool (each module has one of them). */
const JOB_FUNCTIONS = [
  'matMulChunk',
  'filterGradientChunk',
  'convChunk',
  'int8GemmChunk',
  'int8QuantizeChunk',
  'int8ConvChunk',
  'directConvChunk',
  'filterGradientBlockedChunk',
  'int8DirectConvChunk',
  'int8ChainChunk',
  'pairChunk',
  'prepChunk',
] as const;

/** The pool and which of its modules is which (module, build). */
interface Running {
  pool: ThreadPool<object>;
  builds: { module: PoolModule; flavor: 'simd' | 'fma' }[];
}

let running: Running | null = null;
let enabled = true;

/**
 * Keeps the pool but runs every kernel on the calling thread (`false`), exactly as with 1 thread, or
 * lets the pool run again (`true`, the default); for benchmarks and tests that compare the two
 * without restarting workers.
 */
export function setThreadedKernelsEnabled(on: boolean): void {
  enabled = on;
}
let pending: Promise<number> = Promise.resolve(1);
/** What setWasmThreads was last asked for (undefined before its first call). */
let setting: number | 'auto' | undefined;

/**
 * The thread count last asked of {@link setWasmThreads} (a number or `'auto'`, as given), or
 * undefined before any: what to pass to `initBackend({ threads })` to keep the setting in force.
 */
export function wasmThreadsSetting(): number | 'auto' | undefined {
  return setting;
}

/** Why the last pool stopped running (a worker died), until setWasmThreads replaces it; else null. */
let lost: string | null = null;

/** The running pool, or null; a pool broken by a lost worker is dropped (and stopped) here. */
function whole(): Running | null {
  if (running?.pool.broken != null) {
    lost = running.pool.broken;
    void running.pool.close();
    running = null;
  }
  return running;
}

/**
 * Why tensorfold's thread pool was lost (`'worker 1 of 2 exited with code 1'`): a worker died, and
 * the kernels run on one thread since; null while the pool runs, without one, and after
 * {@link setWasmThreads} (or `initBackend`) has started or stopped the pool again.
 */
export function wasmThreadsLost(): string | null {
  whole();
  return lost;
}

/**
 * The thread count `auto` stands for: every core the runtime reports, at most 4 (products of
 * training's sizes gain little beyond).
 */
export async function autoThreads(): Promise<number> {
  let cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  if (cores == null && isNode()) {
    const osName = 'node:os';
    const os = (await import(/* @vite-ignore */ osName)) as typeof import('node:os');
    cores = os.availableParallelism();
  }
  return Math.max(1, Math.min(4, cores ?? 1));
}

/**
 * The thread count asked for by `option` (initBackend's `threads`), else by the
 * `TENSORFOLD_WASM_THREADS` environment variable, else `'auto'`. Throws a `ConfigError` for anything
 * but a positive integer or `'auto'`.
 */
export function requestedThreads(option: number | 'auto' | undefined): number | 'auto' {
  const source = option != null ? 'initBackend({ threads })' : `The environment variable ${WASM_THREADS_ENV}`;
  const value = option ?? environmentVariable(WASM_THREADS_ENV) ?? 'auto';
  if (value === 'auto') return 'auto';
  const count = typeof value === 'number' ? value : /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(count) || count < 1) {
    throw new ConfigError(
      `${source} must be a whole number of threads (1 or more) or 'auto', not ${String(value)}.`,
    );
  }
  return count;
}

/** Every module's builds that validate here, SIMD first; empty without WebAssembly SIMD. */
function compileBuilds(): { modules: WebAssembly.Module[]; builds: Running['builds'] } {
  const modules: WebAssembly.Module[] = [];
  const builds: Running['builds'] = [];
  for (const [module, wasm] of Object.entries(MODULES) as [PoolModule, typeof matMulWasm][]) {
    for (const [flavor, base64] of [
      ['simd', wasm.SIMD_WASM_BASE64],
      ['fma', wasm.FMA_WASM_BASE64],
    ] as const) {
      const bytes = bytesOf(base64);
      if (!WebAssembly.validate(bytes)) continue;
      try {
        modules.push(new WebAssembly.Module(bytes));
        builds.push({ module, flavor });
      } catch {
        // a content security policy forbids compiling: no threads
      }
    }
  }
  return { modules, builds };
}

/**
 * Makes tensorfold's WASM kernels use `requested` threads (`'auto'`: {@link autoThreads}) (the caller's and `threads - 1` workers);
 * 1 stops the workers and restores the one-thread paths exactly. Resolves to the number of threads
 * now in use: 1 where threads cannot run (no SharedArrayBuffer, not Node, no WebAssembly SIMD).
 */
export function setWasmThreads(requested: number | 'auto'): Promise<number> {
  setting = requested;
  const next = pending.then(async () => {
    const threads = requested === 'auto' ? await autoThreads() : requested;
    if (whole()?.pool.threads === threads) return threads;
    lost = null;
    const old = running;
    running = null;
    await old?.pool.close();
    if (threads < 2) return 1;
    const { modules, builds } = compileBuilds();
    if (builds.filter((build) => build.flavor === 'simd').length < Object.keys(MODULES).length) return 1;
    const pool = await ThreadPool.start<object>(threads, modules, MAX_PAGES, JOB_FUNCTIONS);
    if (pool == null) return 1;
    running = { pool, builds };
    return threads;
  });
  pending = next.catch(() => 1);
  return next;
}

/**
 * The number of threads tensorfold's WASM kernels use now (1 without a pool, with it held off, or
 * after a worker of it died: see pool.ts).
 */
export function wasmThreads(): number {
  return enabled ? (whole()?.pool.threads ?? 1) : 1;
}

/** What {@link threadPool} gives: the pool, the module's index in it, and its exports on this thread. */
export interface PoolUse<T> {
  pool: ThreadPool<object>;
  build: number;
  kernels: T;
}

/**
 * The pool and the build of `module` that matches the one-thread kernels' (FMA where they run FMA),
 * or null when no pool runs (or it is held off, or a worker of it died).
 */
export function threadPool(module: 'matMul'): PoolUse<ThreadedMatMulKernels> | null;
export function threadPool(module: 'filterGradient'): PoolUse<ThreadedFilterGradientKernels> | null;
export function threadPool(module: 'int8'): PoolUse<ThreadedInt8Kernels> | null;
export function threadPool(module: 'directConv'): PoolUse<ThreadedDirectConvKernels> | null;
export function threadPool(
  module: 'blockedFilterGradient',
): PoolUse<ThreadedBlockedFilterGradientKernels> | null;
export function threadPool(module: 'int8Direct'): PoolUse<ThreadedInt8DirectKernels> | null;
export function threadPool(module: 'int8Chain'): PoolUse<ThreadedInt8ChainKernels> | null;
export function threadPool(module: 'pairs'): PoolUse<ThreadedPairKernels> | null;
export function threadPool(module: PoolModule): PoolUse<object> | null {
  const current = whole();
  if (current == null || !enabled) return null;
  const flavor = simdKernelsFlavor();
  if (flavor === 'none') return null;
  const build = current.builds.findIndex((b) => b.module === module && b.flavor === flavor);
  if (build < 0) return null;
  handouts++;
  return { pool: current.pool, build, kernels: current.pool.kernels[build] };
}

let handouts = 0;

/**
 * How many times {@link threadPool} has handed the pool out (every kernel asks for it at each call,
 * before it writes the shared memory): a kernel that keeps data in that memory between its own calls
 * knows, where the count moved by its own call only, that no other kernel wrote there since.
 */
export function poolHandouts(): number {
  return handouts;
}
