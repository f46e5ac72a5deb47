import { ConfigError, input, Model, type SymbolicTensor } from '@tensorfold/core';
import { dense } from '@tensorfold/layers';
import { GAN } from './gan.js';

/** Options of {@link toyGan}. */
export interface ToyGanArgs {
  /** Size of the latent space. Default 2 (as GAN Lab). */
  latentDim?: number;
  /** Units of each hidden layer of both players. Default `[64, 64]`. */
  hiddenUnits?: number[];
  /** Dimension of the samples. Default 2 (points in the plane). */
  dataDim?: number;
  /** Hidden activation of both players. Default `'relu'`. */
  activation?: string;
  /** Seed of the latent points drawn while training. Default: the global generator's next seed. */
  seed?: number | null;
}

/**
 * A GAN on points in the plane, as GAN Lab plays it: a generator MLP from `latentDim` noise to a point and
 * a discriminator MLP from a point to the probability that it is real. Fit it on `ringOfGaussians`,
 * `gridOfGaussians` or `twoMoons`, and judge it with `energyDistance` and `modeCoverage`.
 */
export function toyGan(args: ToyGanArgs = {}): GAN {
  const { latentDim = 2, hiddenUnits = [64, 64], dataDim = 2, activation = 'relu' } = args;
  if (hiddenUnits.length === 0 || hiddenUnits.some((u) => !Number.isInteger(u) || u < 1))
    throw new ConfigError(`hiddenUnits must be positive integers, got [${hiddenUnits.join(', ')}].`);
  const mlp = (inputSize: number, outputSize: number, outputActivation: string, name: string) => {
    const x = input({ shape: [inputSize] });
    let h: SymbolicTensor = x;
    for (const units of hiddenUnits) h = dense({ units, activation }).apply(h) as SymbolicTensor;
    const y = dense({ units: outputSize, activation: outputActivation }).apply(h) as SymbolicTensor;
    return new Model({ inputs: x, outputs: y, name });
  };
  return new GAN({
    generator: mlp(latentDim, dataDim, 'linear', 'generator'),
    discriminator: mlp(dataDim, 1, 'sigmoid', 'discriminator'),
    latentDim,
    seed: args.seed,
    name: 'toy_gan',
  });
}
