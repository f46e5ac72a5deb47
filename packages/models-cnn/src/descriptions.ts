/**
 * The models of `@tensorfold/models-cnn`, described once for the CLI and the demo site. This entry point
 * (`@tensorfold/models-cnn/descriptions`) loads no builder until `build` is called.
 */
import type { Model, ModelDescription } from '@tensorfold/core';

const packageName = '@tensorfold/models-cnn';

/** Every model of this package. */
export const models: readonly ModelDescription<Model>[] = [
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
    name: 'stackedconvnet',
    summary:
      'Seed 000 rock-paper-scissors progression: 1-4 blocks of conv 3x3 + max-pool, dense 128 (option blocks, default 3)',
    task: 'classify-images',
    datasets: ['fashion-mnist', 'mnist'],
    defaults: { epochs: 10, batchSize: 32, learningRate: 1e-3 },
    packageName,
    source: 'seed 000 (rock-paper-scissors CNN)',
    async build({ numClasses, inputShape, blocks, dropout }) {
      const { stackedConvNet } = await import('./builders/stacked-conv-net.js');
      const shape = inputShape ?? [28, 28, 1];
      // Four valid blocks do not fit 28x28 images: small images get same padding.
      const padding = Math.min(shape[0], shape[1]) < 64 ? 'same' : 'valid';
      return stackedConvNet({
        numClasses,
        inputShape: shape,
        padding,
        ...(typeof blocks === 'number' ? { blocks } : {}),
        ...(typeof dropout === 'number' ? { dropout } : {}),
      });
    },
  },
  {
    name: 'cifarcnn',
    summary:
      'Seed 003 CIFAR-10 CNN: 3x (conv-conv-pool-dropout 0.2) of 32/64/128, dense 128 (550,570 params)',
    task: 'classify-images',
    datasets: ['fashion-mnist', 'mnist'],
    defaults: { epochs: 10, batchSize: 64, learningRate: 1e-3 },
    packageName,
    source: 'seed 003 (CIFAR-10 CNN)',
    async build({ numClasses, inputShape }) {
      const { cifarCnn } = await import('./builders/cifar-cnn.js');
      return cifarCnn({ numClasses, inputShape: inputShape ?? [28, 28, 1] });
    },
  },
  {
    name: 'vggsmall',
    summary:
      'Small VGG: 3 blocks of 2 conv 3x3 + BN (32/64/128), max-pool, dropout; dense 256 (586,282 params)',
    task: 'classify-images',
    datasets: ['fashion-mnist', 'mnist'],
    defaults: { epochs: 15, batchSize: 64, learningRate: 1e-3 },
    packageName,
    source: 'seed 004 (VGG), seed 002 ch. 5',
    async build({ numClasses, inputShape }) {
      const { vggSmall } = await import('./builders/vgg-small.js');
      return vggSmall({ numClasses, inputShape: inputShape ?? [28, 28, 1] });
    },
  },
  {
    name: 'resnetsmall',
    summary: 'Small ResNet: conv stem, 3 stages x 2 residual blocks (16/32/64, BN), global average pool',
    task: 'classify-images',
    datasets: ['fashion-mnist', 'mnist'],
    defaults: { epochs: 15, batchSize: 64, learningRate: 1e-3 },
    packageName,
    source: 'seed 002 ch. 7 (residual connections), seed 004 (ResNet)',
    async build({ numClasses, inputShape }) {
      const { resnetSmall } = await import('./builders/resnet-small.js');
      return resnetSmall({ numClasses, inputShape: inputShape ?? [28, 28, 1] });
    },
  },
  {
    name: 'mobilenetsmall',
    summary:
      'Small MobileNet: strided conv stem, 5 depthwise separable blocks (BN, ReLU6), global average pool',
    task: 'classify-images',
    datasets: ['fashion-mnist', 'mnist'],
    defaults: { epochs: 10, batchSize: 64, learningRate: 1e-3 },
    packageName,
    source: 'seed 002 ch. 7 (depthwise separable convolutions)',
    async build({ numClasses, inputShape }) {
      const { mobileNetSmall } = await import('./builders/mobilenet-small.js');
      return mobileNetSmall({ numClasses, inputShape: inputShape ?? [28, 28, 1] });
    },
  },
];
