/**
 * The integer inference kernels on WASM (see ../../int8/int8-kernels.ts): activations quantized and
 * products summed in int32 by the SIMD module int8.wat (i32x4.dot_i16x8_s), 4 rows by 8 columns at a
 * time; a convolution is the same product over patches gathered a tile at a time. Without WebAssembly
 * SIMD, the JavaScript reference computes the same numbers.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { BackendError } from '@tensorfold/core';
import {
  INT8_CONV2D,
  INT8_MAT_MUL,
  type Int8Conv2DAttrs,
  type Int8MatMulAttrs,
} from '../../int8/int8-kernels.js';
import {
  type Int8ConvGeometry,
  int8Conv2DReference,
  int8ConvGeometry,
  int8MatMulReference,
} from '../../int8/reference.js';
import { KernelScope, type WasmBackendLike } from '../kernel-scope.js';
import { int8Simd } from '../simd/int8-simd.js';

type Int8Inputs = { x: TensorInfo; w: TensorInfo; scales: TensorInfo; bias: TensorInfo };

/** Bytes of int16 levels a block of rows is sized to (they stay in the L2 cache while w streams by). */
const BLOCK_BYTES = 64 * 1024;

/** Bytes of one convolution tile of patches (it stays in the L1/L2 cache for the product). */
const TILE_BYTES = 32 * 1024;

/** Rows of `rowBytes` each that fit `bytes`: a multiple of 4, at least 4, at most `rows`. */
function blockRows(bytes: number, rowBytes: number, rows: number): number {
  return Math.min(rows, Math.max(4, Math.floor(bytes / Math.max(1, rowBytes)) & ~3));
}

/** `scales` and `bias` padded with zeros to `nPad` (the tensors themselves where `nPad === n`). */
function paddedColumns(
  scope: KernelScope,
  { scales, bias }: Int8Inputs,
  n: number,
  nPad: number,
): { scales: TensorInfo; bias: TensorInfo; fill: () => void } {
  if (nPad === n) return { scales, bias, fill: () => {} };
  const padded = { scales: scope.allocate([nPad]), bias: scope.allocate([nPad]) };
  const heap = (t: TensorInfo) => scope.backend.typedArrayFromHeap(t);
  const fill = () => {
    for (const [from, to] of [
      [scales, padded.scales],
      [bias, padded.bias],
    ]) {
      const target = heap(to);
      target.fill(0);
      target.set(heap(from));
    }
  };
  return { ...padded, fill };
}

/** Checks that `w` is the packed int32 `[ceil(n / 8), ceil(k / 2), 8]` (see int8-kernels.ts). */
function checkPacked(w: TensorInfo, k: number, n: number, kernel: string): void {
  const expected = [Math.ceil(n / 8), Math.ceil(k / 2), 8];
  if (w.dtype !== 'int32' || w.shape.join() !== expected.join())
    throw new BackendError(
      `${kernel}: the weights must be int32 [${expected}] (two int8 levels each, blocks of 8 columns) for ${k} inputs and ${n} outputs, got ${w.dtype} [${w.shape}].`,
    );
}

const matMul: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as unknown as WasmBackendLike;
  const all = inputs as unknown as Int8Inputs;
  const { x } = all;
  const k = x.shape[x.shape.length - 1];
  const m = x.shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const n = all.scales.shape[0];
  checkPacked(all.w, k, n, INT8_MAT_MUL);
  const relu = (attrs as unknown as Int8MatMulAttrs).activation === 'relu';
  const heap = (t: TensorInfo) => wasm.typedArrayFromHeap(t);
  const scope = new KernelScope(wasm);
  try {
    const out = scope.allocate([...x.shape.slice(0, -1), n]); // [..., n]
    if (m * n === 0) return scope.finish(out);
    const simd = int8Simd(wasm);
    if (simd == null) {
      const { w, scales, bias } = all;
      heap(out).set(int8MatMulReference(heap(x), m, k, heap(w), n, heap(scales), heap(bias), relu));
      return scope.finish(out);
    }
    const pairs = all.w.shape[1];
    const nPad = all.w.shape[0] * 8;
    const padded = paddedColumns(scope, all, n, nPad);
    const levels = scope.allocate([m * pairs], 'int32'); // int16 [m, 2 pairs]
    const rowScales = scope.allocate([m]);
    padded.fill();
    const at = (t: TensorInfo) => heap(t).byteOffset;
    simd.quantizeRows(at(x), m, k, at(levels), 2 * pairs, at(rowScales));
    const rows = blockRows(BLOCK_BYTES, pairs * 4, m);
    for (let i = 0; i < m; i += rows) {
      simd.gemm(
        at(levels) + i * pairs * 4,
        at(all.w),
        at(out) + i * n * 4,
        Math.min(rows, m - i),
        pairs,
        n,
        nPad,
        at(rowScales) + i * 4,
        4,
        at(padded.scales),
        at(padded.bias),
        relu ? 1 : 0,
      );
    }
    return scope.finish(out);
  } finally {
    scope.dispose();
  }
};

