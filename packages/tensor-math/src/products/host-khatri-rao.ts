/**
 * The Khatri-Rao product of small row-major float64 matrices, computed in JavaScript straight into a
 * float32 array for upload. CP-ALS keeps its factors on the host (the solves are there); building the
 * `[∏ n_k, R]` product here costs a few hundred microseconds and saves the chain of broadcast
 * multiplications a backend would dispatch (each a kernel launch, on WASM slower than the arithmetic).
 */

/**
 * `A_1 ⊙ A_2 ⊙ ...` of row-major `[rows[k], R]` matrices: `[∏ rows, R]`, row-major, C order (the last
 * matrix's row index varies fastest), the same layout as {@link khatriRao}.
 *
 * @param matrices row-major values of each matrix
 * @param rows the row count of each matrix
 * @param rank `R`, the shared column count
 * @param columnScale multiply column `r` by `columnScale[r]` (CP weights). Default: none.
 * @returns with no matrices, one row: `columnScale` or ones.
 */
export function hostKhatriRao(
  matrices: readonly ArrayLike<number>[],
  rows: readonly number[],
  rank: number,
  columnScale?: ArrayLike<number>,
): Float32Array {
  return khatriRaoInto(matrices, rows, rank, columnScale, (n) => new Float32Array(n));
}

/** {@link hostKhatriRao} into a float64 array (for host-side arithmetic rather than upload). */
export function hostKhatriRao64(
  matrices: readonly ArrayLike<number>[],
  rows: readonly number[],
  rank: number,
  columnScale?: ArrayLike<number>,
): Float64Array {
  return khatriRaoInto(matrices, rows, rank, columnScale, (n) => new Float64Array(n));
}

function khatriRaoInto<T extends Float32Array | Float64Array>(
  matrices: readonly ArrayLike<number>[],
  rows: readonly number[],
  rank: number,
  columnScale: ArrayLike<number> | undefined,
  allocate: (length: number) => T,
): T {
  // the partial product [count, R] of the matrices so far (float64), starting from the column scale
  let partial = new Float64Array(rank).fill(1);
  if (columnScale) for (let r = 0; r < rank; r++) partial[r] = columnScale[r];
  let count = 1;
  for (let k = 0; k < matrices.length - 1; k++) {
    const next = new Float64Array(count * rows[k] * rank);
    appendKhatriRao(partial, count, matrices[k], rows[k], rank, next);
    partial = next;
    count *= rows[k];
  }
  const last = matrices.length - 1;
  const out = allocate(count * (last >= 0 ? rows[last] : 1) * rank);
  if (last < 0) out.set(partial);
  else appendKhatriRao(partial, count, matrices[last], rows[last], rank, out);
  return out;
}

/** `out[(i·n + j)·R + r] = left[i·R + r] · right[j·R + r]`: one Khatri-Rao step, row-major. */
function appendKhatriRao(
  left: Float64Array,
  count: number,
  right: ArrayLike<number>,
  n: number,
  rank: number,
  out: Float64Array | Float32Array,
): void {
  // one typed copy of `right`, so that the hot loop below sees a single array type
  const rightValues = right instanceof Float64Array ? right : Float64Array.from(right);
  if (out instanceof Float32Array) step32(left, count, rightValues, n, rank, out);
  else step64(left, count, rightValues, n, rank, out);
}

function step32(
  left: Float64Array,
  count: number,
  right: Float64Array,
  n: number,
  rank: number,
  out: Float32Array,
) {
  let target = 0;
  for (let i = 0; i < count; i++) {
    const l = i * rank;
    for (let j = 0; j < n; j++) {
      const rr = j * rank;
      for (let r = 0; r < rank; r++) out[target++] = left[l + r] * right[rr + r];
    }
  }
}

function step64(
  left: Float64Array,
  count: number,
  right: Float64Array,
  n: number,
  rank: number,
  out: Float64Array,
) {
  let target = 0;
  for (let i = 0; i < count; i++) {
    const l = i * rank;
    for (let j = 0; j < n; j++) {
      const rr = j * rank;
      for (let r = 0; r < rank; r++) out[target++] = left[l + r] * right[rr + r];
    }
  }
}
