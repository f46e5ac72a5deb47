/**
 * The direct stride-1 convolution (`direct-conv.wat` beside this file), loaded by {@link SimdModule}:
 * small convolutions (LeNet-5's) straight from their input, without the patches or zero padding
 * that XNNPACK's convolution and the input gradient's full correlation spend time on.
 */
import type { WasmBackendLike } from '../kernel-scope.js';
import { FMA_WASM_BASE64, SIMD_WASM_BASE64 } from './generated/direct-conv-wasm.js';
import { SimdModule } from './simd-module.js';

/** The module's function. Pointers are byte offsets into the WASM heap, every tensor float32, NHWC. */
export interface DirectConv {
  /**
   * `out[b, oh, ow, co] = bias[co] + sum over kh, kw, ci of x[b, oh + kh - padTop, ow + kw -
   * padLeft, ci] * w[kh, kw, ci, co]` (positions in the padding read zero) for the images `b0` to
   * `b0 + count - 1`, then relu where `flags & 2` (bias where `flags & 1`). `x` is `[batch, inH,
   * inW, inC]`, `w` `[fH, fW, inC, outC]`, `out` `[batch, outH, outW, outC]`. Needs `outC % 8 === 0`
   * and every size >= 1.
   */
  directConv(
    x: number,
    w: number,
    bias: number,
    out: number,
    flags: number,
    b0: number,
    count: number,
    inH: number,
    inW: number,
    inC: number,
    outH: number,
    outW: number,
    outC: number,
    fH: number,
    fW: number,
    padTop: number,
    padLeft: number,
  ): void;
}

const directModule = new SimdModule<DirectConv>(SIMD_WASM_BASE64, FMA_WASM_BASE64);

let directEnabled = true;

/**
 * Turns the direct convolution kernels off (`false`: the convolutions go back to XNNPACK or the pool,
 * the input gradient to its XNNPACK correlation, a first layer's filter gradient to kernels.wat's
 * `filterGradient` or the pool; see filter-gradient-rows.ts) or back on; for same-run A/B benchmarks
 * and tests. On by default.
 */
export function setDirectConvEnabled(on: boolean): void {
  directEnabled = on;
}

/** Whether {@link setDirectConvEnabled} left the direct kernels on. */
export function directConvEnabled(): boolean {
  return directEnabled;
}

/** The direct convolution on `backend`'s memory, or null where it cannot run (see simd-module.ts). */
export function directConv(backend: WasmBackendLike): DirectConv | null {
  return directEnabled ? directModule.on(backend) : null;
}
