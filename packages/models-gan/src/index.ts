/**
 * @tensorfold/models-gan: the generative models of the source texts: GANs (a 2-D toy GAN, DCGAN),
 * autoencoders, denoising autoencoders and the variational autoencoder, trained through `fit` with
 * their own training steps, with measures of sample quality.
 *
 * @packageDocumentation
 */
export {
  Autoencoder,
  type AutoencoderArgs,
  autoencoder,
  type DenoisingAutoencoderArgs,
  denoisingAutoencoder,
} from './autoencoder.js';
export { classClarityLoss, classLabelLoss } from './class-head.js';
export { type ClassifierScore, type ClassifierScoreArgs, classifierScore } from './classifier-score.js';
export { type DcganArgs, dcgan, dcganDiscriminator, dcganGenerator } from './dcgan.js';
export type { CodecArgs } from './dense-codec.js';
export { models } from './descriptions.js';
export { frechetDistance } from './frechet.js';
export { dcganAdam, GAN, type GanArgs, type GanCompileArgs, gan } from './gan.js';
export {
  energyDistance,
  type ModeCoverage,
  type ModeCoverageArgs,
  modeCoverage,
  psnr,
} from './sample-quality.js';
export { Sampling, type SamplingArgs, sampling } from './sampling.js';
export {
  type GridArgs,
  gridOfGaussians,
  type MoonsArgs,
  type RingArgs,
  ringCenters,
  ringOfGaussians,
  type ToyData,
  type ToyDataArgs,
  twoMoons,
} from './toy-data.js';
export { type ToyGanArgs, toyGan } from './toy-gan.js';
export { checkTruncation, latentNormal, type SampleArgs } from './truncation.js';
export { VAE, type VaeArgs, type VaeCompileArgs, vae } from './vae.js';
export { WeightAverage, type WeightAverageArgs } from './weight-average.js';
