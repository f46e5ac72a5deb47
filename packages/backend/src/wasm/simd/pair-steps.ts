/**
 * The one-thread float32 product over lists of each pair of rows' nonzero steps (`pair-steps.wat`
 * beside this file; the pool's twin: threaded-pair-steps.wat), loaded by {@link SimdModule}; float-zero-skip.ts decides per call whether it runs.
 */
import type { WasmBackendLike } from '../kernel-scope.js';
import { FMA_WASM_BASE64, SIMD_WASM_BASE64 } from './generated/pair-steps-wasm.js';
import { SimdModule } from './simd-module.js';

/** The module's functions. Pointers are byte offsets into the WASM heap, every tensor float32. */
export interface PairStepKernels {
  /**
   * Lists, for each pair of rows `r` (rows `2r`, `2r + 1`) of `a [m, k]` (`m` even) and block `kb`
   * of 256 steps of `k`, the steps `p` where `a[2r, p]` or `a[2r + 1, p]` is not ±0 (as `p * 4`) at
   * `lists` (`m / 2 * ceil(k / 256) + 1` addresses, block `(r, kb)`'s steps from word
   * `r * ceil(k / 256) + kb` to the next word's, then at most `m / 2 * k` steps), and returns how many
   * it listed.
   */
  pairSteps(a: number, lists: number, m: number, k: number): number;
  /**
   * `out [m, n] = a [m, k] . b [k, n]` (row-major; `out` need not be zeroed) over `pairSteps`'s lists
   * of `a`, each pair of rows walking its listed steps in order, 16 columns at a time, each panel of
   * 16 columns of `b` first copied to `panel` (`k * 16` floats). A panel holding an Infinity or a NaN
   * walks every step (listed at `every`, `k` words, which it writes); returns how many panels did.
   * Needs `m` even, `n % 16 === 0`. `flags` (default 0): `| 1` where `b` is given transposed, as
   * `bT [n, k]` (a panel's 16 columns are 16 rows of `bT`, transposed 4 x 4 as they are copied: `dy .
   * W^T` needs no separate transpose of `W`); `| 2` to walk every step in every panel (the lists are
   * not read).
   */
  matMulPairs(
    a: number,
    b: number,
    out: number,
    m: number,
    k: number,
    n: number,
    lists: number,
    every: number,
    panel: number,
    flags?: number,
  ): number;
}

/** Words of `pairSteps`'s lists of `a [m, k]`: the addresses, and one per pair of rows and step. */
export function listWords(m: number, k: number): number {
  return (m / 2) * Math.ceil(k / 256) + 1 + (m / 2) * k;
}

/**
 * Floats of scratch for `pairSteps`' lists of `a [m, k]` and `matMulPairs`' list of every step and
 * panel: the lists, `k`, a panel of `k x 16`, and 16 to align the panel to 64 bytes (a cache line).
 */
export function pairStepsFloats(m: number, k: number): number {
  return listWords(m, k) + k + 16 + k * 16;
}

/** Where `matMulPairs`' list of every step and its panel go in the scratch at `lists` (bytes). */
export function pairScratchAt(lists: number, m: number, k: number): { every: number; panel: number } {
  const every = lists + 4 * listWords(m, k);
  return { every, panel: Math.ceil((every + 4 * k) / 64) * 64 };
}

/** `matMulPairs`' flag: `b` is given transposed, `bT [n, k]`. */
export const PAIRS_B_TRANSPOSED = 1;

/** `matMulPairs`' flag: every panel walks every step. */
export const PAIRS_EVERY_STEP = 2;

const pairStepsModule = new SimdModule<PairStepKernels>(SIMD_WASM_BASE64, FMA_WASM_BASE64);

/** The build run instead ({@link setPairStepsModule}), null for the built-in one. */
let swapped: SimdModule<PairStepKernels> | null = null;
/** The swapped-in builds, compiled once per bytes. */
const swappedModules = new WeakMap<Uint8Array, SimdModule<PairStepKernels>>();

/**
 * For benchmarks that compare two builds of pair-steps.wat in one process (tools/bench's
 * pair-steps-build-ab): the one-thread pairs' product runs `bytes` (a compiled build of the module,
 * FMA where the runtime has relaxed SIMD) from now on; null (the default) goes back to the built-in
 * module. Process-wide. Throws where `bytes` do not compile here or lack the module's exports (else
 * the product would quietly fall back to the dense loop, the same values, and an A/B would time that).
 */
export function setPairStepsModule(bytes: Uint8Array | null): void {
  if (bytes === null) {
    swapped = null;
    return;
  }
  let module = swappedModules.get(bytes);
  if (module === undefined) {
    if (!WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>)) {
      throw new Error(
        'setPairStepsModule: these bytes do not compile on this runtime. Pass a build of pair-steps.wat ' +
          '(an FMA build needs relaxed SIMD: Node 22+, or Node 20 with --experimental-wasm-relaxed-simd), or null.',
      );
    }
    const exported = WebAssembly.Module.exports(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>)).map(
      (e) => e.name,
    );
    if (!['pairSteps', 'matMulPairs'].every((name) => exported.includes(name))) {
      throw new Error(
        `setPairStepsModule: the module exports ${exported.join(', ') || 'nothing'}, not pairSteps and matMulPairs. ` +
          'Pass a build of pair-steps.wat, or null.',
      );
    }
    const base64 = btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(''));
    module = new SimdModule<PairStepKernels>(base64, base64);
    swappedModules.set(bytes, module);
  }
  swapped = module;
}

/** The kernels on `backend`'s memory, or null where they cannot run (see simd-module.ts). */
export function pairStepKernels(backend: WasmBackendLike): PairStepKernels | null {
  return (swapped ?? pairStepsModule).on(backend);
}
