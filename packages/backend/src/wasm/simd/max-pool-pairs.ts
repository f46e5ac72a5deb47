/**
 * Max pooling over 2x2 windows at stride 2 by SIMD (`max-pool-pairs.wat` beside this file), loaded by
 * {@link SimdModule}: the default `maxPooling2d` of a convnet, which stock tfjs-backend-wasm runs on
 * XNNPACK's general pooling.
 */
import type { WasmBackendLike } from '../kernel-scope.js';
import { FMA_WASM_BASE64, SIMD_WASM_BASE64 } from './generated/max-pool-pairs-wasm.js';
import { SimdModule } from './simd-module.js';

/** The module's function. Pointers are byte offsets into the WASM heap, every tensor float32. */
export interface MaxPoolPairsKernel {
  /**
   * `y[b, oh, ow, c]` = the largest of `x[b, 2 * oh + i, 2 * ow + j, c]` for `i, j` in `{0, 1}`, each
   * taken only where it is larger than the ones before, from -Infinity (a NaN is passed over). `x` is
   * `[batch, inH, inW, channels]`, `y` `[batch, outH, outW, channels]`. Needs `channels % 4 === 0`,
   * `2 * outH <= inH`, `2 * outW <= inW`.
   */
  maxPoolPairs(
    x: number,
    y: number,
    batch: number,
    inH: number,
    inW: number,
    channels: number,
    outH: number,
    outW: number,
  ): void;
}

const maxPoolPairsModule = new SimdModule<MaxPoolPairsKernel>(SIMD_WASM_BASE64, FMA_WASM_BASE64);

let enabled = true;

/**
 * Holds the kernel off (`false`: stock tfjs-backend-wasm's MaxPool runs) or lets it run again (the
 * default), for A/B benchmarks and tests.
 */
export function setMaxPoolPairsEnabled(on: boolean): void {
  enabled = on;
}

/**
 * The kernel on `backend`'s memory, or null where it cannot run (see simd-module.ts) or is held off
 * ({@link setMaxPoolPairsEnabled}).
 */
export function maxPoolPairsKernel(backend: WasmBackendLike): MaxPoolPairsKernel | null {
  return enabled ? maxPoolPairsModule.on(backend) : null;
}
