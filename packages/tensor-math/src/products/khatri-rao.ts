import { ConfigError, ShapeError, tf } from '@tensorfold/core';
import { assertCount, assertRank, describeShape, normalizeMode } from '../validate.js';

/** Options of {@link khatriRao}. */
export interface KhatriRaoOptions {
  /** Leave out the matrix at this index (as TensorLy's `skip_matrix`; handy for MTTKRP). Default: none. */
  skip?: number;
  /** Scale column `r` of the result by `weights[r]` (a `[columns]` vector). Default: no scaling. */
  weights?: tf.Tensor1D;
}

/**
 * Khatri-Rao product `A ⊙ B ⊙ ...` (seed text, eq. 3): the column-wise Kronecker product of matrices
 * with the same number of columns, column `r` being `a_r ⊗ b_r ⊗ ...`.
 *
 * Row order is C order (the last matrix's row index varies fastest), which is what makes
 * `unfold(cpToTensor(cp), 0) = A0 · khatriRao([A1, A2])ᵀ` hold with this package's {@link unfold}.
 *
 * @param matrices Matrices `[m1, R]`, `[m2, R]`, ... with equal column counts `R`.
 * @returns `[m1·m2·..., R]`
 * @throws ShapeError when one is not a matrix or the column counts differ.
 *
 * @example
 * khatriRao([a, b]); // a: [2, 3], b: [4, 3] -> [8, 3]
 */
export function khatriRao(matrices: readonly tf.Tensor[], options: KhatriRaoOptions = {}): tf.Tensor2D {
  for (const [i, m] of matrices.entries()) {
    assertRank(m, 2, `khatriRao() matrix ${i}`, 'Reshape a vector of length n to [n, 1].');
  }
  let used = matrices;
  if (options.skip !== undefined) {
    const skip = normalizeMode(options.skip, matrices.length, 'khatriRao() skip');
    used = matrices.filter((_, i) => i !== skip);
  }
  assertCount(used.length, 1, 'khatriRao() matrices (after skip)');
  const columns = used[0].shape[1] as number;
  used.forEach((m, i) => {
    if (m.shape[1] !== columns) {
      throw new ShapeError(
        `khatriRao() needs matrices with equal column counts: matrix 0 has ${columns} columns (shape ${describeShape(used[0].shape)}) but matrix ${i} has ${m.shape[1]} (shape ${describeShape(m.shape)}). Pass factors of the same rank.`,
      );
    }
  });
  const { weights } = options;
  if (weights && (weights.rank !== 1 || weights.shape[0] !== columns)) {
    throw new ConfigError(
      `khatriRao() weights must be a vector of length ${columns} (one per column) but has shape ${describeShape(weights.shape)}.`,
    );
  }
  return tf.tidy(() => {
    let result = used[0] as tf.Tensor2D;
    for (let k = 1; k < used.length; k++) {
      const rows = result.shape[0];
      const next = used[k].shape[0];
      // [rows, 1, R] * [1, next, R] -> [rows, next, R] -> [rows·next, R]
      const pairs = tf.mul(tf.reshape(result, [rows, 1, columns]), tf.reshape(used[k], [1, next, columns]));
      result = tf.reshape(pairs, [rows * next, columns]);
    }
    if (weights) return tf.mul(result, weights) as tf.Tensor2D;
    return used.length === 1 ? tf.clone(result) : result;
  });
}
