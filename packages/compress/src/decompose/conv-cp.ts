/**
 * Conv2D -> 1x1, depthwise kx1, depthwise 1xk, 1x1 convolutions by a rank-R CP decomposition of the
 * kernel (Lebedev et al. 2015): `K[i, j, c, o] ~= sum_r A[i, r] B[j, r] C[c, r] D[o, r]`. The spatial
 * factors become depthwise convolutions carrying the original strides, padding and dilation, one
 * axis each; the last 1x1 carries the bias and activation. With `energy`, R is the larger of the two
 * channel ranks that keep that energy (a heuristic: CP has no singular values).
 */
import { tf } from '@tensorfold/core';
import { cp } from '@tensorfold/tensor-math';
import { channelRanks } from './conv-tucker2.js';
import { checkRank } from './ranks.js';
import type { RankRequest, Replacement } from './types.js';

export async function cpConv(
  config: Record<string, unknown>,
  weights: tf.Tensor[],
  request: RankRequest,
): Promise<Replacement> {
  const name = String(config.name);
  const kernel = weights[0] as tf.Tensor4D; // [kh, kw, cin, cout]
  const [kh, kw, cin, cout] = kernel.shape;
  // the CP rank of any tensor is at most the product of all its sizes but the largest
  const limit = (kh * kw * cin * cout) / Math.max(kh, kw, cin, cout);
  let rank: number;
  if (request.ranks !== undefined) {
    const given = request.ranks;
    rank = checkRank(Array.isArray(given) ? given[0] : (given as number), limit, name, 'CP');
  } else {
    rank = Math.min(limit, Math.max(...(await channelRanks(kernel, name, { energy: request.energy }))));
  }
  const decomposition = await cp(kernel, rank, { nIterMax: 200, seed: 0, tol: 1e-7 });
  const strides = (config.strides as number[] | undefined) ?? [1, 1];
  const dilation = (config.dilationRate as number[] | undefined) ?? [1, 1];
  const [inKernel, hKernel, wKernel, outKernel] = tf.tidy(() => {
    const [a, b, c, d] = decomposition.factors; // [kh, R], [kw, R], [cin, R], [cout, R]
    const scaled = tf.mul(d, tf.reshape(decomposition.weights, [1, rank])); // [cout, R]
    return [
      tf.reshape(c, [1, 1, cin, rank]),
      tf.reshape(a, [kh, 1, rank, 1]),
      tf.reshape(b, [1, kw, rank, 1]),
      tf.reshape(tf.transpose(scaled), [1, 1, rank, cout]),
    ];
  });
  decomposition.dispose();
  const { batchInputShape, ...rest } = config;
  const depthwise = { depthMultiplier: 1, padding: rest.padding, activation: 'linear', useBias: false };
  const pointwise = { kernelSize: [1, 1], strides: [1, 1], padding: 'valid', dilationRate: [1, 1] };
  return {
    ranks: [rank],
    layers: [
      {
        className: 'Conv2D',
        config: {
          name: `${name}_cp_in`,
          filters: rank,
          ...pointwise,
          activation: 'linear',
          useBias: false,
          ...(batchInputShape ? { batchInputShape } : {}),
        },
        weights: [inKernel],
      },
      {
        className: 'DepthwiseConv2D',
        config: {
          name: `${name}_cp_h`,
          kernelSize: [kh, 1],
          strides: [strides[0], 1],
          dilationRate: [dilation[0], 1],
          ...depthwise,
        },
        weights: [hKernel],
      },
      {
        className: 'DepthwiseConv2D',
        config: {
          name: `${name}_cp_w`,
          kernelSize: [1, kw],
          strides: [1, strides[1]],
          dilationRate: [1, dilation[1]],
          ...depthwise,
        },
        weights: [wKernel],
      },
      {
        className: 'Conv2D',
        config: { ...rest, name: `${name}_cp_out`, filters: cout, ...pointwise },
        weights: [outKernel, ...weights.slice(1).map((w) => tf.clone(w))],
      },
    ],
  };
}
