/**
 * The models of `@tensorfold/models-classic`, described once for the CLI and the demo site. This entry
 * point (`@tensorfold/models-classic/descriptions`) loads no builder until `build` is called.
 */
import type { ModelDescription } from '@tensorfold/core';

const packageName = '@tensorfold/models-classic';

/** Every model of this package. */
export const models: readonly ModelDescription[] = [
  {
    name: 'mlp',
    summary: 'Multilayer perceptron 784-512-256-10 with ReLU',
    task: 'classify-images',
    datasets: ['mnist', 'fashion-mnist'],
    defaults: { epochs: 3, batchSize: 128, learningRate: 1e-3 },
    packageName,
    source: 'seed 002 (ch. 2), seed 003 (feed-forward networks)',
    async build({ numClasses, inputShape }) {
      const { mlp } = await import('./mlp.js');
      return mlp({ outputUnits: numClasses, inputShape });
    },
  },
];
