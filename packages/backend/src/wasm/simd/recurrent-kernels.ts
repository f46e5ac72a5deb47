/**
 * The fused recurrences' step kernels (`recurrent.wat` beside this file), loaded by
 * {@link SimdModule} (see simd-module.ts for when they run). The driver that loops over time is
 * src/wasm/kernels/fused-recurrence-driver.ts (cells in fused-lstm.ts, fused-simple-rnn.ts and
 * fused-gru.ts).
 */
import type { WasmBackendLike } from '../kernel-scope.js';
import { FMA_WASM_BASE64, SIMD_WASM_BASE64 } from './generated/recurrent-wasm.js';
import { SimdModule } from './simd-module.js';

/**
 * The functions. Pointers are byte offsets into the WASM heap; every block is `n` floats
 * (`n % 4 === 0`), the features × batch matrix of one step; a gates block is 4 such blocks in the
 * order i, f, c, o. A `mask` pointer of 0 means no mask (every step real); where `mask <= 0.5` the
 * step is padding.
 */
export interface RecurrentKernels {
  /**
   * One LSTM step, forward: `z` holds the 4 gates' pre-activations (`Uᵀ h_{t-1}`, and with `x` 0
   * everything else) and `x` the step's input projection to add (0: none); `z` gets the activated gates `σ(i), σ(f), tanh(g), σ(o)` of `z + x`, `tcOut` gets
   * `tanh(c)` of the new cell `c = f c_{t-1} + i g`, and `cOut`, `hOut` get the new states
   * (`h = o tanh(c)`), or `cPrev`, `hPrev` where the mask says padding.
   */
  lstmForward(
    z: number,
    x: number,
    cPrev: number,
    hPrev: number,
    mask: number,
    cOut: number,
    hOut: number,
    tcOut: number,
    n: number,
  ): void;
  /**
   * One LSTM step, backward: with `dh = dhNext + dhRec + dy` (`dy` 0: none) and the step's
   * activated `gates`, `tanh(c)` (`tc`) and previous cell `cPrev`, writes the gates' pre-activation
   * gradient to `dz`, the previous cell's gradient over `dcNext`, and over `dhNext` the part of the
   * previous output's gradient that a padding step passes through (the caller adds `U dz` next).
   */
  lstmBackward(
    gates: number,
    tc: number,
    cPrev: number,
    dy: number,
    mask: number,
    dhNext: number,
    dhRec: number,
    dcNext: number,
    dz: number,
    n: number,
  ): void;
  /**
   * One simple RNN step, forward: `z` (the step's pre-activation) becomes `tanh(z)`, and `hOut` gets
   * it, or `hPrev` where the mask says padding.
   */
  rnnForward(z: number, hPrev: number, mask: number, hOut: number, n: number): void;
  /**
   * One simple RNN step, backward: with `dh = dhNext + dhRec + dy` (`dy` 0: none) and the step's
   * activated `h` (before masking), writes `dh (1 - h²)` to `dz` (0 where padding) and over `dhNext`
   * the part of `dh` that a padding step passes through (the caller adds `U dz` next).
   */
  rnnBackward(
    h: number,
    dy: number,
    mask: number,
    dhNext: number,
    dhRec: number,
    dz: number,
    n: number,
  ): void;
  /**
   * One GRU step (reset after), forward: `p` holds 4 blocks of pre-activations, `x_z + U_zᵀh + b_z`,
   * the same for r, `U_hᵀh + b'_h` and `x_h + b_h`; with `z = σ(p0)`, `r = σ(p1)`,
   * `ĥ = tanh(p3 + r p2)`, blocks 0, 1, 3 get z, r, ĥ (block 2 stays) and `hOut` gets
   * `z hPrev + (1 − z) ĥ`, or `hPrev` where the mask says padding.
   */
  gruForward(p: number, hPrev: number, mask: number, hOut: number, n: number): void;
  /**
   * One GRU step, backward: with `dh = dhNext + dhRec + dy` (`dy` 0: none), the blocks `g` that
   * {@link RecurrentKernels.gruForward} left and `hPrev`, writes the 4 blocks' pre-activation
   * gradients to `dp` and over `dhNext` the part of the previous output's gradient outside the
   * products (`dh z`, or `dh` where padding; the caller adds `U dp` next).
   */
  gruBackward(
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
   * `out[i, j] += Σ_s Σ_p a_s[i, p] b_s[j, p]`: the products `a_s b_sᵀ` of `a_s [m, k]` at
   * `a + s aStep` and `b_s [n, k]` at `b + s bStep` (row-major; steps in bytes) for `s < steps`,
   * summed and added to `out [m, n]`. Needs `m % 4 === 0`, `n % 2 === 0`, `k % 4 === 0`, `steps >= 1`.
   */
  matMulTransposedAdd(
    a: number,
    b: number,
    out: number,
    m: number,
    k: number,
    n: number,
    steps: number,
    aStep: number,
    bStep: number,
  ): void;
}

const recurrentModule = new SimdModule<RecurrentKernels>(SIMD_WASM_BASE64, FMA_WASM_BASE64);

/** The step kernels on `backend`'s memory, or null where they cannot run (see simd-module.ts). */
export function recurrentKernels(backend: WasmBackendLike): RecurrentKernels | null {
  return recurrentModule.on(backend);
}
