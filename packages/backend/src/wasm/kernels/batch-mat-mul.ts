import {
  _FusedMatMul,
  BatchMatMul,
  broadcast_util,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { KernelScope, type WasmBackendLike } from '../kernel-scope.js';
import { simdKernelsFlavor } from '../simd/simd-kernels.js';
import { pairListsLikely } from './float-zero-skip.js';
import {
  matMulBySimd,
  matMulTransposedBByPairs,
  pairsTransposeFused,
  simdMatMulTakes,
} from './mat-mul-by-simd.js';
import { matMulByThreads } from './mat-mul-by-threads.js';
import { matMulPadded } from './mat-mul-padded.js';
import { forgetStalePackedWeights } from './packed-weights.js';

/**
 * Relative cost of transposing one element against XNNPACK packing one element of the weights
 * operand (measured on the benchmark machine: about 2.75 ns against 1 to 1.5 ns).
 */
const TRANSPOSE_COST = 2;

/**
 * From this many multiply-adds per product on, a batch of products where both operands carry the
 * batch runs as one XNNPACK product per batch entry rather than in the stock scalar loop (whose
 * speed does not depend on size, while each XNNPACK call costs three kernel launches).
 */
const PER_ENTRY_MIN_MULTIPLY_ADDS = 32 * 32 * 32;

type MatMulAttrs = NamedAttrMap & { transposeA: boolean; transposeB: boolean };

/**
 * Stock tfjs-backend-wasm sends every `matMul` with `transposeA`, `transposeB` or a batch
 * dimension to a scalar triple loop, 10 to 20 times slower than its XNNPACK path, and the gradient of
 * every dense layer needs exactly those transposes. This wrapper brings such products to the form
 * the fast path takes, `[1, rows, inner] x [1, inner, cols]` with nothing transposed:
 * - transposed operands are transposed explicitly, or, when that moves less data (the input
 *   gradient of a dense layer, `dy . W^T`), the product is computed transposed, `(W . dy^T)^T`;
 *   where `dy . W^T` is kept as written for the one-thread pairs' product ({@link sparseLeftKept}),
 *   `W` is read as it lies, transposed into the product's panels as they are copied
 *   (`matMulTransposedBByPairs`: no transpose pass, no transposed copy of `W`);
 * - a batch on one side only is folded into the rows of `a` (a dense layer on 3-D input) or of the
 *   transposed product (a matrix applied to every slice of a tensor, as in a mode-n product);
 * - a batch on both sides runs as one product per entry when the products are large enough, else
 *   in the stock loop with the transposes removed.
 * Small products whose shapes the SIMD kernel takes only after padding (a 10-class output layer and
 * its gradients) run on it on padded copies first (see {@link matMulPadded}).
 */
export function fastMatMul(given: KernelConfig): KernelFunc {
  const fusable = given.kernelName === _FusedMatMul;
  const stock = withFreshPackedWeights(given);
  return (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const attrs = args.attrs as MatMulAttrs;
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return stock.kernelFunc(args);
    const threaded = matMulByThreads(args.backend as WasmBackendLike, args.inputs, attrs);
    if (threaded != null) return threaded;
    const padded = matMulPadded(args.backend as WasmBackendLike, args.inputs, attrs);
    if (padded != null) return padded;
    const aBatch = util.sizeFromShape(a.shape.slice(0, -2));
    const bBatch = util.sizeFromShape(b.shape.slice(0, -2));
    if (!attrs.transposeA && !attrs.transposeB && aBatch === 1 && bBatch === 1) return stock.kernelFunc(args);
    // A fused product's bias and activation apply to the product as given: only reshapes keep them right.
    const extras = fusable && (args.inputs.bias != null || args.inputs.preluActivationWeights != null);
    const scope = new KernelScope(args.backend as WasmBackendLike);
    try {
      const m = matrixShape(a, b, attrs);
      // [...batch, rows, cols]
      const outShape = [
        ...broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2)),
        m.rows,
        m.cols,
      ];
      const plain = (x: TensorInfo, y: TensorInfo) =>
        scope.runConfig(
          stock,
          { ...args.inputs, a: x, b: y },
          { ...attrs, transposeA: false, transposeB: false },
        );
      let product: TensorInfo;
      const single = aBatch === 1 && bBatch === 1 && !extras;
      const keptLeft = single && sparseLeftKept(attrs, m);
      // dy . W^T kept as written: W transposed into the pairs' panels as they are copied, no pass of its own.
      const fused = keptLeft ? matMulTransposedBByPairs(args.backend as WasmBackendLike, args.inputs) : null;
      if (fused != null) {
        scope.adopt(fused);
        product = fused;
      } else if (single && !keptLeft && transposedIsCheaper(a, b, attrs, m)) {
        product = transposedProduct(scope, plain, a, b, attrs, m, 1);
      } else if (bBatch === 1 && (!extras || biasPerColumn(args.inputs.bias, m.cols))) {
        product = foldedIntoRows(scope, plain, a, b, attrs, m, aBatch);
      } else if (aBatch === 1 && !extras) {
        product = transposedProduct(scope, plain, a, b, attrs, m, bBatch);
      } else if (aBatch === bBatch && !extras && m.rows * m.inner * m.cols >= PER_ENTRY_MIN_MULTIPLY_ADDS) {
        product = perEntry(scope, plain, a, b, attrs, m, aBatch);
      } else {
        product = plain(untransposedA(scope, a, attrs), untransposedB(scope, b, attrs));
      }
      return scope.finish(scope.reshape(product, outShape));
    } finally {
      scope.dispose();
    }
  };
}

