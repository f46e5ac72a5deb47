/**
 * The integer inference kernels on WASM (see ../../int8/int8-kernels.ts). Activations are quantized
 * to int16 levels and products summed in int32 by the SIMD module int8.wat (`i32x4.dot_i16x8_s`:
 * 8 multiply-adds an instruction), 4 rows by 8 columns at a time; a convolution is the same product
 * over patches gathered a tile at a time. Without WebAssembly SIMD, the JavaScript reference computes
 * the same numbers.
 *
 * (A relaxed-SIMD product, `i32x4.relaxed_dot_i8x16_i7x16_add_s` on byte levels of non-negative
 * inputs, 16 multiply-adds an instruction, fits the `Product` shape below; it was left out because
 * Node 20's V8 11.3 behind `--experimental-wasm-relaxed-simd` returns twice the specified sums.)
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
import { type Int8Simd, int8Simd } from '../simd/int8-simd.js';

type Int8Inputs = { x: TensorInfo; w: TensorInfo; scales: TensorInfo; bias: TensorInfo };

/** Bytes of levels a block of rows is sized to (they stay in the L2 cache while w streams by). */
const BLOCK_BYTES = 64 * 1024;

/** Bytes of one convolution tile of patches (it stays in the L1/L2 cache for the product). */
const TILE_BYTES = 32 * 1024;

/** Rows of `rowBytes` each that fit `bytes`: a multiple of 4, at least 4, at most `rows`. */
function blockRows(bytes: number, rowBytes: number, rows: number): number {
  return Math.min(rows, Math.max(4, Math.floor(bytes / Math.max(1, rowBytes)) & ~3));
}

/** Checks that `w` is the packed int32 `[ceil(n / 8), ceil(k / 2), 8]` (see int8-kernels.ts). */
function checkPacked(w: TensorInfo, k: number, n: number, kernel: string): void {
  const expected = [Math.ceil(n / 8), Math.ceil(k / 2), 8];
  if (w.dtype !== 'int32' || w.shape.join() !== expected.join())
    throw new BackendError(
      `${kernel}: the weights must be int32 [${expected}] (two int8 levels each, blocks of 8 columns) for ${k} inputs and ${n} outputs, got ${w.dtype} [${w.shape}].`,
    );
}

/** One way of computing the product: its module's functions and the sizes of its levels and weights. */
interface Product {
  /** The module (int8.wat's functions, or int8-relaxed.wat's, which have the same signatures). */
  kernels: Pick<Int8Simd, 'gemm'> & {
    quantizeRows(x: number, rows: number, k: number, out: number, kPad: number, scales: number): unknown;
  };
  /** Bytes of one level. */
  levelBytes: 1 | 2;
  /** Levels of k per int32 of the weights the product reads (2: int16 pairs, 4: int8 quads). */
  perWord: 2 | 4;
  /** Re-lays the packed weights for the product, or null to read them as they are. */
  pack: ((w: number, out: number, blocks: number, pairs: number) => void) | null;
}

/** The products to try in order on this backend (none without WebAssembly SIMD). */
function products(wasm: WasmBackendLike): Product[] {
  const simd = int8Simd(wasm);
  return simd == null ? [] : [{ kernels: simd, levelBytes: 2, perWord: 2, pack: null }];
}

/** Scratch of a product: the quantized levels, the weights as it reads them, padded scales and bias. */
function scratch(
  scope: KernelScope,
  product: Product,
  all: Int8Inputs,
  n: number,
  levelWords: number,
  extra: Record<string, number[]>,
) {
  const [blocks, pairs] = all.w.shape;
  const depth = Math.ceil((pairs * 2) / product.perWord); // pairs or quads
  const nPad = blocks * 8;
  const tensors: Record<string, TensorInfo> = {
    levels: scope.allocate([levelWords], 'int32'),
    w: product.pack ? scope.allocate([blocks * depth * 8], 'int32') : all.w,
    scales: nPad === n ? all.scales : scope.allocate([nPad]),
    bias: nPad === n ? all.bias : scope.allocate([nPad]),
  };
  for (const [name, shape] of Object.entries(extra)) tensors[name] = scope.allocate(shape);
  const heap = (t: TensorInfo) => scope.backend.typedArrayFromHeap(t);
  if (nPad !== n) {
    for (const name of ['scales', 'bias'] as const) {
      const target = heap(tensors[name]);
      target.fill(0);
      target.set(heap(all[name]));
    }
  }
  // Byte offsets, taken once after the last allocation (an allocation may move the heap).
  const at = Object.fromEntries(Object.entries(tensors).map(([name, t]) => [name, heap(t).byteOffset]));
  return { at, blocks, pairs, depth, nPad, rowBytes: depth * 4 };
}

