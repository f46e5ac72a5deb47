/**
 * Max pooling over 2x2 windows at stride 2, and `step` (relu's gradient mask), by SIMD
 * (`pool-step.wat` beside this file), loaded by {@link SimdModule}: two of the streaming kernels of a
 * convnet's training step that stock tfjs-backend-wasm runs by XNNPACK's general pooling and a scalar
 * loop.
 */
import type { WasmBackendLike } from '../kernel-scope.js';
import { FMA_WASM_BASE64, SIMD_WASM_BASE64 } from './generated/pool-step-wasm.js';
import { SimdModule } from './simd-module.js';

/** The module's functions. Pointers are byte offsets into the WASM heap, every tensor float32. */
export interface PoolStepKernels {
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
  /** `out[i] = x[i] > 0 ? 1 : alpha` for `i < n`, NaN where `x[i]` is NaN. */
  step(x: number, out: number, n: number, alpha: number): void;
}

const poolStepModule = new SimdModule<PoolStepKernels>(SIMD_WASM_BASE64, FMA_WASM_BASE64);

let enabled = true;

/**
 * Holds the pooling and step kernels off (`false`: stock tfjs-backend-wasm's kernels run) or lets
 * them run again (the default), for A/B benchmarks and tests.
 */
export function setPoolStepKernelsEnabled(on: boolean): void {
  enabled = on;
}

/**
 * The kernels on `backend`'s memory, or null where they cannot run (see simd-module.ts) or are held off
 * ({@link setPoolStepKernelsEnabled}).
 */
export function poolStepKernels(backend: WasmBackendLike): PoolStepKernels | null {
  return enabled ? poolStepModule.on(backend) : null;
}
