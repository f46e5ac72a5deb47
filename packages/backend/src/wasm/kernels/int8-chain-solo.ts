/**
 * threaded-int8-chain.wat on the calling thread, on a WebAssembly memory of its own (not
 * tfjs-backend-wasm's heap, not the pool's): int8-chain-by-rows.ts's one-thread path, which keeps
 * every layer's weights there between calls as the pool does. The module imports a shared memory
 * (it is the pool's module), so this needs shared WebAssembly memory (Node; a cross-origin isolated
 * page); elsewhere the int8 dense kernels run on tfjs-backend-wasm's heap (int8-dense-chain.ts).
 */
import * as chainWasm from '../simd/generated/threaded-int8-chain-wasm.js';
import { simdKernelsFlavor } from '../simd/simd-kernels.js';
import { bytesOf } from '../simd/simd-module.js';
import type { ThreadedInt8ChainKernels } from '../threads/wasm-threads.js';

/** The module's instance for the current SIMD flavor, and its memory. */
export interface SoloChain {
  flavor: 'simd' | 'fma';
  memory: WebAssembly.Memory;
  kernels: ThreadedInt8ChainKernels;
  /**
   * The module's count of the steps of k (pairs of rows, where bytes are multiplied) that its
   * products passed over as 0 (`setInt8ZeroSkipEnabled`): this instance's alone, so the one-thread
   * path's (tests read it; the pool's instances keep their own).
   */
  skippedSteps: WebAssembly.Global;
}

/** Pages of 64 KiB at most, as the module declares (1 GiB). */
const MAX_PAGES = 16384;

let solo: SoloChain | null = null;
let unavailable = false;

/** The build to run instead ({@link setSoloChainModule}), null for the built-in one. */
let swapped: Uint8Array<ArrayBuffer> | null = null;
/** The instances of swapped-in builds (kept while their bytes are), so that each keeps its weights. */
const swappedSolos = new WeakMap<Uint8Array<ArrayBuffer>, SoloChain | null>();

/**
 * For benchmarks that compare two builds of threaded-int8-chain.wat in one process: the one-thread
 * path runs `bytes` (a compiled build of the module, for the current SIMD flavor) on a memory of its
 * own, made at its first use and kept with its weights while `bytes` is; null (the default) goes
 * back to the built-in module (whose memory and kept weights stay as they were).
 */
export function setSoloChainModule(bytes: Uint8Array<ArrayBuffer> | null): void {
  swapped = bytes;
}

/** The module `bytes` on a new memory of its own; null where shared memory is missing. */
function instantiate(flavor: 'simd' | 'fma', bytes: Uint8Array<ArrayBuffer>): SoloChain | null {
  try {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
    return {
      flavor,
      memory,
      kernels: instance.exports as unknown as ThreadedInt8ChainKernels,
      skippedSteps: instance.exports.skippedSteps as WebAssembly.Global,
    };
  } catch {
    return null;
  }
}

/**
 * The module on a memory of its own, in the build the other kernels use (FMA where they run FMA);
 * made at the first call (4 KB at most, compiled synchronously); null without SIMD or shared memory.
 */
export function soloChain(): SoloChain | null {
  const flavor = simdKernelsFlavor();
  if (flavor === 'none' || unavailable) return null;
  if (swapped != null) {
    let other = swappedSolos.get(swapped);
    if (other === undefined || (other != null && other.flavor !== flavor)) {
      other = instantiate(flavor, swapped);
      swappedSolos.set(swapped, other);
    }
    return other;
  }
  if (solo?.flavor === flavor) return solo;
  const base64 = flavor === 'fma' ? chainWasm.FMA_WASM_BASE64 : chainWasm.SIMD_WASM_BASE64;
  solo = instantiate(flavor, bytesOf(base64));
  unavailable = solo == null; // no shared WebAssembly memory here
  return solo;
}

/** Grows the solo memory to at least `bytes`; false where its maximum is smaller. */
export function reserveSolo(s: SoloChain, bytes: number): boolean {
  const have = s.memory.buffer.byteLength;
  if (bytes <= have) return true;
  try {
    s.memory.grow(Math.ceil((bytes - have) / 65536));
    return true;
  } catch {
    return false;
  }
}
