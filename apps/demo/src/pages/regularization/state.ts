/** The state of the Regularization page, mirrored in the URL (every setting and the seeds). */
import { choiceField, numberField, type StateSchema } from '../../lib/url-state';

export const SWITCHES = ['off', 'on'] as const;
export type Switch = (typeof SWITCHES)[number];

export interface RegularizationState {
  /** Neurons in each of the two hidden layers: the network's capacity (1 to 128). */
  units: number;
  /** Most passes over the 20 training points (full-batch Adam steps), 10 to 2,000. */
  epochs: number;
  /** Adam's step size. */
  learningRate: number;
  /** Dropout rate after each hidden layer (0: none). */
  dropout: number;
  /** Batch normalization before each hidden activation. */
  batchNorm: Switch;
  /** L2 weight penalty λ of the hidden kernels (0: none). */
  l2: number;
  /** Early stopping: epochs without a better validation loss before training stops (0: off). */
  patience: number;
  /** Folds of the k-fold cross-validation (2 to 10). */
  folds: number;
  /** Seed of the data's noise, the initial weights, dropout and the folds. */
  seed: number;
  /** Largest rotation of the augmentation previews, degrees (0 to 45). */
  rotation: number;
  /** Largest zoom of the previews, as a fraction (0 to 0.5). */
  zoom: number;
  /** Largest shift of the previews, as a fraction of the side (0 to 0.3). */
  shift: number;
  /** Standard deviation of the previews' pixel noise (0 to 0.5). */
  noise: number;
  /** Chance that a preview gets a rectangle erased (0 to 1). */
  erasing: number;
  /** Seed of the previews' random draws. */
  augmentSeed: number;
}

export const regularizationSchema: StateSchema<RegularizationState> = {
  units: numberField(128, 1, 128, true),
  epochs: numberField(1000, 10, 2000, true),
  learningRate: numberField(0.01, 0.0001, 1),
  dropout: numberField(0, 0, 0.9),
  batchNorm: choiceField<Switch>('off', SWITCHES),
  l2: numberField(0, 0, 1),
  patience: numberField(0, 0, 500, true),
  folds: numberField(5, 2, 10, true),
  seed: numberField(1, 0, 1_000_000, true),
  rotation: numberField(15, 0, 45),
  zoom: numberField(0.1, 0, 0.5),
  shift: numberField(0.1, 0, 0.3),
  noise: numberField(0.1, 0, 0.5),
  erasing: numberField(0.3, 0, 1),
  augmentSeed: numberField(1, 0, 1_000_000, true),
};