/**
 * The stock kernel, made safe from its shape-blind operator cache: every call that takes XNNPACK's
 * path (nothing transposed, no batch) first drops operators cached for `b` under another shape (see
 * {@link forgetStalePackedWeights}). Plain products large enough run on the thread pool where one
 * runs (see {@link matMulByThreads}: the products {@link fastMatMul} composes batched products of,
 * one per entry, among them); where relaxed SIMD is available, plain products of the right shapes
 * run on tensorfold's own SIMD kernel (see {@link matMulBySimd}).
 */
function withFreshPackedWeights(stock: KernelConfig): KernelConfig {
  return {
    ...stock,
    kernelFunc: (args) => {
      const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
      const attrs = args.attrs as MatMulAttrs;
      const batched =
        util.sizeFromShape(a.shape.slice(0, -2)) !== 1 || util.sizeFromShape(b.shape.slice(0, -2)) !== 1;
      if (!attrs.transposeA && !attrs.transposeB && !batched && b.shape.length >= 2) {
        const own =
          matMulByThreads(args.backend as WasmBackendLike, args.inputs, args.attrs ?? {}) ??
          matMulBySimd(args.backend as WasmBackendLike, args.inputs, args.attrs ?? {});
        if (own != null) return own;
        const [inner, cols] = b.shape.slice(-2);
        forgetStalePackedWeights(args.backend as WasmBackendLike, b, inner, cols);
      }
      return stock.kernelFunc(args);
    },
  };
}

/** Wraps the stock `BatchMatMul` or `_FusedMatMul` config with {@link fastMatMul}. */
export function fastMatMulConfig(stock: KernelConfig): KernelConfig {
  if (stock.kernelName !== BatchMatMul && stock.kernelName !== _FusedMatMul) {
    throw new Error(`fastMatMulConfig wraps BatchMatMul or _FusedMatMul, not ${stock.kernelName}.`);
  }
  const fast = fastMatMul(stock);
  return { ...stock, kernelFunc: stock.kernelName === _FusedMatMul ? withMatrices(fast) : fast };
}

/**
 * Stock `_FusedMatMul` takes `[batch, rows, cols]` operands only (tfjs's `tf.fused.matMul` reshapes
 * to them; a 2-D pair trapped with "remainder by zero"): 2-D operands, as a layer that runs the
 * kernel by itself passes them, are given a batch of 1 here and the product returned 2-D, without
 * copies (no engine call: the reshapes share the memory).
 */
function withMatrices(kernel: KernelFunc): KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    if (a.shape.length !== 2 || b.shape.length !== 2) return kernel(args);
    const scope = new KernelScope(args.backend as WasmBackendLike);
    try {
      const inputs = {
        ...args.inputs,
        a: scope.reshape(a, [1, ...a.shape]),
        b: scope.reshape(b, [1, ...b.shape]),
      };
      const product = kernel({ ...args, inputs }) as TensorInfo; // [1, rows, cols]
      scope.adopt(product);
      return scope.finish(scope.reshape(product, product.shape.slice(1)));
    } finally {
      scope.dispose();
    }
  };
}

/** `op(a)` is `[rows, inner]`, `op(b)` is `[inner, cols]` (per batch entry). */
interface MatrixShape {
  rows: number;
  inner: number;
  cols: number;
}

