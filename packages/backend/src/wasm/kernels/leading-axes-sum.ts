import {
  type KernelConfig,
  type KernelFunc,
  Mean,
  type NamedAttrMap,
  Sum,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { KernelScope, type WasmBackendLike } from '../kernel-scope.js';

/**
 * From this many elements on, a sum over leading axes is faster as a matrix product (measured on the
 * benchmark machine: about even at 64x120, 3 to 5 times faster from 128x512 and 64x28x28x8 up).
 */
const MIN_ELEMENTS = 8192;

/**
 * Stock tfjs-backend-wasm sums over any axes but the innermost by transposing the whole tensor first.
 * The gradient of every bias (`sum(dy, [0, 1, 2])` for a convolution, `sum(dy, 0)` for a dense
 * layer) and batch statistics (`mean(x, [0, 1, 2])`) reduce exactly such leading axes. This wrapper
 * computes them as one XNNPACK matrix-vector product instead, without the transpose:
 * `[rows, cols]` reduced over rows is `(scale * ones[1, rows]) . x[rows, cols]`, with scale 1 for
 * `Sum` and `1 / rows` for `Mean`. Other reductions go to the stock kernel.
 */
export function leadingAxesSum(stock: KernelConfig): KernelFunc {
  const isMean = stock.kernelName === Mean;
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { axis, keepDims } = args.attrs as NamedAttrMap & { axis: number | number[]; keepDims: boolean };
    const rank = x.shape.length;
    const axes = util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
    const leading = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
    if (x.dtype !== 'float32' || !leading || util.sizeFromShape(x.shape) < MIN_ELEMENTS) {
      return stock.kernelFunc(args);
    }
    const rows = util.sizeFromShape(x.shape.slice(0, axes.length));
    const kept = x.shape.slice(axes.length);
    const cols = util.sizeFromShape(kept);
    const scope = new KernelScope(args.backend as WasmBackendLike);
    try {
      // [1, 1, rows]
      const weights = scope.run(
        'Fill',
        {},
        { shape: [1, 1, rows], value: isMean ? 1 / rows : 1, dtype: 'float32' },
      );
      // [1, 1, cols]
      const reduced = scope.run(
        'BatchMatMul',
        { a: weights, b: scope.reshape(x, [1, rows, cols]) },
        { transposeA: false, transposeB: false },
      );
      const outShape = keepDims ? [...axes.map(() => 1), ...kept] : kept;
      return scope.finish(scope.reshape(reduced, outShape));
    } finally {
      scope.dispose();
    }
  };
}

/** Wraps the stock `Sum` or `Mean` config with {@link leadingAxesSum}. */
export function leadingAxesSumConfig(stock: KernelConfig): KernelConfig {
  if (stock.kernelName !== Sum && stock.kernelName !== Mean) {
    throw new Error(`leadingAxesSumConfig wraps Sum or Mean, not ${stock.kernelName}.`);
  }
  return { ...stock, kernelFunc: leadingAxesSum(stock) };
}
