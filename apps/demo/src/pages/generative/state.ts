/** The state of the Generative models page, mirrored in the URL. */
import { choiceField, numberField, type StateSchema } from '../../lib/url-state';

export const TOY_DATASETS = ['ring', 'grid', 'moons'] as const;
export type ToyDatasetName = (typeof TOY_DATASETS)[number];

export interface GenerativeState {
  /** The toy GAN's real distribution. */
  dataset: ToyDatasetName;
  /** Adam's learning rate of both players of the toy GAN. */
  learningRate: number;
  /** Seed of the real points, the initial weights and the latent points. */
  seed: number;
  /** The point of the VAE's 2-D latent space decoded large (first coordinate). */
  z1: number;
  /** Its second coordinate. */
  z2: number;
  /** The test digit the interpolation starts from (the first test image of that digit). */
  from: number;
  /** The test digit it ends at. */
  to: number;
  /** Seed of the DCGAN's latent points. */
  sampleSeed: number;
}

export const generativeSchema: StateSchema<GenerativeState> = {
  dataset: choiceField<ToyDatasetName>('ring', TOY_DATASETS),
  learningRate: numberField(0.002, 0.00001, 0.1),
  seed: numberField(1, 0, 1_000_000, true),
  z1: numberField(0, -3, 3),
  z2: numberField(0, -3, 3),
  from: numberField(0, 0, 9, true),
  to: numberField(1, 0, 9, true),
  sampleSeed: numberField(1, 0, 1_000_000, true),
};