type PlainProduct = (a: TensorInfo, b: TensorInfo) => TensorInfo;

function matrixShape(a: TensorInfo, b: TensorInfo, attrs: MatMulAttrs): MatrixShape {
  const [a0, a1] = a.shape.slice(-2);
  const [b0, b1] = b.shape.slice(-2);
  return {
    rows: attrs.transposeA ? a1 : a0,
    inner: attrs.transposeA ? a0 : a1,
    cols: attrs.transposeB ? b0 : b1,
  };
}

/**
 * Whether a fused product's bias is one per column (`[cols]`, `[1, cols]`...), which stays right when
 * a's batch is folded into its rows; one shaped `[rows, 1]` (rows = cols too) broadcasts per row.
 */
function biasPerColumn(bias: TensorInfo | undefined, cols: number): boolean {
  return bias == null || (util.sizeFromShape(bias.shape) === cols && bias.shape.at(-1) === cols);
}

/** Swaps the last two axes. */
function swapLast(t: TensorInfo): number[] {
  const rank = t.shape.length;
  return [...t.shape.slice(0, -2).map((_, i) => i), rank - 1, rank - 2];
}

/** `op(a)` laid out as `[..., rows, inner]`. */
function untransposedA(scope: KernelScope, a: TensorInfo, attrs: MatMulAttrs): TensorInfo {
  return attrs.transposeA ? scope.transpose(a, swapLast(a)) : a;
}

/** `op(b)` laid out as `[..., inner, cols]`. */
function untransposedB(scope: KernelScope, b: TensorInfo, attrs: MatMulAttrs): TensorInfo {
  return attrs.transposeB ? scope.transpose(b, swapLast(b)) : b;
}

/**
 * What `op(a) . op(b)` (`direct`) and `(op(b)^T . op(a)^T)^T` (`transposed`) move, in elements
 * weighted by cost. XNNPACK packs its second operand on every call with new weights, and each
 * explicit transpose is a copy; the transposed form takes a transposed operand as it lies but
 * transposes the result.
 */
function dataMoved(attrs: MatMulAttrs, m: MatrixShape): { direct: number; transposed: number } {
  const sizeA = m.rows * m.inner;
  const sizeB = m.inner * m.cols;
  const sizeC = m.rows * m.cols;
  const direct = TRANSPOSE_COST * ((attrs.transposeA ? sizeA : 0) + (attrs.transposeB ? sizeB : 0)) + sizeB;
  const transposed =
    TRANSPOSE_COST * ((attrs.transposeA ? 0 : sizeA) + (attrs.transposeB ? 0 : sizeB) + sizeC) + sizeA;
  return { direct, transposed };
}

/** Whether `(op(b)^T . op(a)^T)^T` moves less data than `op(a) . op(b)` (see {@link dataMoved}). */
function transposedIsCheaper(a: TensorInfo, b: TensorInfo, attrs: MatMulAttrs, m: MatrixShape): boolean {
  const { direct, transposed } = dataMoved(attrs, m);
  return a.shape.length >= 2 && b.shape.length >= 2 && transposed < direct;
}

/**
 * Where `W` is transposed by a pass of its own (`setPairsTransposeFused(false)`), `dy . W^T` runs as
 * written (see {@link sparseLeftKept}) only where that moves at most this many times the data of the
 * transposed form ({@link dataMoved}): one thread, `dy` half zero (a ReLU's), as written against
 * transposed (`TENSORFOLD_WASM_THREADS=1 pnpm --filter @tensorfold/bench left-kept-ab`, BENCHMARKS.md,
 * under load): the MLP's `[128, 256] . [512, 256]^T` (1.7 times the data) 1.22x faster, batch 64 (3.4
 * times) 1.08x, batch 32 (6.9 times) 0.82x, and `[16, 512] . [512, 512]^T` (19 times) 0.69x:
 * transposing `W` costs more than a small batch's zeros save. With `W` transposed into the panels as
 * they are copied (the default) no limit: against this rule, batches 4 to 32 (those it sent transposed)
 * 1.34-1.86x less CPU with a masked `dy`, dense `dy` 0.95-1.03 (`left-kept-ab 60 fused`, 1 and 2
 * threads, under load; BENCHMARKS.md, branch wip/review-pairc).
 */
const MAX_KEPT_DATA_RATIO = 4;

