/**
 * WebGPU kernels that copy elements to new places (`transpose`, `slice`, `stridedSlice`, `tile`,
 * `unstack`) for every rank. Stock tfjs-backend-webgpu 4.22 generates their shaders for rank 6 at
 * most ("GPU for rank 7 is not yet supported"; `stridedSlice` at 5 and 6 does not compile), and `tile` above rank 4 reads the tensor back with a
 * synchronous read, which throws in Node ("OffscreenCanvas is not defined") and stalls a page. Here
 * a transpose first merges axes that stay neighbours (the stock shader then runs where 6 or fewer
 * remain); the rest runs on {@link IndexMapProgram}, one program for any rank.
 */
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import {
  getKernel,
  type KernelConfig,
  type KernelFunc,
  Slice,
  StridedSlice,
  slice_util,
  type TensorInfo,
  Tile,
  Transpose,
  Unpack,
  util,
} from '@tensorflow/tfjs-core';
import { KernelScope, type WasmBackendLike } from '../wasm/kernel-scope.js';
import { IndexMapProgram, indexMapData, type MappedAxis } from './index-map-program.js';

/** Highest rank tfjs-backend-webgpu 4.22's shaders index. */
const MAX_STOCK_RANK = 6;

/**
 * Highest rank whose stock `stridedSlice` shader compiles (at 5 and 6 an invalid pipeline: "cannot
 * index type 'vec5'", read as zeros).
 */
const MAX_STOCK_STRIDED_SLICE_RANK = 4;

/** Highest rank of stock `tile` on the GPU (above it, stock reads the tensor back synchronously). */
const MAX_STOCK_TILE_RANK = 4;

function webgpuScope(backend: unknown): KernelScope {
  return new KernelScope(backend as WasmBackendLike, (name) => getKernel(name, 'webgpu'));
}

/**
 * Copies `x` into a new tensor of `outShape` (the product of the axes' sizes) through
 * {@link IndexMapProgram}: output axis `k` reads input element `offset + sum (c_k mod modulus) * step`.
 */
export function mapIndices(
  scope: KernelScope,
  x: TensorInfo,
  axes: readonly MappedAxis[],
  offset: number,
  outShape: number[],
): TensorInfo {
  const backend = scope.backend as unknown as WebGPUBackend;
  const size = axes.reduce((n, axis) => n * axis.size, 1);
  if (size === 0) {
    const empty = backend.makeTensorInfo(
      outShape,
      x.dtype,
      util.getTypedArrayFromDType(x.dtype as 'float32', 0),
    );
    scope.adopt(empty);
    return empty;
  }
  const flat = scope.reshape(x, [util.sizeFromShape(x.shape)]);
  const map = backend.makeTensorInfo([1 + 3 * axes.length], 'int32', indexMapData(axes, offset));
  scope.adopt(map);
  const out = backend.runWebGPUProgram(new IndexMapProgram(size), [flat, map], x.dtype, [
    { type: 'int32', data: [axes.length] },
  ]);
  scope.adopt(out);
  return scope.reshape(out, outShape);
}

/** Row-major strides of `shape` (the last axis 1). */
function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let k = shape.length - 1; k >= 0; k--) {
    strides[k] = stride;
    stride *= shape[k];
  }
  return strides;
}

/**
 * `shape` and `perm` with size-1 axes dropped and neighbouring input axes that stay neighbours (in
 * the same order) in the output merged. Transposing the merged view by the merged permutation gives
 * the same elements in the same order.
 */
export function collapseTranspose(
  shape: readonly number[],
  perm: readonly number[],
): { shape: number[]; perm: number[] } {
  const kept = perm.filter((axis) => shape[axis] !== 1);
  // Runs of input axes that follow each other in the output: [first input axis, last input axis].
  const runs: Array<[number, number]> = [];
  for (const axis of kept) {
    const last = runs[runs.length - 1];
    let next = last == null ? -1 : last[1] + 1;
    while (next >= 0 && next < axis && shape[next] === 1) next++;
    if (last != null && next === axis) last[1] = axis;
    else runs.push([axis, axis]);
  }
  const byInput = [...runs].sort((r, s) => r[0] - s[0]);
  const size = ([first, last]: [number, number]) => util.sizeFromShape(shape.slice(first, last + 1));
  return { shape: byInput.map(size), perm: runs.map((run) => byInput.indexOf(run)) };
}

function transposeAnyRank(stock: KernelConfig): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { perm } = args.attrs as unknown as { perm: number[] };
    if (x.shape.length <= MAX_STOCK_RANK) return stock.kernelFunc(args);
    const outShape = perm.map((axis) => x.shape[axis]);
    const view = collapseTranspose(x.shape, perm);
    const scope = webgpuScope(args.backend);
    try {
      if (view.shape.length <= MAX_STOCK_RANK) {
        const viewShape = view.shape.length === 0 ? [1] : view.shape;
        const viewPerm = view.shape.length === 0 ? [0] : view.perm;
        const out = scope.runConfig(stock, { x: scope.reshape(x, viewShape) }, { perm: viewPerm });
        return scope.finish(scope.reshape(out, outShape));
      }
      const strides = stridesOf(view.shape);
      const axes = view.perm.map((axis) => ({
        size: view.shape[axis],
        modulus: view.shape[axis],
        step: strides[axis],
      }));
      return scope.finish(mapIndices(scope, x, axes, 0, outShape));
    } finally {
      scope.dispose();
    }
  };
}

