import {
  Add,
  backend_util,
  type KernelConfig,
  type KernelFunc,
  Multiply,
  type PadV2Attrs,
  RealDiv,
  SquaredDifference,
  Sub,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { KernelScope, type WasmBackendLike } from '../kernel-scope.js';
import { collapseBroadcast, collapsePad, XNN_MAX_RANK } from './collapse-axes.js';

/**
 * Stock WASM binary kernels that run on XNNPACK's n-d operators, which take at most
 * {@link XNN_MAX_RANK} axes: above that they log "status 4" and return uninitialized memory.
 */
export const HIGH_RANK_BINARY_KERNELS = [Add, Sub, Multiply, RealDiv, SquaredDifference] as const;

/**
 * A binary element-wise kernel for any rank: when an operand has more than {@link XNN_MAX_RANK} axes,
 * neighbouring axes that broadcast alike are merged (see {@link collapseBroadcast}), which only
 * reshapes; where the broadcast still needs more axes than that (operands that broadcast on
 * alternate axes), the broadcast operands are tiled to the output's shape and the op runs on flat
 * vectors. Lower ranks go to the stock kernel unchanged.
 */
export function highRankBinary(stock: KernelConfig): KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    if (Math.max(a.shape.length, b.shape.length) <= XNN_MAX_RANK) return stock.kernelFunc(args);
    // [...broadcast of a and b]
    const outShape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const scope = new KernelScope(args.backend as WasmBackendLike);
    try {
      const shapes = collapseBroadcast(a.shape, b.shape);
      let x = scope.reshape(a, shapes.a);
      let y = scope.reshape(b, shapes.b);
      if (shapes.out.length > XNN_MAX_RANK) {
        const size = util.sizeFromShape(shapes.out);
        x = scope.reshape(broadcastTo(scope, x, shapes.out), [size]);
        y = scope.reshape(broadcastTo(scope, y, shapes.out), [size]);
      }
      const out = scope.runConfig(stock, { ...args.inputs, a: x, b: y }, args.attrs);
      return scope.finish(scope.reshape(out, outShape));
    } finally {
      scope.dispose();
    }
  };
}

/** `x` (as many axes as `shape`, each equal or 1) tiled to `shape`. */
function broadcastTo(scope: KernelScope, x: TensorInfo, shape: number[]): TensorInfo {
  if (x.shape.every((d, i) => d === shape[i])) return x;
  return scope.run('Tile', { x }, { reps: shape.map((d, i) => (x.shape[i] === d ? 1 : d)) });
}

/** Wraps a stock binary kernel ({@link HIGH_RANK_BINARY_KERNELS}) with {@link highRankBinary}. */
export function highRankBinaryConfig(stock: KernelConfig): KernelConfig {
  return { ...stock, kernelFunc: highRankBinary(stock) };
}

/**
 * `PadV2` (`tf.pad`) for any rank: stock runs float32 through XNNPACK's constant pad, which takes at
 * most {@link XNN_MAX_RANK} axes and otherwise leaves the output unwritten. Above that rank the padding
 * is moved to fewer axes (see {@link collapsePad}); where that is not enough, the input's rows are
 * copied into the filled output on the heap.
 */
export function highRankPad(stock: KernelConfig): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { paddings, constantValue } = args.attrs as unknown as PadV2Attrs;
    if (x.shape.length <= XNN_MAX_RANK || x.dtype === 'string') return stock.kernelFunc(args);
    // [...x's shape, each axis grown by its padding]
    const outShape = x.shape.map((d, i) => paddings[i][0] + d + paddings[i][1]);
    const backend = args.backend as WasmBackendLike;
    const scope = new KernelScope(backend);
    try {
      const collapsed = collapsePad(x.shape, paddings as Array<[number, number]>);
      if (collapsed.shape.length <= XNN_MAX_RANK) {
        const out = scope.runConfig(
          stock,
          { x: scope.reshape(x, collapsed.shape) },
          { ...args.attrs, paddings: collapsed.paddings },
        );
        return scope.finish(scope.reshape(out, outShape));
      }
      const out = scope.allocate(outShape, x.dtype);
      padOnHeap(backend, x, collapsed.shape, collapsed.paddings, out, constantValue);
      return scope.finish(out);
    } finally {
      scope.dispose();
    }
  };
}

/** Wraps the stock `PadV2` config with {@link highRankPad}. */
export function highRankPadConfig(stock: KernelConfig): KernelConfig {
  return { ...stock, kernelFunc: highRankPad(stock) };
}

/**
 * Writes `x` (read as `shape`) padded by `paddings` with `value` into `out` (its padded shape, any
 * rank): fills `out`, then copies one innermost row of `x` at a time.
 */
function padOnHeap(
  backend: WasmBackendLike,
  x: TensorInfo,
  shape: number[],
  paddings: Array<[number, number]>,
  out: TensorInfo,
  value: number,
): void {
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  dst.fill(value);
  const rank = shape.length;
  const outDims = shape.map((d, i) => paddings[i][0] + d + paddings[i][1]);
  const outStrides = util.computeStrides(outDims);
  const row = shape[rank - 1];
  const rows = util.sizeFromShape(shape) / Math.max(row, 1);
  if (row === 0 || rows === 0) return;
  const index = new Array<number>(rank - 1).fill(0);
  for (let r = 0; r < rows; r++) {
    let offset = paddings[rank - 1][0];
    for (let i = 0; i < rank - 1; i++) offset += (index[i] + paddings[i][0]) * outStrides[i];
    dst.set(src.subarray(r * row, (r + 1) * row), offset);
    for (let i = rank - 2; i >= 0; i--) {
      if (++index[i] < shape[i]) break;
      index[i] = 0;
    }
  }
}
