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

/**
 * The module on a memory of its own, in the build the other kernels use (FMA where they run FMA);
 * made at the first call (3 KB, compiled synchronously); null without SIMD or shared memory.
 */
export function soloChain(): SoloChain | null {
  const flavor = simdKernelsFlavor();
  if (flavor === 'none' || unavailable) return null;
  if (solo?.flavor === flavor) return solo;
  try {
    const base64 = flavor === 'fma' ? chainWasm.FMA_WASM_BASE64 : chainWasm.SIMD_WASM_BASE64;
    const bytes = bytesOf(base64);
    const memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
    solo = {
      flavor,
      memory,
      kernels: instance.exports as unknown as ThreadedInt8ChainKernels,
      skippedSteps: instance.exports.skippedSteps as WebAssembly.Global,
    };
  } catch {
    unavailable = true; // no shared WebAssembly memory here
    return null;
  }
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