/** `x[begin : begin + size * step : step]` on every axis, as an `outShape` tensor. */
function stridedCopy(
  scope: KernelScope,
  x: TensorInfo,
  begin: readonly number[],
  size: readonly number[],
  steps: readonly number[],
  outShape: number[],
): TensorInfo {
  const strides = stridesOf(x.shape);
  const axes = size.map((n, k) => ({ size: n, modulus: Math.max(n, 1), step: strides[k] * steps[k] }));
  const offset = begin.reduce((sum, b, k) => sum + b * strides[k], 0);
  return mapIndices(scope, x, axes, offset, outShape);
}

function sliceAnyRank(stock: KernelConfig): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.shape.length <= MAX_STOCK_RANK) return stock.kernelFunc(args);
    const attrs = args.attrs as unknown as { begin: number | number[]; size: number | number[] };
    const [begin, size] = slice_util.parseSliceParams(x as never, attrs.begin, attrs.size);
    const scope = webgpuScope(args.backend);
    try {
      const steps = size.map(() => 1);
      return scope.finish(stridedCopy(scope, x, begin, size, steps, size));
    } finally {
      scope.dispose();
    }
  };
}

function stridedSliceAnyRank(stock: KernelConfig): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.shape.length <= MAX_STOCK_STRIDED_SLICE_RANK) return stock.kernelFunc(args);
    const a = args.attrs as unknown as {
      begin: number[];
      end: number[];
      strides: number[];
      beginMask: number;
      endMask: number;
      ellipsisMask: number;
      newAxisMask: number;
      shrinkAxisMask: number;
    };
    const info = slice_util.sliceInfo(
      x.shape,
      a.begin,
      a.end,
      a.strides,
      a.beginMask,
      a.endMask,
      a.ellipsisMask,
      a.newAxisMask,
      a.shrinkAxisMask,
    );
    // Elements along each axis of x, as tfjs-core counts them (0 for an empty or reversed interval).
    const size = info.begin.map((b, k) => {
      const interval = info.end[k] - b;
      const step = info.strides[k];
      if (interval === 0 || interval < 0 !== step < 0) return 0;
      return Math.trunc(interval / step) + (interval % step !== 0 ? 1 : 0);
    });
    const scope = webgpuScope(args.backend);
    try {
      return scope.finish(stridedCopy(scope, x, info.begin, size, info.strides, info.finalShape));
    } finally {
      scope.dispose();
    }
  };
}

function tileAnyRank(stock: KernelConfig): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.shape.length <= MAX_STOCK_TILE_RANK || x.dtype === 'string') return stock.kernelFunc(args);
    const { reps } = args.attrs as unknown as { reps: number[] };
    const strides = stridesOf(x.shape);
    const outShape = x.shape.map((d, k) => d * reps[k]);
    const axes = x.shape.map((d, k) => ({ size: outShape[k], modulus: Math.max(d, 1), step: strides[k] }));
    const scope = webgpuScope(args.backend);
    try {
      return scope.finish(mapIndices(scope, x, axes, 0, outShape));
    } finally {
      scope.dispose();
    }
  };
}

function unpackAnyRank(stock: KernelConfig): KernelFunc {
  return (args) => {
    const { value } = args.inputs as { value: TensorInfo };
    if (value.shape.length <= MAX_STOCK_RANK) return stock.kernelFunc(args);
    const rank = value.shape.length;
    const axis = ((args.attrs as unknown as { axis: number }).axis + rank) % rank;
    const size = value.shape.map((d, k) => (k === axis ? 1 : d));
    const steps = size.map(() => 1);
    const outShape = value.shape.filter((_, k) => k !== axis);
    const pieces: TensorInfo[] = [];
    const backend = args.backend as WebGPUBackend;
    try {
      for (let i = 0; i < value.shape[axis]; i++) {
        const scope = webgpuScope(backend);
        try {
          const begin = value.shape.map((_, k) => (k === axis ? i : 0));
          pieces.push(scope.finish(stridedCopy(scope, value, begin, size, steps, outShape)));
        } finally {
          scope.dispose();
        }
      }
      return pieces;
    } catch (error) {
      for (const piece of pieces) backend.disposeData(piece.dataId);
      throw error;
    }
  };
}

const wrap = (make: (stock: KernelConfig) => KernelFunc) => (stock: KernelConfig) => ({
  ...stock,
  kernelFunc: make(stock),
});

/** The wrappers of this module, by kernel name. */
export const ANY_RANK_COPY_WRAPPERS: Readonly<Record<string, (stock: KernelConfig) => KernelConfig>> = {
  [Transpose]: wrap(transposeAnyRank),
  [Slice]: wrap(sliceAnyRank),
  [StridedSlice]: wrap(stridedSliceAnyRank),
  [Tile]: wrap(tileAnyRank),
  [Unpack]: wrap(unpackAnyRank),
};
