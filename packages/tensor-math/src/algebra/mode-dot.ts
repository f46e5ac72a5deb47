import { ConfigError, ShapeError, tf } from '@tensorfold/core';
import { assertMinRank, describeShape, normalizeMode, product } from '../validate.js';

/** Options of {@link modeDot}. */
export interface ModeDotOptions {
  /** Multiply by the matrix's transpose (`[n_mode, J]` instead of `[J, n_mode]`). Default: false. */
  transpose?: boolean;
}

/**
 * The n-mode product `tensor ×_mode M` (TensorLy's `mode_dot`): every mode-`mode` fibre of
 * `tensor` is multiplied by the matrix `M`, so that `unfold(result, mode) = M · unfold(tensor, mode)`.
 * With a vector `v`, the fibres are contracted with `v` and the mode disappears.
 *
 * It runs as one (batched) matrix product on the tensor reshaped to `[before, n_mode, after]`, with no
 * transpose of the tensor.
 *
 * @param tensor `[n0, ..., n_mode, ..., nN-1]`
 * @param matrixOrVector `[J, n_mode]` (or `[n_mode, J]` with `transpose`), or a vector `[n_mode]`.
 * @param mode The mode to multiply along (negative counts from the end).
 * @returns `[n0, ..., J, ..., nN-1]`, or the shape without `mode` for a vector.
 * @throws ShapeError naming both sizes when the matrix does not fit the mode.
 *
 * @example
 * modeDot(x, m, 1); // x: [2, 3, 4], m: [5, 3] -> [2, 5, 4]
 */
export function modeDot(
  tensor: tf.Tensor,
  matrixOrVector: tf.Tensor,
  mode: number,
  options: ModeDotOptions = {},
): tf.Tensor {
  assertMinRank(tensor, 1, 'modeDot() tensor');
  const m = normalizeMode(mode, tensor.rank);
  const size = tensor.shape[m];
  const isVector = matrixOrVector.rank === 1;
  if (matrixOrVector.rank !== 1 && matrixOrVector.rank !== 2) {
    throw new ConfigError(
      `modeDot() multiplies by a matrix or a vector, got shape ${describeShape(matrixOrVector.shape)}.`,
    );
  }
  const transpose = options.transpose ?? false;
  const inner = isVector ? matrixOrVector.shape[0] : matrixOrVector.shape[transpose ? 0 : 1];
  if (inner !== size) {
    const expected = isVector ? `[${size}]` : transpose ? `[${size}, J]` : `[J, ${size}]`;
    throw new ShapeError(
      `modeDot() along mode ${m}: the tensor (${describeShape(tensor.shape)}) has ${size} there but the ${isVector ? 'vector' : 'matrix'} (${describeShape(matrixOrVector.shape)}) has ${inner}. Pass a ${isVector ? 'vector' : 'matrix'} of shape ${expected}${isVector ? '' : ' (or set transpose)'}.`,
    );
  }
  const before = product(tensor.shape.slice(0, m));
  const after = product(tensor.shape.slice(m + 1));
  return tf.tidy(() => {
    const matrix = (isVector ? tf.reshape(matrixOrVector, [1, size]) : matrixOrVector) as tf.Tensor2D;
    const outSize = isVector ? 1 : matrix.shape[transpose ? 1 : 0];
    let result: tf.Tensor;
    if (after === 1) {
      // [before, n] x [n, J] -> [before, J]
      result = tf.matMul(tf.reshape(tensor, [before, size]), matrix, false, !transpose);
    } else if (before === 1) {
      // [J, n] x [n, after] -> [J, after]
      result = tf.matMul(matrix, tf.reshape(tensor, [size, after]), transpose, false);
    } else {
      // [1, J, n] x [before, n, after] -> [before, J, after]
      const batched = tf.reshape(matrix, [1, ...matrix.shape]);
      result = tf.matMul(batched, tf.reshape(tensor, [before, size, after]), transpose, false);
    }
    const shape = [...tensor.shape];
    if (isVector) shape.splice(m, 1);
    else shape[m] = outSize;
    return tf.reshape(result, shape);
  });
}
