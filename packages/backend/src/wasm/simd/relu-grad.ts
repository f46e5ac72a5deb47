/**
 * relu's gradient mask in one pass (`relu-grad.wat` beside this file), loaded by {@link SimdModule}: the
 * WASM kernel of core's `RELU_GRAD`, which replaces `Step` then `Multiply` in the backward pass of a
 * convolution or dense layer trained through one fused kernel, and of core's `RELU_GRAD_SUMS`, the same
 * mask with the bias's gradient (the column sums) in the same pass.
 */
import type { WasmBackendLike } from '../kernel-scope.js';
import { FMA_WASM_BASE64, SIMD_WASM_BASE64 } from './generated/relu-grad-wasm.js';
import { SimdModule } from './simd-module.js';

/** The module's function. Pointers are byte offsets into the WASM heap, every tensor float32. */
export interface ReluGradKernel {
  /**
   * `dx[i] = dy[i] * step(y[i])` for `i < size` (step: 1 where `y > 0`, NaN where `y` is NaN, 0
   * elsewhere). `dx` may be `dy`.
   */
  reluGrad(dy: number, y: number, dx: number, size: number): void;
  /**
   * `reluGrad` over `dy`, `y`, `dx` `[rows, cols]`, and at once `out[c]` = the sum over rows of
   * `dx[r, c]`, rows added in order from 0 (column-sums.wat's `columnSums` order: the same bits). `dx`
   * may be `dy`; `out` (`cols` floats) overlaps neither.
   */
  reluGradSums(dy: number, y: number, dx: number, out: number, rows: number, cols: number): void;
}

const reluGradModule = new SimdModule<ReluGradKernel>(SIMD_WASM_BASE64, FMA_WASM_BASE64);

/** The kernel on `backend`'s memory, or null where it cannot run (see simd-module.ts). */
export function reluGradKernel(backend: WasmBackendLike): ReluGradKernel | null {
  return reluGradModule.on(backend);
}
