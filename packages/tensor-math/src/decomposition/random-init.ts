/** Seeded random matrices for initialisations, drawn in JavaScript so every backend starts alike. */
import { type Random, tf } from '@tensorfold/core';
import { Matrix, QrDecomposition } from 'ml-matrix';
import { fromHost } from '../linalg/host-matrix.js';

/** `[rows, columns]` uniform in [0, 1). */
export function randomUniform(rows: number, columns: number, random: Random): tf.Tensor2D {
  const values = new Float32Array(rows * columns);
  for (let i = 0; i < values.length; i++) values[i] = random.uniform();
  return tf.tensor2d(values, [rows, columns]);
}

/** Any shape, uniform in [0, 1). */
export function randomUniformTensor(shape: readonly number[], random: Random): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = random.uniform();
  return tf.tensor(values, [...shape]);
}

/** `[rows, columns]` with orthonormal columns (QR of a Gaussian matrix); needs `columns <= rows`. */
export function randomOrthonormal(rows: number, columns: number, random: Random): tf.Tensor2D {
  const gaussian = new Matrix(rows, columns);
  for (let i = 0; i < rows; i++) for (let j = 0; j < columns; j++) gaussian.set(i, j, random.normal());
  return fromHost(new QrDecomposition(gaussian).orthogonalMatrix, columns);
}
