/**
 * Dense -> {@link TTDense} by TT-SVD of the kernel reshaped as Novikov et al. (2015) do: `W [in, out]`
 * becomes the d-way tensor `[m_1 n_1, ..., m_d n_d]`, decomposed with tensor-math's `tensorTrain`.
 * With `energy`, the TT-SVD keeps a relative error of `sqrt(1 - energy)`.
 */
import { tf } from '@tensorfold/core';
import { feasibleRanks, tensorTrain } from '@tensorfold/tensor-math';
import { checkRank } from './ranks.js';
import type { RankRequest, Replacement } from './types.js';

/** Splits `n` into `d` factors as even as the prime factors allow (1s where there are too few). */
export function factorize(n: number, d: number): number[] {
  const primes: number[] = [];
  let rest = n;
  for (let p = 2; p * p <= rest; p++)
    while (rest % p === 0) {
      primes.push(p);
      rest /= p;
    }
  if (rest > 1) primes.push(rest);
  const buckets = new Array<number>(d).fill(1);
  for (const p of primes.sort((a, b) => b - a)) {
    const smallest = buckets.indexOf(Math.min(...buckets));
    buckets[smallest] *= p;
  }
  return buckets.sort((a, b) => b - a);
}

export async function ttDense(
  config: Record<string, unknown>,
  weights: tf.Tensor[],
  request: RankRequest,
  order = 3,
): Promise<Replacement> {
  const name = String(config.name);
  const kernel = weights[0] as tf.Tensor2D; // [in, out]
  const [inputs, units] = kernel.shape;
  const m = factorize(inputs, order);
  const n = factorize(units, order);
  const modes = m.map((mk, k) => mk * n[k]);
  const limits = feasibleRanks(modes);
  const reshaped = tf.tidy(() => {
    // [m_1..m_d, n_1..n_d] -> [m_1, n_1, ..., m_d, n_d] -> [m_1 n_1, ..., m_d n_d]
    const perm = m.flatMap((_, k) => [k, order + k]);
    return tf.reshape(tf.transpose(tf.reshape(kernel, [...m, ...n]), perm), modes);
  });
  let ranks: number[] | undefined;
  if (request.ranks !== undefined) {
    const given = request.ranks;
    const r = Array.isArray(given) ? given[0] : (given as number);
    checkRank(r, Math.max(...limits), name, 'TT');
    ranks = limits.map((limit, k) => (k === 0 || k === order ? 1 : Math.min(limit, r)));
  }
  const energy = request.energy ?? 0.9;
  const tt = await tensorTrain(
    reshaped,
    ranks ? { ranks } : { relativeError: Math.sqrt(Math.max(0, 1 - energy)) },
  );
  reshaped.dispose();
  const used = [1, ...tt.cores.map((f) => f.shape[2])];
  const cores = tt.cores.map((f, k) => tf.reshape(f, [used[k], m[k], n[k], used[k + 1]]));
  tt.dispose();
  const { batchInputShape, ...rest } = config;
  return {
    ranks: used.slice(1, -1),
    layers: [
      {
        className: 'TTDense',
        config: {
          name: `${name}_tt`,
          inputFactors: m,
          outputFactors: n,
          ranks: used,
          activation: rest.activation,
          useBias: rest.useBias,
          ...(batchInputShape ? { batchInputShape } : {}),
        },
        weights: [...cores, ...weights.slice(1).map((w) => tf.clone(w))],
      },
    ],
  };
}
