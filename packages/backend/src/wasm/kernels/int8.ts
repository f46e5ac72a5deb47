/**
 * The integer inference kernels on WASM (see ../../int8/int8-kernels.ts). Activations are quantized
 * to int16 levels and products summed in int32 by the SIMD module int8.wat (`i32x4.dot_i16x8_s`:
 * 8 multiply-adds an instruction), 4 rows by 8 columns at a time; a convolution is the same product
 * over patches gathered a tile at a time. Without WebAssembly SIMD, the JavaScript reference computes
 * the same numbers. Large products and convolutions run on the thread pool (int8-by-threads.ts).
 *
 * Where relaxed SIMD runs (the FMA build) and no input is negative, the levels are multiplied as
 * bytes with `i16x8.relaxed_dot_i8x16_i7x16_s` (16 multiply-adds an instruction) and summed pairwise
 * into int32: the same sums. (`i32x4.relaxed_dot_i8x16_i7x16_add_s`, one instruction fewer, is left
 * out: Node 20's V8 11.3 behind `--experimental-wasm-relaxed-simd` returns twice the specified sums.)
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import {
  CONV_LEVEL_TOP,
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
import { int8Conv2DByThreads, int8MatMulByThreads } from './int8-by-threads.js';
import { countDirectConvCall, int8DirectConvByThreads, int8DirectConvOnHeap } from './int8-direct-conv.js';
import { blockRows, checkPacked, denseOnHeap, heapRegions } from './int8-on-heap.js';

type Int8Inputs = { x: TensorInfo; w: TensorInfo; scales: TensorInfo; bias: TensorInfo };

/** Bytes of one convolution tile of patches (it stays in the L1/L2 cache for the product). */
const TILE_BYTES = 32 * 1024;

/**
 * Scratch of a product in one allocation (fewer heap allocations: they cost more than a small
 * product): the quantized levels, scales and bias padded to whole blocks (where n is not a multiple
 * of 8), and `extra` (sizes in 4-byte words); each region 16-byte aligned.
 */
function scratch(
  scope: KernelScope,
  all: Int8Inputs,
  n: number,
  levelWords: number,
  extra: Record<string, number[]>,
) {
  const [blocks, pairs] = all.w.shape;
  const nPad = blocks * 8;
  const padded = nPad !== n;
  const words: Record<string, number> = { levels: levelWords };
  if (padded) Object.assign(words, { scales: nPad, bias: nPad });
  for (const [name, shape] of Object.entries(extra)) words[name] = shape[0];
  const { buffer, at } = heapRegions(scope, Object.entries(words));
  const heap = (t: TensorInfo) => scope.backend.typedArrayFromHeap(t);
  at.w = heap(all.w).byteOffset;
  if (padded) {
    const floats = new Float32Array(heap(buffer).buffer);
    for (const name of ['scales', 'bias'] as const) {
      floats.fill(0, at[name] / 4, at[name] / 4 + nPad);
      floats.set(heap(all[name]) as Float32Array, at[name] / 4);
    }
  } else {
    at.scales = heap(all.scales).byteOffset;
    at.bias = heap(all.bias).byteOffset;
  }
  return { at, pairs, nPad, rowBytes: pairs * 4 };
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
    if (int8MatMulByThreads(wasm, all, out, m, k, n, relu === 1)) return scope.finish(out);
    const simd = int8Simd(wasm);
    if (simd != null) {
      const quads = Math.ceil(k / 4);
      // with relaxed SIMD, room for the levels as bytes and the weights as bytes too
      const bytesScratch: Record<string, number[]> =
        simd.packQuads != null ? { levels8: [m * quads + 4], w8: [all.w.shape[0] * 8 * quads] } : {};
      const s = scratch(scope, all, n, m * Math.ceil(k / 2), { rowScales: [m], ...bytesScratch });
      denseOnHeap(simd, {
        x: heap(x).byteOffset,
        m,
        k,
        n,
        w: s.at.w,
        blocks: all.w.shape[0],
        pairs: s.pairs,
        levels: s.at.levels,
        rowScales: s.at.rowScales,
        levels8: s.at.levels8 ?? 0,
        w8: s.at.w8 ?? 0,
        scales: s.at.scales,
        bias: s.at.bias,
        out: heap(out).byteOffset,
        relu: relu === 1,
      });
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
    countDirectConvCall(all.w);
    if (int8DirectConvByThreads(wasm, all, out, g, relu === 1)) return scope.finish(out);
    if (int8Conv2DByThreads(wasm, all, out, g, relu === 1)) return scope.finish(out);
    if (int8DirectConvOnHeap(wasm, all, out, g, relu === 1)) return scope.finish(out);
    const image = g.inH * g.inW * g.inC;
    const simd = int8Simd(wasm);
    if (simd != null) {
      const pairs = Math.ceil(k / 2);
      const quads = Math.ceil(k / 4);
      const relaxed = simd.packQuads != null;
      const tile = blockRows(TILE_BYTES, pairs * 4, positions); // sized for int16 levels, the larger
      // The int16 levels of every image (and bytes, with relaxed SIMD), one tile of patches, 16 bytes
      // to spare after each (int8.wat's copies).
      const bytesScratch: Record<string, number[]> = relaxed
        ? { levels8: [Math.ceil((g.batch * image) / 4) + 4], w8: [all.w.shape[0] * 8 * quads] }
        : {};
      const s = scratch(scope, all, g.outC, Math.ceil((g.batch * image) / 2) + 4, {
        patches: [tile * pairs + 4],
        imageScales: [g.batch],
        ...bytesScratch,
      });
      const outAt = heap(out).byteOffset;
      const negative = simd.quantizeRows(
        heap(x).byteOffset,
        g.batch,
        image,
        s.at.levels,
        image,
        s.at.imageScales,
        relaxed ? s.at.levels8 : 0,
        image,
        CONV_LEVEL_TOP,
      );
      const bytes = relaxed && negative === 0;
      if (bytes) simd.packQuads?.(s.at.w, s.at.w8, all.w.shape[0], pairs);
      const size = bytes ? 1 : 2; // bytes a level
      const units = bytes ? quads : pairs;
      for (let b = 0; b < g.batch; b++) {
        for (let first = 0; first < positions; first += tile) {
          const count = Math.min(tile, positions - first);
          simd.im2col(
            (bytes ? s.at.levels8 : s.at.levels) + b * image * size,
            s.at.patches,
            first,
            count,
            g.inH,
            g.inW,
            g.inC * size,
            g.outW,
            g.fH,
            g.fW,
            g.sH,
            g.sW,
            g.padTop,
            g.padLeft,
            units * 4,
          );
          simd.gemm(
            s.at.patches,
            bytes ? s.at.w8 : s.at.w,
            outAt + (b * positions + first) * g.outC * 4,
            count,
            units,
            g.outC,
            s.nPad,
            s.at.imageScales + b * 4,
            0,
            s.at.scales,
            s.at.bias,
            relu,
            bytes ? 1 : 0,
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