/**
 * Whether `dy . W^T` (`transposeB` alone) runs as written, `W` transposed explicitly, rather than
 * transposed as {@link transposedIsCheaper} would have it: where tensorfold's one-thread SIMD kernel
 * takes the product with the lists per pair of rows (float-zero-skip.ts), which pass over the zeros
 * of the left operand only, and `dy` is the one with zeros (a ReLU layer's gradient is zero wherever
 * the unit was off). Not where `W` is transposed by a pass of its own and that moves over {@link
 * MAX_KEPT_DATA_RATIO} times the data (a small batch against a large `W`), nor where the last
 * listing of `dy`'s shape found it nearly dense (the shape rests: float-zero-skip.ts's
 * `REST_CALLS`), nor below 32 columns (the skip is never tried).
 */
function sparseLeftKept(attrs: MatMulAttrs, m: MatrixShape): boolean {
  if (attrs.transposeA || !attrs.transposeB || simdKernelsFlavor() !== 'fma') return false;
  if (!simdMatMulTakes(m.rows, m.inner, m.cols)) return false;
  const { direct, transposed } = dataMoved(attrs, m);
  const movedLittle = pairsTransposeFused() || direct <= MAX_KEPT_DATA_RATIO * transposed;
  // (last: it counts a resting shape's call)
  return movedLittle && pairListsLikely(m.rows, m.inner, m.cols);
}

/** `a`'s batch folded into its rows: `[1, batchA * rows, inner] x [1, inner, cols]`. */
function foldedIntoRows(
  scope: KernelScope,
  plain: PlainProduct,
  a: TensorInfo,
  b: TensorInfo,
  attrs: MatMulAttrs,
  m: MatrixShape,
  aBatch: number,
): TensorInfo {
  const rows = scope.reshape(untransposedA(scope, a, attrs), [1, aBatch * m.rows, m.inner]);
  return plain(rows, scope.reshape(untransposedB(scope, b, attrs), [1, m.inner, m.cols]));
}

/**
 * `op(a) . op(b_i)` for every entry `b_i` of `b`'s batch (`bBatch` 1 when it has none), computed
 * transposed, as `(op(b_i)^T . op(a)^T)^T`: transposed operands are used as they lie, and `b`'s
 * batch is folded into the rows of the transposed product, so that XNNPACK packs only the shared
 * `a`: `[1, batchB * cols, inner] x [1, inner, rows]` gives every `op(b_i)^T . op(a)^T`, then
 * `[batchB, cols, rows]` is transposed to `[batchB, rows, cols]`.
 */
function transposedProduct(
  scope: KernelScope,
  plain: PlainProduct,
  a: TensorInfo,
  b: TensorInfo,
  attrs: MatMulAttrs,
  m: MatrixShape,
  bBatch: number,
): TensorInfo {
  // [batchB, cols, inner]: op(b_i)^T for every entry.
  const bT = attrs.transposeB ? b : scope.transpose(b, swapLast(b));
  // [inner, rows]: op(a)^T.
  const aT = attrs.transposeA ? a : scope.transpose(a, swapLast(a));
  const productT = plain(
    scope.reshape(bT, [1, bBatch * m.cols, m.inner]),
    scope.reshape(aT, [1, m.inner, m.rows]),
  );
  return scope.transpose(scope.reshape(productT, [bBatch, m.cols, m.rows]), [0, 2, 1]);
}

/** One XNNPACK product per batch entry (both operands batched alike), stacked. */
function perEntry(
  scope: KernelScope,
  plain: PlainProduct,
  a: TensorInfo,
  b: TensorInfo,
  attrs: MatMulAttrs,
  m: MatrixShape,
  batch: number,
): TensorInfo {
  // [batch, rows, inner] and [batch, inner, cols]
  const as = scope.reshape(untransposedA(scope, a, attrs), [batch, m.rows, m.inner]);
  const bs = scope.reshape(untransposedB(scope, b, attrs), [batch, m.inner, m.cols]);
  const products: TensorInfo[] = [];
  for (let i = 0; i < batch; i++) {
    const ai = scope.run('Slice', { x: as }, { begin: [i, 0, 0], size: [1, m.rows, m.inner] });
    const bi = scope.run('Slice', { x: bs }, { begin: [i, 0, 0], size: [1, m.inner, m.cols] });
    products.push(plain(ai, bi));
  }
  return products.length === 1 ? products[0] : scope.run('Concat', products as never, { axis: 0 });
}
