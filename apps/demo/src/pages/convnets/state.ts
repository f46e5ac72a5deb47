/** The state of the Convnets page, mirrored in the URL (the training settings and the seed). */
import { choiceField, numberField, type StateSchema } from '../../lib/url-state';

/** Most training images: the site's MNIST subset (`build/mnist.ts`). */
export const MAX_SAMPLES = 4000;
/** The conv layers Grad-CAM can explain. */
export const CAM_LAYERS = ['c3', 'c1'] as const;
export type CamLayer = (typeof CAM_LAYERS)[number];

export interface ConvnetsState {
  /** Training images, the first of the subset (100 to 4,000). */
  samples: number;
  /** Passes over them (1 to 10). */
  epochs: number;
  /** Images per Adam step (8 to 256). */
  batchSize: number;
  /** Adam's step size. */
  learningRate: number;
  /** Seed of the initial weights and of the batch order. */
  seed: number;
  /** The conv layer whose Grad-CAM is drawn over the digit. */
  camLayer: CamLayer;
}

export const convnetsSchema: StateSchema<ConvnetsState> = {
  samples: numberField(MAX_SAMPLES, 100, MAX_SAMPLES, true),
  epochs: numberField(1, 1, 10, true),
  batchSize: numberField(32, 8, 256, true),
  learningRate: numberField(0.001, 0.00001, 0.1),
  seed: numberField(1, 0, 1_000_000, true),
  camLayer: choiceField<CamLayer>('c3', CAM_LAYERS),
};
