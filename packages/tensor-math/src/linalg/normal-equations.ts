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
 *
 * @param out where to write it (every entry is written). Default: a new array.
 */
export function gramOf(
  values: ArrayLike<number>,
  rows: number,
  columns: number,
  out?: Float64Array,
): Float64Array {
  const gram = out ?? new Float64Array(columns * columns);
  const end = rows * columns;
  for (let r = 0; r < columns; r++) {
    // four entries of row r at a time (independent sums, so they pipeline), each in row order
    let s = r;
    for (; s + 3 < columns; s += 4) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let o = 0; o < end; o += columns) {
        const a = values[o + r];
        s0 += a * values[o + s];
        s1 += a * values[o + s + 1];
        s2 += a * values[o + s + 2];
        s3 += a * values[o + s + 3];
      }
      gram[r * columns + s] = s0;
      gram[r * columns + s + 1] = s1;
      gram[r * columns + s + 2] = s2;
      gram[r * columns + s + 3] = s3;
    }
    for (; s < columns; s++) {
      let sum = 0;
      for (let o = 0; o < end; o += columns) sum += values[o + r] * values[o + s];
      gram[r * columns + s] = sum;
    }
  }
  for (let r = 0; r < columns; r++) for (let s = 0; s < r; s++) gram[r * columns + s] = gram[s * columns + r];
  return gram;
}

/**
 * The element-wise product of every `[R, R]` matrix in `grams` except the one at `skip`, into `out`
 * (default: a new array).
 */
export function hadamardExcept(
  grams: readonly Float64Array[],
  skip: number,
  rank: number,
  out?: Float64Array,
): Float64Array {
  const result = (out ?? new Float64Array(rank * rank)).fill(1);
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
 * `V + λI` is factored by Cholesky in float64 (should round-off make a pivot non-positive, `λ` grows
 * tenfold and the factorisation is retried) and inverted from its factor; each row of `A` is then a
 * product with that inverse.
 *
 * @param normal `V` `[R, R]`, symmetric positive semi-definite, row-major.
 * @param rhs `M` `[rows, R]`, row-major (float32 from the backend, or float64).
 * @param anchor the current factor `[rows, R]` (the model's current value of `A`), row-major.
 * @param out where to write `A` (not `rhs` or `anchor`). Default: a new array.
 * @returns `A` `[rows, R]`, row-major, float64.
 * @throws DataError when `V` holds NaN or Infinity (no shift makes it positive definite).
 */
export function proximalSolve(
  normal: Float64Array,
  rhs: ArrayLike<number>,
  anchor: ArrayLike<number>,
  rows: number,
  rank: number,
  out?: Float64Array,
): Float64Array {
  const work = scratchFor(rank);
  let trace = 0;
  for (let r = 0; r < rank; r++) trace += normal[r * rank + r];
  let lambda = PROXIMAL_WEIGHT * (trace > 0 && Number.isFinite(trace) ? trace / rank : 1);
  let factor = cholesky(normal, rank, lambda, work.l);
  for (let retry = 0; factor === null; retry++) {
    if (retry === 20 || !Number.isFinite(lambda)) {
      throw new DataError(
        'The CP normal equations hold NaN or Infinity: the input or the start holds NaN or Infinity, or values too large for float32. Clean or rescale the data.',
      );
    }
    lambda *= 10;
    factor = cholesky(normal, rank, lambda, work.l);
  }
  // A = (M + λ·anchor)·W with W = (V + λI)⁻¹ = L⁻ᵀL⁻¹, made once: a row's R products are then
  // independent sums (row-by-row triangular solves chain every step on the one before, about 4x
  // slower at R = 10 in V8), and W's round-off is that of the solves (λ bounds its condition)
  const inverse = inverseFromCholesky(factor, rank, work.inverse, work.lInverse); // [R, R]
  const result = out ?? new Float64Array(rows * rank);
  const b = work.b;
  for (let offset = 0; offset < result.length; offset += rank) {
    for (let i = 0; i < rank; i++) b[i] = rhs[offset + i] + lambda * anchor[offset + i];
    // four outputs at a time, each summed over i in order
    let j = 0;
    for (; j + 3 < rank; j += 4) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let i = 0, w = j; i < rank; i++, w += rank) {
        const v = b[i];
        s0 += v * inverse[w];
        s1 += v * inverse[w + 1];
        s2 += v * inverse[w + 2];
        s3 += v * inverse[w + 3];
      }
      result[offset + j] = s0;
      result[offset + j + 1] = s1;
      result[offset + j + 2] = s2;
      result[offset + j + 3] = s3;
    }
    for (; j < rank; j++) {
      let sum = 0;
      for (let i = 0, w = j; i < rank; i++, w += rank) sum += b[i] * inverse[w];
      result[offset + j] = sum;
    }
  }
  return result;
}

/**
 * The lower Cholesky factor `L` of `V + shift·I` (row-major `[R, R]`), or null when a pivot is not
 * positive (the shifted matrix is not numerically positive definite).
 */
export function cholesky(
  matrix: Float64Array,
  size: number,
  shift: number,
  out?: Float64Array,
): Float64Array | null {
  const l = out ?? new Float64Array(size * size); // only the lower triangle is written and read
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

/**
 * `(L·Lᵀ)⁻¹ = L⁻ᵀ·L⁻¹` `[size, size]`, symmetric, from a lower Cholesky factor `L` (row-major), into
 * `out` (default: a new array), with `work` `[size, size]` for `L⁻¹` (default: a new array).
 */
export function inverseFromCholesky(
  l: Float64Array,
  size: number,
  out?: Float64Array,
  work?: Float64Array,
): Float64Array {
  // L⁻¹, lower triangular (only that triangle is written and read), one column at a time
  const lInverse = work ?? new Float64Array(size * size);
  for (let j = 0; j < size; j++) {
    lInverse[j * size + j] = 1 / l[j * size + j];
    for (let i = j + 1; i < size; i++) {
      let sum = 0;
      for (let k = j; k < i; k++) sum -= l[i * size + k] * lInverse[k * size + j];
      lInverse[i * size + j] = sum / l[i * size + i];
    }
  }
  // W[i, j] = Σ_{k ≥ max(i, j)} L⁻¹[k, i] · L⁻¹[k, j]
  const inverse = out ?? new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = 0;
      for (let k = i; k < size; k++) sum += lInverse[k * size + i] * lInverse[k * size + j];
      inverse[i * size + j] = sum;
      inverse[j * size + i] = sum;
    }
  }
  return inverse;
}

/**
 * {@link proximalSolve}'s `R x R` work arrays, kept for the last rank solved: CP-ALS solves three
 * or more times a sweep, and in V8 a typed array above 64 bytes is allocated off the JavaScript heap
 * (a `calloc`, and work for the garbage collector's helper threads when it dies).
 */
let scratch:
  | { size: number; l: Float64Array; lInverse: Float64Array; inverse: Float64Array; b: Float64Array }
  | undefined;

function scratchFor(size: number): NonNullable<typeof scratch> {
  if (scratch?.size !== size) {
    scratch = {
      size,
      l: new Float64Array(size * size),
      lInverse: new Float64Array(size * size),
      inverse: new Float64Array(size * size),
      b: new Float64Array(size),
    };
  }
  return scratch;
}
