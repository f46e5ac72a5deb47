import { broadcast_util, type NamedAttrMap, type TensorInfo, util } from '@tensorflow/tfjs-core';
import { KernelScope, type WasmBackendLike } from '../kernel-scope.js';
import { pairStepKernels } from '../simd/pair-steps.js';
import { rowStepKernels } from '../simd/row-steps.js';
import { rowWideKernels } from '../simd/row-wide.js';
import { simdKernels, simdKernelsFlavor } from '../simd/simd-kernels.js';
import { floatZeroSkipTried, listedMatMul, skipListFloats } from './float-zero-skip.js';

/** Below this many multiply-adds XNNPACK's product is left in place (as in mat-mul-by-simd.ts). */
const MIN_MULTIPLY_ADDS = 16 * 16 * 16;

/**
 * Above this many multiply-adds the product is left to the other paths (the pool, XNNPACK): the
 * padded path is for the small products whose copies and padding cost little next to XNNPACK's
 * per-call packing, such as a classifier's last layer (`[128, 256] x [256, 10]`) and its gradients.
 */
const MAX_MULTIPLY_ADDS = 1 << 22;

/** Padding may at most double the multiply-adds (a matrix-vector product stays on XNNPACK). */
const MAX_PADDING_WASTE = 2;

/**
 * Cost of copying one element in JavaScript against one multiply-add of the SIMD kernel (about
 * 1 ns against 0.05 ns), for choosing the orientation that copies least.
 */
const COPY_COST = 20;

/**
 * The padded path is taken only with at least this many multiply-adds per element it copies: `pnpm
 * --filter @tensorfold/bench products-ab` measured it 1.2-1.9x faster than XNNPACK's path on the MLP's
 * 10-class layer (61 and 80 per copied element), 0.8-0.94x on LeNet-5's 84-unit layer (40 and 42)
 * and 0.66x on LeNet-5's 10-class input gradient (9).
 */
const MIN_WORK_PER_COPY = 48;

let enabled = true;
let copyRuleWaived = false;

/**
 * Holds the padded path off (`false`: the products it takes go back to XNNPACK with explicit
 * transposes) or lets it run again (the default), for A/B benchmarks and tests.
 *
 * @param waiveCopyRule Tests: take every product the kernel can, however many elements it copies
 *   per multiply-add (see {@link MIN_WORK_PER_COPY}). Default `false`.
 */
export function setPaddedMatMulEnabled(on: boolean, waiveCopyRule = false): void {
  enabled = on;
  copyRuleWaived = waiveCopyRule;
}

const ceilTo = (x: number, to: number) => Math.ceil(x / to) * to;

/**
 * One way to compute `op(a) . op(b)` (`[m, n]`) with the SIMD kernel, whose operands must be
 * `left [rows % 4 == 0, k]` and `right [k, cols % 8 == 0]`: directly (`left = op(a)`, `right =
 * op(b)`), or transposed (`left = op(b)^T`, `right = op(a)^T`, the result transposed back).
 */
interface Orientation {
  transposed: boolean;
  rows: number;
  cols: number;
  /** The left operand's tensor, and whether it is transposed as it lies ([k, rows] then). */
  left: { t: TensorInfo; transposed: boolean; rows: number };
  right: { t: TensorInfo; transposed: boolean; cols: number };
  /** Elements copied (operands that cannot be used as they lie, and the result) plus padded work. */
  cost: number;
  /** Elements copied. */
  copies: number;
}

function orientation(
  transposed: boolean,
  left: Orientation['left'],
  right: Orientation['right'],
  k: number,
): Orientation {
  const rows = ceilTo(left.rows, 4);
  const cols = ceilTo(right.cols, 8);
  const leftAsIs = !left.transposed && rows === left.rows;
  const rightAsIs = !right.transposed && cols === right.cols;
  // The result is always copied out: m or n is padded.
  const copies = (leftAsIs ? 0 : rows * k) + (rightAsIs ? 0 : k * cols) + left.rows * right.cols;
  return { transposed, rows, cols, left, right, cost: COPY_COST * copies + rows * k * cols, copies };
}

/**
 * `dst [rows, cols]` (row-major, zero beyond the source) from `src`, which is `[rowsIn, colsIn]`
 * as it lies, or `[colsIn, rowsIn]` where `transposed` (then read transposed).
 */
function copyPadded(
  src: Float32Array,
  transposed: boolean,
  rowsIn: number,
  colsIn: number,
  dst: Float32Array,
  cols: number,
): void {
  if (cols !== colsIn || dst.length !== rowsIn * cols) dst.fill(0);
  if (!transposed && cols === colsIn) {
    dst.set(src.subarray(0, rowsIn * colsIn));
    return;
  }
  for (let r = 0; r < rowsIn; r++) {
    const to = r * cols;
    if (transposed) {
      for (let c = 0; c < colsIn; c++) dst[to + c] = src[c * rowsIn + r];
    } else if (colsIn >= 64) {
      dst.set(src.subarray(r * colsIn, (r + 1) * colsIn), to);
    } else {
      const from = r * colsIn;
      for (let c = 0; c < colsIn; c++) dst[to + c] = src[from + c];
    }
  }
}

