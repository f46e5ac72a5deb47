import { ConfigError, input, type Model, model, type SymbolicTensor } from '@tensorfold/core';
import {
  activation,
  add,
  batchNormalization,
  conv2d,
  dense,
  globalAveragePooling2d,
} from '@tensorfold/layers';
import { checkClasses, checkCounts, checkImageShape } from './checks.js';

/** Options of {@link resnetSmall}. */
export interface ResNetSmallOptions {
  /** Filters of each stage; every stage after the first halves the resolution. Default `[16, 32, 64]`. */
  filters?: readonly number[];
  /** Residual blocks per stage. Default 2 (3 gives He et al.'s ResNet-20). */
  blocksPerStage?: number;
  /** Image shape `[height, width, channels]`. Default `[28, 28, 1]` (Fashion-MNIST). */
  inputShape?: readonly number[];
  /** Number of classes. Default 10. */
  numClasses?: number;
  /** Model name. Default `resnet_small`. */
  name?: string;
}

/**
 * The basic residual block (He et al. 2016, v1): `conv 3x3 - BN - ReLU - conv 3x3 - BN`, added to the input
 * (or to a 1x1 strided projection of it when the shape changes), then ReLU. Layers are named as Keras names
 * its ResNet blocks: `<name>_1_conv`, `<name>_1_bn`, `<name>_0_conv` (projection), `<name>_add`, `<name>_out`.
 */
export function basicBlock(x: SymbolicTensor, filters: number, stride: number, name: string): SymbolicTensor {
  const channels = x.shape[x.shape.length - 1];
  let shortcut = x;
  if (stride !== 1 || channels !== filters) {
    shortcut = conv2d({
      filters,
      kernelSize: 1,
      strides: stride,
      useBias: false,
      name: `${name}_0_conv`,
    }).apply(x);
    shortcut = batchNormalization({ name: `${name}_0_bn` }).apply(shortcut);
  }
  let y = conv2d({
    filters,
    kernelSize: 3,
    strides: stride,
    padding: 'same',
    useBias: false,
    kernelInitializer: 'heNormal',
    name: `${name}_1_conv`,
  }).apply(x);
  y = batchNormalization({ name: `${name}_1_bn` }).apply(y);
  y = activation({ activation: 'relu', name: `${name}_1_relu` }).apply(y);
  y = conv2d({
    filters,
    kernelSize: 3,
    padding: 'same',
    useBias: false,
    kernelInitializer: 'heNormal',
    name: `${name}_2_conv`,
  }).apply(y);
  y = batchNormalization({ name: `${name}_2_bn` }).apply(y);
  y = add({ name: `${name}_add` }).apply([shortcut, y]) as SymbolicTensor;
  return activation({ activation: 'relu', name: `${name}_out` }).apply(y);
}

/**
 * A small ResNet for 28x28 or 32x32 images, after He et al.'s CIFAR ResNets and seed 002 (ch. 7, residual
 * connections; seed 004's ResNet): a 3x3 conv stem with batch normalization, stages of {@link basicBlock}s
 * (16, 32, 64 filters; strided projections between stages), global average pooling and a softmax layer.
 * Input `[batch, height, width, channels]`, output `[batch, numClasses]`.
 *
 * @example
 * const model = resnetSmall({ blocksPerStage: 3 }); // ResNet-20 on 28x28x1
 */
export function resnetSmall(options: ResNetSmallOptions = {}): Model {
  const who = 'resnetSmall';
  const {
    filters = [16, 32, 64],
    blocksPerStage = 2,
    inputShape = [28, 28, 1],
    numClasses = 10,
    name = 'resnet_small',
  } = options;
  checkCounts(filters, 'filters', who);
  checkClasses(numClasses, who);
  if (!Number.isInteger(blocksPerStage) || blocksPerStage < 1)
    throw new ConfigError(`${who}: blocksPerStage must be a positive integer, got ${blocksPerStage}.`);
  const shape = checkImageShape(inputShape, who);
  const inputs = input({ shape, name: 'input' });
  let x = conv2d({
    filters: filters[0],
    kernelSize: 3,
    padding: 'same',
    useBias: false,
    kernelInitializer: 'heNormal',
    name: 'conv1_conv',
  }).apply(inputs);
  x = batchNormalization({ name: 'conv1_bn' }).apply(x);
  x = activation({ activation: 'relu', name: 'conv1_relu' }).apply(x);
  for (const [s, f] of filters.entries()) {
    for (let b = 0; b < blocksPerStage; b++)
      x = basicBlock(x, f, s > 0 && b === 0 ? 2 : 1, `conv${s + 2}_block${b + 1}`);
  }
  x = globalAveragePooling2d({ name: 'avg_pool' }).apply(x);
  const outputs = dense({ units: numClasses, activation: 'softmax', name: 'predictions' }).apply(x);
  return model({ inputs, outputs, name });
}
