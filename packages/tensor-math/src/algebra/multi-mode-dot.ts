import { ConfigError, tf } from '@tensorfold/core';
import { normalizeMode } from '../validate.js';
import { modeDot } from './mode-dot.js';

/** Options of {@link multiModeDot}. */
export interface MultiModeDotOptions {
  /** The mode each matrix multiplies along. Default: 0, 1, 2, ... (one per matrix). */
  modes?: readonly number[];
  /** Leave out the matrix at this position in the list (TensorLy's `skip`). Default: none. */
  skip?: number;
  /** Multiply by each matrix's transpose. Default: false. */
  transpose?: boolean;
}

/**
 * A chain of n-mode products, `tensor ×_{m1} M1 ×_{m2} M2 ...` (TensorLy's `multi_mode_dot`): the
 * Tucker reconstruction `core ×_1 A1 ×_2 A2 ... ×_N AN` of the seed text's eq. 6 is
 * `multiModeDot(core, factors)`.
 *
 * The products commute; this applies the ones that shrink the tensor most first, which keeps the
 * intermediates small. Vectors remove their mode; the remaining modes keep their order.
 *
 * @param tensor `[n0, ..., nN-1]`
 * @param matrices Matrices `[J_k, n_{m_k}]` (or transposed with `transpose`) or vectors `[n_{m_k}]`.
 * @returns The tensor with each multiplied mode resized (or removed, for vectors).
 * @throws ConfigError when `modes` and `matrices` differ in length or a mode repeats.
 */
export function multiModeDot(
  tensor: tf.Tensor,
  matrices: readonly tf.Tensor[],
  options: MultiModeDotOptions = {},
): tf.Tensor {
  const modes = options.modes ?? matrices.map((_, i) => i);
  if (modes.length !== matrices.length) {
    throw new ConfigError(
      `multiModeDot() got ${matrices.length} matrices but ${modes.length} modes: pass one mode per matrix.`,
    );
  }
  const skip =
    options.skip === undefined ? -1 : normalizeMode(options.skip, matrices.length, 'multiModeDot() skip');
  const steps = modes
    .map((mode, i) => ({ mode: normalizeMode(mode, tensor.rank), matrix: matrices[i], index: i }))
    .filter((s) => s.index !== skip);
  const seen = new Set<number>();
  for (const s of steps) {
    if (seen.has(s.mode))
      throw new ConfigError(`multiModeDot() got mode ${s.mode} twice: each mode at most once.`);
    seen.add(s.mode);
  }
  const transpose = options.transpose ?? false;
  const growth = (s: (typeof steps)[number]) => {
    const out = s.matrix.rank === 1 ? 1 : (s.matrix.shape[transpose ? 1 : 0] as number);
    return out / tensor.shape[s.mode];
  };
  steps.sort((a, b) => growth(a) - growth(b) || a.mode - b.mode);
  return tf.tidy(() => {
    let result = tensor;
    const removed: number[] = [];
    for (const s of steps) {
      const position = s.mode - removed.filter((r) => r < s.mode).length;
      result = modeDot(result, s.matrix, position, { transpose });
      if (s.matrix.rank === 1) removed.push(s.mode);
    }
    return result === tensor ? tf.clone(tensor) : result;
  });
}
