import { ConfigError, type Random, ShapeError, tf } from '@tensorfold/core';
import { unfold } from '../algebra/unfold.js';
import { type SvdMethod, svd } from '../linalg/svd.js';
import { describeShape } from '../validate.js';
import { CPTensor } from './cp-tensor.js';
import { randomUniform } from './random-init.js';

/** How a CP fit starts: from the unfoldings' leading singular vectors, random factors, or given ones. */
export type CPInit = 'svd' | 'random' | CPTensor;

/**
 * Initial factors for CP-ALS, as TensorLy's `initialize_cp`: `'svd'` takes the `rank` leading left
 * singular vectors of each unfolding (padded with uniform random columns where the mode is smaller than
 * the rank); `'random'` draws every entry uniformly from [0, 1). A given `CPTensor` is copied.
 */
export async function initialCpFactors(
  tensor: tf.Tensor,
  rank: number,
  init: CPInit,
  random: Random,
  svdMethod: SvdMethod,
): Promise<tf.Tensor2D[]> {
  if (init instanceof CPTensor) {
    if (!tf.util.arraysEqual(init.shape, tensor.shape) || init.rank !== rank) {
      throw new ShapeError(
        `The initial CPTensor is ${describeShape(init.shape)} with rank ${init.rank} but the tensor is ${describeShape(tensor.shape)} and the rank asked for is ${rank}.`,
      );
    }
    return tf.tidy(() =>
      init.factors.map((f, k) => (k === 0 ? tf.mul(f, init.weights) : tf.clone(f)) as tf.Tensor2D),
    );
  }
  if (init === 'random') return tensor.shape.map((n) => randomUniform(n, rank, random));
  if (init !== 'svd')
    throw new ConfigError(`CP init must be 'svd', 'random' or a CPTensor, got '${String(init)}'.`);
  const factors: tf.Tensor2D[] = [];
  try {
    for (let mode = 0; mode < tensor.rank; mode++) {
      const unfolded = unfold(tensor, mode); // [n_mode, rest]
      const kept = Math.min(rank, ...unfolded.shape);
      const { u } = await svd(unfolded, { rank: kept, method: svdMethod, computeVt: false }).finally(() =>
        unfolded.dispose(),
      );
      if (kept === rank) {
        factors.push(u);
      } else {
        const padding = randomUniform(tensor.shape[mode], rank - kept, random);
        factors.push(tf.concat([u, padding], 1));
        u.dispose();
        padding.dispose();
      }
    }
  } catch (error) {
    tf.dispose(factors); // an SVD threw (NaN or Infinity in the data)
    throw error;
  }
  return factors;
}
