/**
 * The step kernels of the fused GRU in its reset-before form (`gru-reset-before.wat` beside this
 * file), loaded by {@link SimdModule} (see simd-module.ts for when they run). The driver that loops
 * over time is src/wasm/kernels/fused-gru-reset-before.ts.
 */
import type { WasmBackendLike } from '../kernel-scope.js';
import { FMA_WASM_BASE64, SIMD_WASM_BASE64 } from './generated/gru-reset-before-wasm.js';
import { SimdModule } from './simd-module.js';

/**
 * The functions. Pointers are byte offsets into the WASM heap; every block is `n` floats
 * (`n % 4 === 0`), the units × batch matrix of one step; a gates block `p` (or `g`, `dp`) is 3 such
 * blocks in the order z, r, candidate. A `mask` (or `dy`) pointer of 0 means none; where
 * `mask <= 0.5` the step is padding.
 */
export interface GruResetBeforeKernels {
  /**
   * Forward, first half: `p` holds the pre-activations of z and r and the candidate's input part
   * `x W_h + b_h`; blocks 0 and 1 become `z = σ(p0)`, `r = σ(p1)`, and `rh` gets `r ⊙ hPrev`.
   */
  gatesForward(p: number, hPrev: number, rh: number, n: number): void;
  /**
   * Forward, second half, with `q = U_hᵀ (r ⊙ hPrev)`: block 2 becomes `ĥ = tanh(p2 + q)`, and `hOut`
   * gets `z hPrev + (1 − z) ĥ`, or `hPrev` where the mask says padding.
   */
  stateForward(p: number, q: number, hPrev: number, mask: number, hOut: number, n: number): void;
  /**
   * Backward, first half: with `dh = dhNext + dhRec + dy` and the blocks z, r, ĥ of `g`, writes the
   * pre-activation gradients of z (block 0) and of the candidate (block 2) to `dp` (zero where
   * padding), and over `dhNext` `dh z` (`dh` where padding).
   */
  stateBackward(
    g: number,
    hPrev: number,
    dy: number,
    mask: number,
    dhNext: number,
    dhRec: number,
    dp: number,
    n: number,
  ): void;
  /**
   * Backward, second half, with `drh = U_h dp2` (the gradient of `r ⊙ hPrev`): `dp`'s block 1 gets
   * r's pre-activation gradient `drh hPrev r (1 − r)`, and `dhNext += drh r`, times the recurrent
   * dropout mask `drop` (0: none; `hPrev` is then the masked state).
   */
  gatesBackward(
    g: number,
    hPrev: number,
    drh: number,
    drop: number,
    dhNext: number,
    dp: number,
    n: number,
  ): void;
}

const gruResetBeforeModule = new SimdModule<GruResetBeforeKernels>(SIMD_WASM_BASE64, FMA_WASM_BASE64);

/** The step kernels on `backend`'s memory, or null where they cannot run (see simd-module.ts). */
export function gruResetBeforeKernels(backend: WasmBackendLike): GruResetBeforeKernels | null {
  return gruResetBeforeModule.on(backend);
}