const matMul: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as unknown as WasmBackendLike;
  const all = inputs as unknown as Int8Inputs;
  const { x } = all;
  const k = x.shape[x.shape.length - 1];
  const m = x.shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const n = all.scales.shape[0];
  checkPacked(all.w, k, n, INT8_MAT_MUL);
  const relu = (attrs as unknown as Int8MatMulAttrs).activation === 'relu' ? 1 : 0;
  const heap = (t: TensorInfo) => wasm.typedArrayFromHeap(t);
  const scope = new KernelScope(wasm);
  try {
    const out = scope.allocate([...x.shape.slice(0, -1), n]); // [..., n]
    if (m * n === 0) return scope.finish(out);
    for (const product of products(wasm)) {
      const depth = Math.ceil(Math.ceil(k / 2) * (2 / product.perWord));
      const s = scratch(scope, product, all, n, m * depth, { rowScales: [m] });
      const xAt = heap(x).byteOffset;
      const outAt = heap(out).byteOffset;
      // The relaxed product returns 1 for inputs with negative numbers: the next product takes them.
      const levels = product.kernels.quantizeRows(
        xAt,
        m,
        k,
        s.at.levels,
        s.rowBytes / product.levelBytes,
        s.at.rowScales,
      );
      if (levels === 1) continue;
      product.pack?.(heap(all.w).byteOffset, s.at.w, s.blocks, s.pairs);
      const rows = blockRows(BLOCK_BYTES, s.rowBytes, m);
      for (let i = 0; i < m; i += rows) {
        product.kernels.gemm(
          s.at.levels + i * s.rowBytes,
          s.at.w,
          outAt + i * n * 4,
          Math.min(rows, m - i),
          s.depth,
          n,
          s.nPad,
          s.at.rowScales + i * 4,
          4,
          s.at.scales,
          s.at.bias,
          relu,
        );
      }
      return scope.finish(out);
    }
    const { w, scales, bias } = all;
    heap(out).set(int8MatMulReference(heap(x), m, k, heap(w), n, heap(scales), heap(bias), relu === 1));
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
  const k = g.fH * g.fW * g.inC;
  checkPacked(all.w, k, g.outC, INT8_CONV2D);
  const relu = convAttrs.activation === 'relu' ? 1 : 0;
  const heap = (t: TensorInfo) => wasm.typedArrayFromHeap(t);
  const scope = new KernelScope(wasm);
  try {
    const out = scope.allocate([g.batch, g.outH, g.outW, g.outC]);
    const positions = g.outH * g.outW;
    if (g.batch * positions * g.outC === 0) return scope.finish(out);
    const image = g.inH * g.inW * g.inC;
    for (const product of products(wasm)) {
      const depth = Math.ceil(Math.ceil(k / 2) * (2 / product.perWord));
      const tile = blockRows(TILE_BYTES, depth * 4, positions);
      // The levels of every image, one tile of patches, 16 bytes to spare after each (int8.wat's copies).
      const levelWords = Math.ceil((g.batch * image * product.levelBytes) / 4) + 4;
      const s = scratch(scope, product, all, g.outC, levelWords, {
        patches: [tile * depth + 4],
        imageScales: [g.batch],
      });
      const [xAt, outAt] = [heap(x).byteOffset, heap(out).byteOffset];
      const levels = product.kernels.quantizeRows(xAt, g.batch, image, s.at.levels, image, s.at.imageScales);
      if (levels === 1) continue;
      product.pack?.(heap(all.w).byteOffset, s.at.w, s.blocks, s.pairs);
      const im2col = (int8Simd(wasm) as Int8Simd).im2col;
      const pixel = g.inC * product.levelBytes;
      for (let b = 0; b < g.batch; b++) {
        for (let first = 0; first < positions; first += tile) {
          const count = Math.min(tile, positions - first);
          im2col(
            s.at.levels + b * image * product.levelBytes,
            s.at.patches,
            first,
            count,
            g.inH,
            g.inW,
            pixel,
            g.outW,
            g.fH,
            g.fW,
            g.sH,
            g.sW,
            g.padTop,
            g.padLeft,
            s.rowBytes,
          );
          product.kernels.gemm(
            s.at.patches,
            s.at.w,
            outAt + (b * positions + first) * g.outC * 4,
            count,
            s.depth,
            g.outC,
            s.nPad,
            s.at.imageScales + b * 4,
            0,
            s.at.scales,
            s.at.bias,
            relu,
          );
        }
      }
      return scope.finish(out);
    }
    const { w, scales, bias } = all;
    heap(out).set(int8Conv2DReference(heap(x), g, heap(w), heap(scales), heap(bias), relu === 1));
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
