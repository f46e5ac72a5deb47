/** The state of the Playground page, mirrored in the URL (every setting and the seed). */
import { choiceField, intListField, numberField, type StateSchema } from '../../lib/url-state';

export const DATASETS = ['circle', 'xor', 'gaussians', 'spiral'] as const;
export type DatasetName = (typeof DATASETS)[number];
export const ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'linear'] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];
export const REGULARIZATIONS = ['none', 'l1', 'l2'] as const;
export type RegularizationName = (typeof REGULARIZATIONS)[number];

/** Most hidden layers, and most neurons in one. */
export const MAX_LAYERS = 6;
export const MAX_NEURONS = 8;

export interface PlaygroundState {
  /** The 2-D data set. */
  dataset: DatasetName;
  /** Noise added to the points, as a fraction of the data's radius (0 to 0.5). */
  noise: number;
  /** Neurons of each hidden layer, first to last (empty: logistic regression). */
  layers: number[];
  /** Activation of the hidden layers. */
  activation: ActivationName;
  /** SGD learning rate. */
  learningRate: number;
  /** Weight penalty of the hidden and output kernels. */
  regularization: RegularizationName;
  /** Its rate λ. */
  regularizationRate: number;
  /** Dropout rate after each hidden layer (0: none). */
  dropout: number;
  /** Samples per SGD step. */
  batchSize: number;
  /** Seed of the data, the initial weights, the dropout masks and the batch order. */
  seed: number;
}

export const playgroundSchema: StateSchema<PlaygroundState> = {
  dataset: choiceField<DatasetName>('circle', DATASETS),
  noise: numberField(0.1, 0, 0.5),
  layers: intListField([4, 2], 1, MAX_NEURONS, 0, MAX_LAYERS),
  activation: choiceField<ActivationName>('tanh', ACTIVATIONS),
  learningRate: numberField(0.3, 0.00001, 10),
  regularization: choiceField<RegularizationName>('none', REGULARIZATIONS),
  regularizationRate: numberField(0.001, 0, 1),
  dropout: numberField(0, 0, 0.9),
  batchSize: numberField(10, 1, 100, true),
  seed: numberField(1, 0, 1_000_000, true),
};
