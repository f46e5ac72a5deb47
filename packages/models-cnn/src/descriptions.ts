/**
 * The models of `@tensorfold/models-cnn`, described once for the CLI and the demo site. This entry point
 * (`@tensorfold/models-cnn/descriptions`) loads no builder until `build` is called.
 */
import type { ModelDescription, Sequential } from '@tensorfold/core';

const packageName = '@tensorfold/models-cnn';

/** Every model of this package. */
export const models: readonly ModelDescription<Sequential>[] = [
  {
    name: 'lenet5',
    summary:
      'LeNet-5 as in the lecture slides: conv 8@3x3, pool, conv 16@5x5, pool, dense 120-84-10 (62,430 params)',
    task: 'classify-images',
    datasets: ['mnist', 'fashion-mnist'],
    defaults: { epochs: 1, batchSize: 64, learningRate: 1e-3 },
    packageName,
    source: 'seed 004 (LeNet table), seed 003',
    async build({ numClasses, inputShape }) {
      const { lenet5 } = await import('./lenet5.js');
      return lenet5({ numClasses, channels: inputShape?.[2] });
    },
  },
  {
    name: 'lenet5-classic',
    summary:
      'LeNet-5 of LeCun et al. (1998) for 32x32 inputs: conv 6@5x5, pool, conv 16@5x5, pool, dense 120-84-10 (61,706 params); 28x28 digits are padded by 2',
    task: 'classify-images',
    datasets: ['mnist', 'fashion-mnist'],
    defaults: { epochs: 1, batchSize: 64, learningRate: 1e-3 },
    packageName,
    source: 'seed 003 (LeNet-5 on MNIST padded to 32x32)',
    async build({ numClasses, inputShape }) {
      const { lenet5 } = await import('./lenet5.js');
      return lenet5({ variant: 'classic', numClasses, channels: inputShape?.[2], name: 'lenet5_classic' });
    },
  },
];
