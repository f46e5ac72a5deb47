/**
 * A dense layer's bias and relu in place on a product (`bias-relu.wat` beside this file), loaded by
 * {@link SimdModule}: the epilogue of `_FusedMatMul` where tensorfold's own product kernel runs it.
 */
import type { WasmBackendLike } from '../kernel-scope.js';
import { FMA_WASM_BASE64, SIMD_WASM_BASE64 } from './generated/bias-relu-wasm.js';
import { SimdModule } from './simd-module.js';

/** The module's function. Pointers are byte offsets into the WASM heap, every tensor float32. */
export interface BiasRelu {
  /**
   * `out[r, c] += bias[c]` where `flags & 1`, then `out[r, c] = max(out[r, c], 0)` where `flags & 2`
   * (NaN kept), for `out` `[rows, cols]`. Needs `cols % 4 === 0`.
   */
  biasRelu(out: number, bias: number, rows: number, cols: number, flags: number): void;
}

const biasReluModule = new SimdModule<BiasRelu>(SIMD_WASM_BASE64, FMA_WASM_BASE64);

/** The epilogue on `backend`'s memory, or null where it cannot run (see simd-module.ts). */
export function biasRelu(backend: WasmBackendLike): BiasRelu | null {
  return biasReluModule.on(backend);
}