const conv2d: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as unknown as WasmBackendLike;
  const all = inputs as unknown as Int8Inputs;
  const { x } = all;
  const convAttrs = attrs as unknown as Int8Conv2DAttrs;
  const g: Int8ConvGeometry = int8ConvGeometry(x.shape, all.scales.shape[0], convAttrs);
  checkPacked(all.w, g.fH * g.fW * g.inC, g.outC, INT8_CONV2D);
  const relu = convAttrs.activation === 'relu';
  const heap = (t: TensorInfo) => wasm.typedArrayFromHeap(t);
  const scope = new KernelScope(wasm);
  try {
    const out = scope.allocate([g.batch, g.outH, g.outW, g.outC]);
    const positions = g.outH * g.outW;
    if (g.batch * positions * g.outC === 0) return scope.finish(out);
    const simd = int8Simd(wasm);
    if (simd == null) {
      const { w, scales, bias } = all;
      heap(out).set(int8Conv2DReference(heap(x), g, heap(w), heap(scales), heap(bias), relu));
      return scope.finish(out);
    }
    const pairs = all.w.shape[1];
    const nPad = all.w.shape[0] * 8;
    const image = g.inH * g.inW * g.inC;
    const rowBytes = pairs * 4;
    const tile = blockRows(TILE_BYTES, rowBytes, positions);
    const padded = paddedColumns(scope, all, g.outC, nPad);
    // int16 levels of every image, and one tile of patches; 16 bytes to spare after each (int8.wat's copies).
    const levels = scope.allocate([Math.ceil((g.batch * image) / 2) + 4], 'int32');
    const patches = scope.allocate([tile * pairs + 4], 'int32');
    const imageScales = scope.allocate([g.batch]);
    padded.fill();
    const at = (t: TensorInfo) => heap(t).byteOffset;
    simd.quantizeRows(at(x), g.batch, image, at(levels), image, at(imageScales));
    for (let b = 0; b < g.batch; b++) {
      for (let first = 0; first < positions; first += tile) {
        const count = Math.min(tile, positions - first);
        simd.im2col(
          at(levels) + b * image * 2,
          at(patches),
          first,
          count,
          g.inH,
          g.inW,
          g.inC,
          g.outW,
          g.fH,
          g.fW,
          g.sH,
          g.sW,
          g.padTop,
          g.padLeft,
          rowBytes,
        );
        simd.gemm(
          at(patches),
          at(all.w),
          at(out) + (b * positions + first) * g.outC * 4,
          count,
          pairs,
          g.outC,
          nPad,
          at(imageScales) + b * 4,
          0,
          at(padded.scales),
          at(padded.bias),
          relu ? 1 : 0,
        );
      }
    }
    return scope.finish(out);
  } finally {
    scope.dispose();
  }
};

/** The int8 kernels of the WASM backend. */
export const INT8_WASM_KERNELS: readonly KernelConfig[] = [
  { kernelName: INT8_MAT_MUL, backendName: 'wasm', kernelFunc: matMul },
  { kernelName: INT8_CONV2D, backendName: 'wasm', kernelFunc: conv2d },
];
