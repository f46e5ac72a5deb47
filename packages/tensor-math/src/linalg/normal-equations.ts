/**
 * The small `R x R` linear algebra of CP-ALS, in float64 on plain row-major `Float64Array`s: Gram
 * matrices of factors, their Hadamard products, and the regularised solve of the normal equations.
 * `R` is the CP rank (tens, at most a few hundred), so a GPU or an `ml-matrix` object would cost
 * more than the arithmetic.
 */
import { DataError } from '@tensorfold/core';

/**
 * The proximal weight of {@link proximalSolve}, relative to the mean diagonal of the normal matrix.
 * Large enough that float32 round-off in the right-hand side (about 1e-7 of its size) cannot be
 * amplified by more than about 1e5, small enough that a well-conditioned solve moves by less than
 * float32 resolution from the plain least-squares one.
 */
export const PROXIMAL_WEIGHT = 1e-6;

/**
 * `AᵀA` `[columns, columns]` of a row-major `[rows, columns]` matrix, in float64: each entry one dot
 * product down two columns, summed in row order. Give a `Float64Array` where speed matters (CP-ALS
 * calls it several times a sweep): one element type keeps the loop monomorphic.
 */
export function gramOf(values: ArrayLike<number>, rows: number, columns: number): Float64Array {
  const gram = new Float64Array(columns * columns);
  const end = rows * columns;
  for (let r = 0; r < columns; r++) {
    for (let s = r; s < columns; s++) {
      let sum = 0;
      for (let o = 0; o < end; o += columns) sum += values[o + r] * values[o + s];
      gram[r * columns + s] = sum;
      gram[s * columns + r] = sum;
    }
  }
  return gram;
}

/** The element-wise product of every `[R, R]` matrix in `grams` except the one at `skip`. */
export function hadamardExcept(grams: readonly Float64Array[], skip: number, rank: number): Float64Array {
  const result = new Float64Array(rank * rank).fill(1);
  grams.forEach((g, k) => {
    if (k === skip) return;
    for (let i = 0; i < result.length; i++) result[i] *= g[i];
  });
  return result;
}

/**
 * Solves the CP-ALS normal equations `A·V = M` for `A` `[rows, R]` with a proximal term: the minimiser
 * of `‖X_(k) − A·Kᵀ‖² + λ‖A − anchor‖²`, which is `A = (M + λ·anchor)·(V + λI)⁻¹`, with
 * `λ = PROXIMAL_WEIGHT · trace(V)/R` (Navasca, De Lathauwer and Kindermann's regularised ALS).
 *
 * Why not the plain solve: when the rank exceeds a mode's size, or two components become nearly
 * collinear, `V` is singular or nearly so, and the float32 round-off in `M` (the MTTKRP from the
 * backend) is amplified by `‖V⁻¹‖` into huge factors that diverge. With the proximal term the matrix
 * is positive definite, the amplification is bounded by `1/λ`, and since `A = anchor` is a feasible
 * choice, the fit `‖X_(k) − A·Kᵀ‖` can never get worse than the anchor's: the error history is
 * non-increasing (up to the float32 round-off of the backend's products).
 *
 * `V + λI` is factored by Cholesky in float64; should round-off make a pivot non-positive, `λ` grows
 * tenfold and the factorisation is retried.
 *
 * @param normal `V` `[R, R]`, symmetric positive semi-definite, row-major.
 * @param rhs `M` `[rows, R]`, row-major (float32 from the backend, or float64).
 * @param anchor the current factor `[rows, R]` (the model's current value of `A`), row-major.
 * @returns `A` `[rows, R]`, row-major, float64.
 * @throws DataError when `V` holds NaN or Infinity (no shift makes it positive definite).
 */
export function proximalSolve(
  normal: Float64Array,
  rhs: ArrayLike<number>,
  anchor: ArrayLike<number>,
  rows: number,
  rank: number,
): Float64Array {
  let trace = 0;
  for (let r = 0; r < rank; r++) trace += normal[r * rank + r];
  let lambda = PROXIMAL_WEIGHT * (trace > 0 && Number.isFinite(trace) ? trace / rank : 1);
  let factor = cholesky(normal, rank, lambda);
  for (let retry = 0; factor === null; retry++) {
    if (retry === 20 || !Number.isFinite(lambda)) {
      throw new DataError(
        'The CP normal equations hold NaN or Infinity: the input or the start holds NaN or Infinity, or values too large for float32. Clean or rescale the data.',
      );
    }
    lambda *= 10;
    factor = cholesky(normal, rank, lambda);
  }
  const out = new Float64Array(rows * rank);
  const y = new Float64Array(rank);
  for (let row = 0; row < rows; row++) {
    const offset = row * rank;
    // L·y = m + λ·anchor (forward), then Lᵀ·a = y (backward)
    for (let i = 0; i < rank; i++) {
      let sum = rhs[offset + i] + lambda * anchor[offset + i];
      const li = i * rank;
      for (let k = 0; k < i; k++) sum -= factor[li + k] * y[k];
      y[i] = sum / factor[li + i];
    }
    for (let i = rank - 1; i >= 0; i--) {
      let sum = y[i];
      for (let k = i + 1; k < rank; k++) sum -= factor[k * rank + i] * out[offset + k];
      out[offset + i] = sum / factor[i * rank + i];
    }
  }
  return out;
}

/**
 * The lower Cholesky factor `L` of `V + shift·I` (row-major `[R, R]`), or null when a pivot is not
 * positive (the shifted matrix is not numerically positive definite).
 */
export function cholesky(matrix: Float64Array, size: number, shift: number): Float64Array | null {
  const l = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    const li = i * size;
    for (let j = 0; j <= i; j++) {
      const lj = j * size;
      let sum = matrix[li + j] + (i === j ? shift : 0);
      for (let k = 0; k < j; k++) sum -= l[li + k] * l[lj + k];
      if (i === j) {
        if (!(sum > 0) || !Number.isFinite(sum)) return null;
        l[li + i] = Math.sqrt(sum);
      } else {
        l[li + j] = sum / l[lj + j];
      }
    }
  }
  return l;
}
