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
import { columnSumsKernel } from '../simd/column-sums.js';

/**
 * Where the SIMD kernel cannot run: from this many elements on, a sum over leading axes is faster as an average pooling. Measured on
 * fresh tensors (as in training) on the benchmark machine: even at 64x120 and 32x256, 2x faster at
 * 64x256, 3-6x at 128x512 and at LeNet-5's convolution bias gradients.
 */
const MIN_ELEMENTS = 8192;

/**
 * Stock tfjs-backend-wasm sums over any axes but the innermost by transposing the whole tensor first.
 * The gradient of every bias (`sum(dy, [0, 1, 2])` for a convolution, `sum(dy, 0)` for a dense
 * layer) and batch statistics (`mean(x, [0, 1, 2])`) reduce exactly such leading axes. This wrapper
 * runs them in one pass of tensorfold's SIMD kernel (simd/column-sums.ts) instead, without the
 * transpose; where that kernel cannot run, large ones as one XNNPACK average pooling: `[rows, cols]` reduced
 * over rows is the average pooling of `[1, rows, 1, cols]` with a `[rows, 1]` window, times `rows`
 * for `Sum`. (A matrix-vector product with a ones vector would be as fast only on a tensor seen
 * before: XNNPACK repacks a new right-hand operand on every call.) Other reductions go to the stock
 * kernel.
 */
export function leadingAxesSum(stock: KernelConfig): KernelFunc {
  const isMean = stock.kernelName === Mean;
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { axis, keepDims } = args.attrs as NamedAttrMap & { axis: number | number[]; keepDims: boolean };
    const rank = x.shape.length;
    const axes = util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
    if (util.sizeFromShape(x.shape) === 0)
      return emptyReduction(args.backend as WasmBackendLike, x, axes, keepDims, isMean);
    const leading = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
    if (x.dtype !== 'float32' || !leading) return stock.kernelFunc(args);
    const rows = util.sizeFromShape(x.shape.slice(0, axes.length));
    const kept = x.shape.slice(axes.length);
    const cols = util.sizeFromShape(kept);
    const outShape = keepDims ? [...axes.map(() => 1), ...kept] : kept;
    const own = bySimd(args.backend as WasmBackendLike, x, rows, cols, outShape, isMean);
    if (own != null) return own;
    if (util.sizeFromShape(x.shape) < MIN_ELEMENTS) return stock.kernelFunc(args);
    const scope = new KernelScope(args.backend as WasmBackendLike);
    try {
      // [1, 1, 1, cols]: the mean over rows.
      const mean = scope.run(
        'AvgPool',
        { x: scope.reshape(x, [1, rows, 1, cols]) },
        { filterSize: [rows, 1], strides: [1, 1], pad: 'valid' },
      );
      const reduced = isMean
        ? mean
        : scope.run('Multiply', {
            a: mean,
            b: scope.run('Fill', {}, { shape: [], value: rows, dtype: 'float32' }),
          });
      return scope.finish(scope.reshape(reduced, outShape));
    } finally {
      scope.dispose();
    }
  };
}

/**
 * The sum (or mean: the sum divided by `rows`) of `x`, seen as `[rows, cols]`, over its rows by the
 * SIMD kernel (one pass, rows added in order), shaped `outShape`; null where the kernel cannot run
 * (no WebAssembly SIMD; see simd/column-sums.ts), so that the pooling or stock path runs.
 */
function bySimd(
  backend: WasmBackendLike,
  x: TensorInfo,
  rows: number,
  cols: number,
  outShape: number[],
  isMean: boolean,
): TensorInfo | null {
  const kernel = columnSumsKernel(backend);
  if (kernel == null) return null;
  const out = backend.makeOutput(outShape, 'float32');
  // Views after the allocation: an allocation may move the heap.
  const sums = backend.typedArrayFromHeap(out) as Float32Array;
  kernel.columnSums(backend.typedArrayFromHeap(x).byteOffset, sums.byteOffset, rows, cols);
  if (isMean) for (let c = 0; c < cols; c++) sums[c] /= rows;
  return out;
}

/** Wraps the stock `Sum` or `Mean` config with {@link leadingAxesSum}. */
export function leadingAxesSumConfig(stock: KernelConfig): KernelConfig {
  if (stock.kernelName !== Sum && stock.kernelName !== Mean) {
    throw new Error(`leadingAxesSumConfig wraps Sum or Mean, not ${stock.kernelName}.`);
  }
  return { ...stock, kernelFunc: leadingAxesSum(stock) };
}

/**
 * The sum or mean over `axes` of an empty tensor: zeros, as on the CPU backend (whose mean of
 * nothing is 0 too). Stock
 * tfjs-backend-wasm 4.22 transposes the empty input first, which traps ("divide by zero") and leaves
 * the WASM module unusable; the gradient of a broadcast op on an empty tensor sums one.
 */
function emptyReduction(
  backend: WasmBackendLike,
  x: TensorInfo,
  axes: number[],
  keepDims: boolean,
  isMean: boolean,
): TensorInfo {
  // [...x's shape, reduced axes removed (or 1 with keepDims)]
  const outShape = x.shape.flatMap((d, i) => (axes.includes(i) ? (keepDims ? [1] : []) : [d]));
  const dtype = isMean ? 'float32' : x.dtype;
  const out = backend.makeOutput(outShape, dtype);
  backend.typedArrayFromHeap(out).fill(0);
  return out;
}