/**
 * The product of a small `matMul` or `_FusedMatMul` whose shape the SIMD kernel cannot take (rows
 * not a multiple of 4 or columns not a multiple of 8: a 10-class output layer and its gradients),
 * computed by that kernel on copies padded with zeros; or null to leave it to the other paths. The copies transpose where an operand is transposed, and of the two orientations
 * (`op(a) . op(b)`, or `(op(b)^T . op(a)^T)^T`) the one that copies least is taken: the weight
 * gradient `h^T . dy` of a 10-class layer, for one, reads `h` as it lies. The bias and relu of
 * `_FusedMatMul` are added while the result is copied out.
 *
 * Taken only where the kernels run their FMA build (relaxed SIMD), nothing is batched (batch
 * axes of size 1 only), and the product is between 16^3 and 2^22 multiply-adds with at most twice
 * the work after padding and at least {@link MIN_WORK_PER_COPY} multiply-adds per copied element; elsewhere (and where {@link setPaddedMatMulEnabled} holds it off) the
 * product takes exactly the paths it took before.
 *
 * `a` is `[...ones, m, k]` (`[...ones, k, m]` with transposeA), `b` `[...ones, k, n]` (`[...ones,
 * n, k]` with transposeB); the result `[...ones, m, n]`.
 */
export function matMulPadded(
  backend: WasmBackendLike,
  inputs: Record<string, TensorInfo | undefined>,
  attrs: NamedAttrMap,
): TensorInfo | null {
  if (!enabled) return null;
  const { a, b, bias } = inputs as { a: TensorInfo; b: TensorInfo; bias?: TensorInfo };
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return null;
  if (inputs.preluActivationWeights != null) return null;
  const activation = attrs.activation ?? 'linear';
  if (activation !== 'linear' && activation !== 'relu') return null;
  const batch = [...a.shape.slice(0, -2), ...b.shape.slice(0, -2)];
  if (batch.some((d) => d !== 1)) return null;
  const transposeA = attrs.transposeA === true;
  const transposeB = attrs.transposeB === true;
  const [a0, a1] = a.shape.slice(-2);
  const [b0, b1] = b.shape.slice(-2);
  const m = transposeA ? a1 : a0;
  const k = transposeA ? a0 : a1;
  const n = transposeB ? b0 : b1;
  if ((transposeB ? b1 : b0) !== k || m < 1 || k < 1 || n < 1) return null;
  // Aligned products are the SIMD kernel's, the pool's or XNNPACK's as before (transposing an
  // aligned operand in JavaScript measured slower than XNNPACK's path, `pnpm bench products-ab`).
  if (m % 4 === 0 && n % 8 === 0) return null;
  const work = m * k * n;
  if (work < MIN_MULTIPLY_ADDS || work > MAX_MULTIPLY_ADDS) return null;
  // A bias per column only ([n], [1, n]...): one shaped [n, 1] broadcasts per row.
  if (
    bias != null &&
    (bias.dtype !== 'float32' || util.sizeFromShape(bias.shape) !== n || bias.shape.at(-1) !== n)
  ) {
    return null;
  }
  if (simdKernelsFlavor() !== 'fma') return null;
  const kernels = simdKernels(backend);
  if (kernels == null) return null;

  const direct = orientation(
    false,
    { t: a, transposed: transposeA, rows: m },
    { t: b, transposed: transposeB, cols: n },
    k,
  );
  // op(b)^T lies as b does when transposeB ([n, k]); op(a)^T as a does when transposeA ([k, m]).
  const flipped = orientation(
    true,
    { t: b, transposed: !transposeB, rows: n },
    { t: a, transposed: !transposeA, cols: m },
    k,
  );
  const way = flipped.cost < direct.cost ? flipped : direct;
  if (way.rows * k * way.cols > MAX_PADDING_WASTE * work) return null;
  if (!copyRuleWaived && work < MIN_WORK_PER_COPY * way.copies) return null;

  const scope = new KernelScope(backend);
  try {
    // [...ones, m, n]
    const outShape = [
      ...broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2)),
      m,
      n,
    ];
    const { left, right, rows, cols } = way;
    const leftAsIs = !left.transposed && rows === left.rows;
    const rightAsIs = !right.transposed && cols === right.cols;
    // [rows, k], [k, cols], [rows, cols]: allocated before any view (an allocation may move the heap).
    const leftPadded = leftAsIs ? left.t : scope.allocate([rows, k]);
    const rightPadded = rightAsIs ? right.t : scope.allocate([k, cols]);
    const product = scope.allocate([rows, cols]);
    const out = scope.allocate(outShape);
    // [rows / 4 blocks] lists of the steps of k to walk (float-zero-skip.ts)
    const lists = floatZeroSkipTried(rows, k, cols) ? scope.allocate([skipListFloats(rows, k, cols)]) : null;
    const view = (t: TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
    if (!leftAsIs) copyPadded(view(left.t), left.transposed, left.rows, k, view(leftPadded), k);
    if (!rightAsIs) copyPadded(view(right.t), right.transposed, k, right.cols, view(rightPadded), cols);
    const at = (t: TensorInfo) => view(t).byteOffset;
    listedMatMul(
      kernels,
      { a: at(leftPadded), b: at(rightPadded), out: at(product), m: rows, k, n: cols },
      lists == null ? null : at(lists),
      pairStepKernels(backend),
      rowStepKernels(backend),
      rowWideKernels(backend),
    );
    const epilogue = { bias: bias != null ? view(bias) : null, relu: activation === 'relu' };
    copyOut(view(product), cols, way.transposed, m, n, view(out), epilogue);
    return scope.finish(out);
  } finally {
    scope.dispose();
  }
}

/**
 * `out [m, n]` from the padded product (`[>= m, cols]`, or `[>= n, cols]` holding the result
 * transposed), plus `bias [n]` where given, then `max(x, 0)` where `relu` (NaN kept).
 */
function copyOut(
  product: Float32Array,
  cols: number,
  transposed: boolean,
  m: number,
  n: number,
  out: Float32Array,
  { bias, relu }: { bias: Float32Array | null; relu: boolean },
): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let v = transposed ? product[j * cols + i] : product[i * cols + j];
      if (bias != null) v += bias[j];
      out[i * n + j] = relu && v < 0 ? 0 : v;
    }
  }
}
