/**
 * DenseNet-121 (Huang et al. 2017; seed 003's list of famous CNNs), with the structure and layer names of
 * Keras Applications' `DenseNet121`: a 7x7 stem (`conv1_conv`, `pool1`), four dense blocks of 6, 12, 24 and 16
 * conv blocks (`conv2_block1_0_bn`...`conv2_block1_concat`; each adds 32 feature maps) joined by transition
 * blocks (`pool2_conv`, `pool2_pool`...), then `bn`, `relu`, `avg_pool` and `predictions`.
 */
import type { Model, SymbolicTensor } from '@tensorfold/core';
import {
  activation,
  averagePooling2d,
  batchNormalization,
  concatenate,
  conv2d,
  maxPooling2d,
  zeroPadding2d,
} from '@tensorfold/layers';
import { type ApplicationOptions, buildApplication } from './application.js';
import type { KerasNames } from './keras-names.js';

const EPSILON = 1.001e-5;
const GROWTH_RATE = 32;

/** Keras's densenet `conv_block`: BN-ReLU-conv 1x1 (4k)-BN-ReLU-conv 3x3 (k), concatenated to the input. */
export function denseConvBlock(x: SymbolicTensor, growthRate: number, name: string): SymbolicTensor {
  let y = batchNormalization({ epsilon: EPSILON, name: `${name}_0_bn` }).apply(x);
  y = activation({ activation: 'relu', name: `${name}_0_relu` }).apply(y);
  y = conv2d({ filters: 4 * growthRate, kernelSize: 1, useBias: false, name: `${name}_1_conv` }).apply(y);
  y = batchNormalization({ epsilon: EPSILON, name: `${name}_1_bn` }).apply(y);
  y = activation({ activation: 'relu', name: `${name}_1_relu` }).apply(y);
  y = conv2d({
    filters: growthRate,
    kernelSize: 3,
    padding: 'same',
    useBias: false,
    name: `${name}_2_conv`,
  }).apply(y);
  return concatenate({ axis: -1, name: `${name}_concat` }).apply([x, y]) as SymbolicTensor;
}

/** Keras's `dense_block`: `blocks` conv blocks. */
export function denseBlock(x: SymbolicTensor, blocks: number, name: string): SymbolicTensor {
  let y = x;
  for (let i = 1; i <= blocks; i++) y = denseConvBlock(y, GROWTH_RATE, `${name}_block${i}`);
  return y;
}

/** Keras's `transition_block`: BN, ReLU, 1x1 conv to `reduction` of the channels, 2x2 average pooling. */
export function transitionBlock(x: SymbolicTensor, reduction: number, name: string): SymbolicTensor {
  const channels = x.shape[3] as number;
  let y = batchNormalization({ epsilon: EPSILON, name: `${name}_bn` }).apply(x);
  y = activation({ activation: 'relu', name: `${name}_relu` }).apply(y);
  y = conv2d({
    filters: Math.trunc(channels * reduction),
    kernelSize: 1,
    useBias: false,
    name: `${name}_conv`,
  }).apply(y);
  return averagePooling2d({ poolSize: 2, strides: 2, name: `${name}_pool` }).apply(y);
}

/** The DenseNet base for dense blocks of `blocks[0..3]` conv blocks. */
export function denseNetBase(
  x: SymbolicTensor,
  blocks: readonly number[],
  names: KerasNames,
): SymbolicTensor {
  let y = zeroPadding2d({ padding: 3, name: names.next('zero_padding2d') }).apply(x);
  y = conv2d({ filters: 64, kernelSize: 7, strides: 2, useBias: false, name: 'conv1_conv' }).apply(y);
  y = batchNormalization({ epsilon: EPSILON, name: 'conv1_bn' }).apply(y);
  y = activation({ activation: 'relu', name: 'conv1_relu' }).apply(y);
  y = zeroPadding2d({ padding: 1, name: names.next('zero_padding2d') }).apply(y);
  y = maxPooling2d({ poolSize: 3, strides: 2, name: 'pool1' }).apply(y);
  y = denseBlock(y, blocks[0], 'conv2');
  y = transitionBlock(y, 0.5, 'pool2');
  y = denseBlock(y, blocks[1], 'conv3');
  y = transitionBlock(y, 0.5, 'pool3');
  y = denseBlock(y, blocks[2], 'conv4');
  y = transitionBlock(y, 0.5, 'pool4');
  y = denseBlock(y, blocks[3], 'conv5');
  y = batchNormalization({ epsilon: EPSILON, name: 'bn' }).apply(y);
  return activation({ activation: 'relu', name: 'relu' }).apply(y);
}

/**
 * DenseNet-121: 8,062,504 parameters with the top on 224x224x3, 7,037,504 without (as Keras documents).
 * Input `[batch, 224, 224, 3]` by default (at least 32x32).
 */
export function denseNet121(options: ApplicationOptions = {}): Promise<Model> {
  return buildApplication(
    {
      name: 'densenet121',
      defaultSize: 224,
      minSize: 32,
      base: (x, names) => denseNetBase(x, [6, 12, 24, 16], names),
      poolingNames: { avg: 'avg_pool', max: 'max_pool' },
    },
    options,
  );
}
