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
import { columnSumsKernel, narrowColumnSumsEnabled } from '../simd/column-sums.js';

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
 * Rows summed in order before their sum joins the others: a convolution's bias gradient at batch 64
 * on 28x28 images sums 50,176 rows, and one float32 sum in order over them loses up to 50,176 roundings.
 */
export const BLOCK_ROWS = 1024;

/**
 * Up to this many columns (8 or 16), the sums run 8 columns at a time in registers
 * (`columnSumsNarrow`). Measured on the benchmark machine, 50,176 rows: 8 columns 0.06 ms against
 * 0.18 ms row by row (LeNet-5's first bias gradient, `[64, 28, 28, 8]`), 16 columns 0.10 against
 * 0.18-0.23, 32 even, 64 slower (0.51-0.56 against 0.39-0.40).
 */
const NARROW_MAX_COLS = 16;

/**
 * The sum (or mean: the sum divided by `rows`) of `x`, seen as `[rows, cols]`, over its rows by the
 * SIMD kernel, shaped `outShape`; null where the kernel cannot run (no WebAssembly SIMD; see
 * simd/column-sums.ts), so that the pooling or stock path runs. Up to {@link BLOCK_ROWS} rows: one
 * pass, the rows added in order. More: each block of {@link BLOCK_ROWS} rows summed in order, then the
 * blocks' sums in order (two levels: rounding error grows with about `BLOCK_ROWS + rows / BLOCK_ROWS`,
 * not `rows`).
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
  // out and the blocks' sums freed here if anything throws (a trap in the WASM call): no leak
  const scope = new KernelScope(backend);
  try {
    const out = scope.allocate(outShape);
    const blocks = Math.ceil(rows / BLOCK_ROWS);
    // [blocks, cols]: each block's sums
    const partial = blocks > 1 ? scope.allocate([blocks, cols]) : null;
    // Views after the allocations: an allocation may move the heap.
    const sums = backend.typedArrayFromHeap(out) as Float32Array;
    const from = backend.typedArrayFromHeap(x).byteOffset;
    // A few channels (8 or 16: a convolution's bias gradient): in registers, not row by row in memory.
    const narrow = cols % 8 === 0 && cols <= NARROW_MAX_COLS && narrowColumnSumsEnabled();
    // (WebAssembly exports: no `this` to bind, so no new function each call)
    const columnSums = narrow ? kernel.columnSumsNarrow : kernel.columnSums;
    if (partial == null) {
      columnSums(from, sums.byteOffset, rows, cols);
    } else {
      const at = backend.typedArrayFromHeap(partial).byteOffset;
      for (let b = 0; b < blocks; b++) {
        const first = b * BLOCK_ROWS;
        const count = Math.min(BLOCK_ROWS, rows - first);
        columnSums(from + first * cols * 4, at + b * cols * 4, count, cols);
      }
      columnSums(at, sums.byteOffset, blocks, cols);
    }
    if (isMean) for (let c = 0; c < cols; c++) sums[c] /= rows;
    return scope.finish(out);
  } finally {
    scope.dispose();
  }
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
