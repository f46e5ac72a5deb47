/**
 * Moving small matrices between tfjs tensors (float32, on whatever backend) and `ml-matrix` matrices
 * (float64, in JavaScript), where the dense linear algebra tfjs lacks runs. Reads are `await data()`,
 * never `dataSync()`, so they are safe on WebGPU.
 */
import { DataError, tf } from '@tensorfold/core';
import { Matrix } from 'ml-matrix';

/** Reads a `[rows, columns]` tensor into a float64 `Matrix`. */
export async function toHost(tensor: tf.Tensor2D): Promise<Matrix> {
  const [rows, columns] = tensor.shape;
  return hostFromArray(await tensor.data(), rows, columns);
}

/** A float64 `Matrix` from row-major values. */
export function hostFromArray(values: ArrayLike<number>, rows: number, columns: number): Matrix {
  const data: Float64Array[] = [];
  for (let i = 0; i < rows; i++) {
    const row = new Float64Array(columns);
    const offset = i * columns;
    for (let j = 0; j < columns; j++) row[j] = values[offset + j];
    data.push(row);
  }
  return rows === 0 ? new Matrix(0, columns) : new Matrix(data);
}

/** Row-major float32 values of a `Matrix`, optionally only its first `columns` columns. */
export function hostToArray(matrix: Matrix, columns = matrix.columns): Float32Array {
  const out = new Float32Array(matrix.rows * columns);
  for (let i = 0; i < matrix.rows; i++) {
    for (let j = 0; j < columns; j++) out[i * columns + j] = matrix.get(i, j);
  }
  return out;
}

/** Uploads a `Matrix` (or its first `columns` columns) as a float32 `[rows, columns]` tensor. */
export function fromHost(matrix: Matrix, columns = matrix.columns): tf.Tensor2D {
  return tf.tensor2d(hostToArray(matrix, columns), [matrix.rows, columns], 'float32');
}

/**
 * Flips the sign of each column so that its entry of largest magnitude is positive. Singular and
 * eigen vectors are defined up to sign; fixing it makes results identical across backends and runs.
 */
export function canonicalSigns(vectors: Matrix): Matrix {
  for (let j = 0; j < vectors.columns; j++) {
    let best = 0;
    for (let i = 0; i < vectors.rows; i++) {
      const v = vectors.get(i, j);
      if (Math.abs(v) > Math.abs(best)) best = v;
    }
    if (best < 0) for (let i = 0; i < vectors.rows; i++) vectors.set(i, j, -vectors.get(i, j));
  }
  return vectors;
}

/**
 * {@link canonicalSigns} on a row-major `[rows, columns]` array (in place): each column's entry of
 * largest magnitude becomes positive.
 */
export function canonicalSignsFlat(values: Float64Array, rows: number, columns: number): Float64Array {
  for (let j = 0; j < columns; j++) {
    let best = 0;
    for (let i = 0; i < rows; i++) {
      const v = values[i * columns + j];
      if (Math.abs(v) > Math.abs(best)) best = v;
    }
    if (best < 0) for (let i = 0; i < rows; i++) values[i * columns + j] = -values[i * columns + j];
  }
  return values;
}

/** The first `keep` columns of a row-major `[rows, columns]` array, uploaded as a float32 `[rows, keep]` tensor. */
export function leadingColumns(
  values: Float64Array,
  rows: number,
  columns: number,
  keep: number,
): tf.Tensor2D {
  const out = new Float32Array(rows * keep);
  for (let i = 0; i < rows; i++) for (let j = 0; j < keep; j++) out[i * keep + j] = values[i * columns + j];
  return tf.tensor2d(out, [rows, keep], 'float32');
}

/** Throws a {@link DataError} when a row-major array holds NaN or Infinity (see {@link assertFiniteHost}). */
export function assertFiniteFlat(values: ArrayLike<number>, columns: number, what: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new DataError(
        `${what} holds NaN or Infinity (entry [${Math.floor(i / columns)}, ${i % columns}] is ${values[i]}), or values too large for float32. Clean the data (e.g. replace missing values) before decomposing it.`,
      );
    }
  }
}

/**
 * Throws a {@link DataError} when `matrix` holds NaN or Infinity: the dense solvers would otherwise
 * return NaN or garbage factors, or fail inside `ml-matrix` with an untyped error.
 *
 * @param what the routine and its input, for the message (`'svd() input'`)
 */
export function assertFiniteHost(matrix: Matrix, what: string): void {
  for (let i = 0; i < matrix.rows; i++) {
    for (let j = 0; j < matrix.columns; j++) {
      if (!Number.isFinite(matrix.get(i, j))) {
        throw new DataError(
          `${what} holds NaN or Infinity (entry [${i}, ${j}] is ${matrix.get(i, j)}), or values too large for float32. Clean the data (e.g. replace missing values) before decomposing it.`,
        );
      }
    }
  }
}

/** Reads a scalar tensor's value and frees the tensor (`await data()`, safe on WebGPU). */
export async function readScalar(scalar: tf.Tensor): Promise<number> {
  const [value] = await scalar.data();
  scalar.dispose();
  return value;
}
