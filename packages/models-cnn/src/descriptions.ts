/**
 * The models of `@tensorfold/models-cnn`, described once for the CLI and the demo site. This entry point
 * (`@tensorfold/models-cnn/descriptions`) loads no builder until `build` is called.
 */
import type { Model, ModelBuildOptions, ModelDescription } from '@tensorfold/core';
import type { ApplicationOptions } from './applications/application.js';

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
  {
    name: 'stackedconvnet',
    summary:
      'Seed 000 rock-paper-scissors progression: 1-4 blocks of conv 3x3 + max-pool, dense 128 (option blocks, default 3)',
    task: 'classify-images',
    datasets: ['fashion-mnist', 'mnist'],
    defaults: { epochs: 10, batchSize: 32, learningRate: 1e-3 },
    packageName,
    source: 'seed 000 (rock-paper-scissors CNN)',
    async build({ numClasses, inputShape, blocks, dropout, filters }) {
      const { stackedConvNet } = await import('./builders/stacked-conv-net.js');
      const shape = inputShape ?? [28, 28, 1];
      // Four valid blocks do not fit 28x28 images: small images get same padding.
      const padding = Math.min(shape[0], shape[1]) < 64 ? 'same' : 'valid';
      return stackedConvNet({
        numClasses: numClasses ?? 10,
        inputShape: shape,
        padding,
        ...(typeof blocks === 'number' ? { blocks } : {}),
        ...(typeof dropout === 'number' ? { dropout } : {}),
        ...(Array.isArray(filters) ? { filters: filters as number[] } : {}),
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
    async build({ numClasses, inputShape, filters, dropout }) {
      const { vggSmall } = await import('./builders/vgg-small.js');
      const widths = Array.isArray(filters) ? { filters: filters as number[] } : {};
      const rate = typeof dropout === 'number' ? { dropout } : {};
      return vggSmall({ numClasses, inputShape: inputShape ?? [28, 28, 1], ...widths, ...rate });
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
    async build({ numClasses, inputShape, filters }) {
      const { resnetSmall } = await import('./builders/resnet-small.js');
      const widths = Array.isArray(filters) ? { filters: filters as number[] } : {};
      return resnetSmall({ numClasses, inputShape: inputShape ?? [28, 28, 1], ...widths });
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
  {
    name: 'vgg16',
    summary:
      'VGG-16 (Keras Applications): 13 conv 3x3 + 3 dense; 138,357,544 params (14,714,688 without the top)',
    task: 'classify-images',
    datasets: ['imagenet'],
    defaults: { epochs: 1, batchSize: 32, learningRate: 1e-4 },
    packageName,
    source: 'seed 004 (VGG-16)',
    async build({ numClasses, inputShape, weights, includeTop, pooling }) {
      const { vgg16 } = await import('./applications/vgg.js');
      return vgg16(applicationOptions({ numClasses, inputShape, weights, includeTop, pooling }));
    },
  },
  {
    name: 'vgg19',
    summary:
      'VGG-19 (Keras Applications): 16 conv 3x3 + 3 dense; 143,667,240 params (20,024,384 without the top)',
    task: 'classify-images',
    datasets: ['imagenet'],
    defaults: { epochs: 1, batchSize: 32, learningRate: 1e-4 },
    packageName,
    source: 'seed 004 (VGG-19)',
    async build({ numClasses, inputShape, weights, includeTop, pooling }) {
      const { vgg19 } = await import('./applications/vgg.js');
      return vgg19(applicationOptions({ numClasses, inputShape, weights, includeTop, pooling }));
    },
  },
  {
    name: 'resnet50',
    summary:
      'ResNet-50 (Keras Applications): bottleneck residual blocks 3-4-6-3; 25,636,712 params (23,587,712 without)',
    task: 'classify-images',
    datasets: ['imagenet'],
    defaults: { epochs: 1, batchSize: 32, learningRate: 1e-4 },
    packageName,
    source: 'seed 004 (ResNet), seed 002 ch. 7',
    async build({ numClasses, inputShape, weights, includeTop, pooling }) {
      const { resnet50 } = await import('./applications/resnet.js');
      return resnet50(applicationOptions({ numClasses, inputShape, weights, includeTop, pooling }));
    },
  },
  {
    name: 'inceptionv3',
    summary: 'Inception v3 (Keras Applications), 299x299: 23,851,784 params (21,802,784 without the top)',
    task: 'classify-images',
    datasets: ['imagenet'],
    defaults: { epochs: 1, batchSize: 32, learningRate: 1e-4 },
    packageName,
    source: 'seed 004 (GoogLeNet/Inception), seed 003 (Inception v3 transfer)',
    async build({ numClasses, inputShape, weights, includeTop, pooling }) {
      const { inceptionV3 } = await import('./applications/inception-v3.js');
      return inceptionV3(applicationOptions({ numClasses, inputShape, weights, includeTop, pooling }));
    },
  },
  {
    name: 'mobilenetv2',
    summary:
      'MobileNet v2 (Keras Applications): inverted residual blocks; 3,538,984 params (2,257,984 without the top)',
    task: 'classify-images',
    datasets: ['imagenet'],
    defaults: { epochs: 1, batchSize: 32, learningRate: 1e-4 },
    packageName,
    source: 'seed 003 (MobileNet), seed 002 ch. 7',
    async build({ numClasses, inputShape, weights, includeTop, pooling }) {
      const { mobileNetV2 } = await import('./applications/mobilenet-v2.js');
      return mobileNetV2(applicationOptions({ numClasses, inputShape, weights, includeTop, pooling }));
    },
  },
  {
    name: 'densenet121',
    summary:
      'DenseNet-121 (Keras Applications): dense blocks 6-12-24-16; 8,062,504 params (7,037,504 without the top)',
    task: 'classify-images',
    datasets: ['imagenet'],
    defaults: { epochs: 1, batchSize: 32, learningRate: 1e-4 },
    packageName,
    source: 'seed 003 (DenseNet)',
    async build({ numClasses, inputShape, weights, includeTop, pooling }) {
      const { denseNet121 } = await import('./applications/densenet.js');
      return denseNet121(applicationOptions({ numClasses, inputShape, weights, includeTop, pooling }));
    },
  },
  {
    name: 'xception',
    summary:
      'Xception (Keras Applications), 299x299: separable convs + residuals; 22,910,480 params (20,861,480 without)',
    task: 'classify-images',
    datasets: ['imagenet'],
    defaults: { epochs: 1, batchSize: 32, learningRate: 1e-4 },
    packageName,
    source: 'seed 004 (Xception), seed 002 ch. 7',
    async build({ numClasses, inputShape, weights, includeTop, pooling }) {
      const { xception } = await import('./applications/xception.js');
      return xception(applicationOptions({ numClasses, inputShape, weights, includeTop, pooling }));
    },
  },
  {
    name: 'alexnet',
    summary:
      'AlexNet (one tower, no LRN), 227x227: 5 conv + 3 dense; 62,378,344 params (3,747,200 without the top)',
    task: 'classify-images',
    datasets: ['imagenet'],
    defaults: { epochs: 1, batchSize: 32, learningRate: 1e-4 },
    packageName,
    source: 'seed 004 (AlexNet), seed 003',
    async build({ numClasses, inputShape, weights, includeTop, pooling }) {
      const { alexNet } = await import('./applications/alexnet.js');
      return alexNet(applicationOptions({ numClasses, inputShape, weights, includeTop, pooling }));
    },
  },
];

/** Application options from a consumer's build options (Keras's defaults where it says nothing). */
function applicationOptions(options: ModelBuildOptions): ApplicationOptions {
  const { numClasses, inputShape, weights, includeTop, pooling } = options;
  return {
    ...(numClasses !== undefined ? { classes: numClasses } : {}),
    ...(inputShape !== undefined ? { inputShape } : {}),
    ...(typeof weights === 'string' ? { weights } : {}),
    ...(typeof includeTop === 'boolean' ? { includeTop } : {}),
    ...(pooling === 'avg' || pooling === 'max' ? { pooling } : {}),
  };
}
