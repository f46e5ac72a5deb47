/**
 * Dense -> two Dense layers by truncated SVD: `W [in, out] ~= (U_r sqrt(S_r)) (sqrt(S_r) V_r^T)`.
 * The first has `r` units, no bias and no activation; the second has the original units, bias and
 * activation. Parameters go from `in*out` to `r*(in+out)`.
 */
import { tf } from '@tensorfold/core';
import { svd } from '@tensorfold/tensor-math';
import { checkRank, energyRank } from './ranks.js';
import type { RankRequest, Replacement } from './types.js';

export async function svdDense(
  config: Record<string, unknown>,
  weights: tf.Tensor[],
  request: RankRequest,
): Promise<Replacement> {
  const name = String(config.name);
  const kernel = weights[0] as tf.Tensor2D; // [in, out]
  const [inputs, units] = kernel.shape;
  const limit = Math.min(inputs, units);
  const full = await svd(kernel); // u [in, k], vt [k, out]
  try {
    const given = request.ranks;
    const rank =
      given !== undefined
        ? checkRank(Array.isArray(given) ? given[0] : (given as number), limit, name, 'SVD')
        : energyRank(full.s, request.energy ?? 0.9);
    const [first, second] = tf.tidy(() => {
      const root = tf.sqrt(tf.tensor1d(Array.from(full.s.slice(0, rank)), 'float32')); // [r]
      const u = tf.slice(full.u, [0, 0], [inputs, rank]); // [in, r]
      const vt = tf.slice(full.vt as tf.Tensor2D, [0, 0], [rank, units]); // [r, out]
      return [tf.mul(u, root), tf.mul(vt, tf.reshape(root, [rank, 1]))];
    });
    const { batchInputShape, ...rest } = config;
    return {
      ranks: [rank],
      layers: [
        {
          className: 'Dense',
          config: {
            name: `${name}_svd_in`,
            units: rank,
            activation: 'linear',
            useBias: false,
            ...(batchInputShape ? { batchInputShape } : {}),
          },
          weights: [first],
        },
        {
          className: 'Dense',
          config: { ...rest, name: `${name}_svd_out` },
          weights: [second, ...weights.slice(1).map((w) => tf.clone(w))],
        },
      ],
    };
  } finally {
    tf.dispose([full.u, full.vt as tf.Tensor]);
  }
}
