/**
 * Conv2D -> 1x1, kxk, 1x1 convolutions by a Tucker-2 decomposition of the kernel over its channel
 * modes (Kim et al. 2016): `K [kh, kw, cin, cout] ~= G [kh, kw, r1, r2] x_3 U_in [cin, r1] x_4 U_out [cout, r2]`.
 * The first 1x1 projects `cin` channels to `r1`, the kxk (the original strides, padding, dilation)
 * maps `r1` to `r2`, the last 1x1 maps `r2` to `cout` with the bias and activation.
 */
import { tf } from '@tensorfold/core';
import { modeDot, svd, tucker, unfold } from '@tensorfold/tensor-math';
import { checkRank, energyRank } from './ranks.js';
import type { RankRequest, Replacement } from './types.js';

/** The singular values of the mode-`mode` unfolding of `t`. */
export async function modeSpectrum(t: tf.Tensor, mode: number): Promise<Float64Array> {
  const m = unfold(t, mode);
  const result = await svd(m, { computeVt: false });
  tf.dispose([m, result.u]);
  return result.s;
}

/** Ranks for the channel modes (2 and 3) of a conv kernel: given, or by kept energy of each unfolding. */
export async function channelRanks(
  kernel: tf.Tensor,
  name: string,
  request: RankRequest,
): Promise<[number, number]> {
  const [, , cin, cout] = kernel.shape;
  const given = request.ranks;
  if (given !== undefined) {
    const [r1, r2] = Array.isArray(given)
      ? [given[0], given[1] ?? given[0]]
      : [given as number, given as number];
    return [checkRank(r1, cin, name, 'input-channel'), checkRank(r2, cout, name, 'output-channel')];
  }
  const energy = request.energy ?? 0.9;
  return [
    energyRank(await modeSpectrum(kernel, 2), energy),
    energyRank(await modeSpectrum(kernel, 3), energy),
  ];
}

export async function tucker2Conv(
  config: Record<string, unknown>,
  weights: tf.Tensor[],
  request: RankRequest,
): Promise<Replacement> {
  const name = String(config.name);
  const kernel = weights[0] as tf.Tensor4D; // [kh, kw, cin, cout]
  const [kh, kw, cin, cout] = kernel.shape;
  const [r1, r2] = await channelRanks(kernel, name, request);
  const decomposition = await tucker(kernel, { ranks: [kh, kw, r1, r2], nIterMax: 50, seed: 0 });
  const [inKernel, midKernel, outKernel] = tf.tidy(() => {
    const [fh, fw, uIn, uOut] = decomposition.factors; // [kh, kh], [kw, kw], [cin, r1], [cout, r2]
    const core = modeDot(modeDot(decomposition.core, fh, 0), fw, 1); // [kh, kw, r1, r2]
    return [tf.reshape(uIn, [1, 1, cin, r1]), core, tf.reshape(tf.transpose(uOut), [1, 1, r2, cout])];
  });
  decomposition.dispose();
  const { batchInputShape, ...rest } = config;
  const pointwise = {
    kernelSize: [1, 1],
    strides: [1, 1],
    padding: 'valid',
    activation: 'linear',
    useBias: false,
  };
  return {
    ranks: [r1, r2],
    layers: [
      {
        className: 'Conv2D',
        config: {
          name: `${name}_tucker_in`,
          filters: r1,
          ...pointwise,
          ...(batchInputShape ? { batchInputShape } : {}),
        },
        weights: [inKernel],
      },
      {
        className: 'Conv2D',
        config: {
          name: `${name}_tucker_core`,
          filters: r2,
          kernelSize: [kh, kw],
          strides: rest.strides,
          padding: rest.padding,
          dilationRate: rest.dilationRate,
          activation: 'linear',
          useBias: false,
        },
        weights: [midKernel],
      },
      {
        className: 'Conv2D',
        config: {
          ...rest,
          name: `${name}_tucker_out`,
          ...pointwise,
          useBias: rest.useBias,
          activation: rest.activation,
        },
        weights: [outKernel, ...weights.slice(1).map((w) => tf.clone(w))],
      },
    ],
  };
}
