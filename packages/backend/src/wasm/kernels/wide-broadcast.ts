import {
  Add,
  type KernelConfig,
  type KernelFunc,
  Multiply,
  RealDiv,
  Sub,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { KernelScope, type WasmBackendLike } from '../kernel-scope.js';

/** Binary kernels that {@link wideBroadcastConfig} wraps. */
export const WIDE_BROADCAST_KERNELS = [Add, Sub, Multiply, RealDiv] as const;

/** Below this many elements the reshapes and the tile cost more than they save. */
const MIN_ELEMENTS = 8192;

/** The widened rows aim for at most this many elements (a multiple of the vector's length). */
const TARGET_ROW = 512;

/**
 * How many rows of `[rows, channels]` to fold into one widened row: the largest divisor `k` of `rows`
 * with `k * channels <= TARGET_ROW` (1 when there is none above 1).
 */
function foldFactor(rows: number, channels: number): number {
  for (let k = Math.floor(TARGET_ROW / channels); k > 1; k--) {
    if (rows % k === 0) return k;
  }
  return 1;
}

/**
 * Stock tfjs-backend-wasm 4.22 broadcasts a vector over the last axis of a tensor one short row at a
 * time: `[64, 28, 28, 8] + [8]` (the bias of a first convolution trained with plain ops) takes
 * 0.85-1.15 ms where the same-shape sum takes 0.06 and `[128, 512] + [512]` 0.018. This wrapper
 * folds `k` rows into one: the tensor as `[rows / k, k * channels]`, the vector tiled `k` times, the
 * same stock kernel on those, and the result reshaped back (0.12 ms for that bias; same values, the
 * same operation on the same pairs of numbers). Other inputs go to the stock kernel unchanged.
 */
export function wideBroadcast(stock: KernelConfig): KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const [big, small] = util.sizeFromShape(a.shape) >= util.sizeFromShape(b.shape) ? [a, b] : [b, a];
    const channels = big.shape[big.shape.length - 1] ?? 1;
    const size = util.sizeFromShape(big.shape);
    const isLastAxisVector =
      util.sizeFromShape(small.shape) === channels &&
      small.shape.length >= 1 &&
      small.shape[small.shape.length - 1] === channels &&
      small.shape.length <= big.shape.length;
    const fold =
      a.dtype === 'float32' && b.dtype === 'float32' && isLastAxisVector && size >= MIN_ELEMENTS
        ? foldFactor(size / channels, channels)
        : 1;
    if (fold === 1) return stock.kernelFunc(args);
    const scope = new KernelScope(args.backend as WasmBackendLike);
    try {
      // [rows / fold, fold * channels] and [fold * channels]
      const wideBig = scope.reshape(big, [size / (fold * channels), fold * channels]);
      const wideSmall = scope.run('Tile', { x: scope.reshape(small, [channels]) }, { reps: [fold] });
      const inputs = big === a ? { a: wideBig, b: wideSmall } : { a: wideSmall, b: wideBig };
      const out = scope.runConfig(stock, inputs, args.attrs);
      return scope.finish(scope.reshape(out, big.shape));
    } finally {
      scope.dispose();
    }
  };
}

/** Wraps a stock binary kernel ({@link WIDE_BROADCAST_KERNELS}) with {@link wideBroadcast}. */
export function wideBroadcastConfig(stock: KernelConfig): KernelConfig {
  return { ...stock, kernelFunc: wideBroadcast(stock) };
}
