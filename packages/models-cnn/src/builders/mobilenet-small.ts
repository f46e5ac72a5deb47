import { input, type Model, model, type SymbolicTensor } from '@tensorfold/core';
import {
  batchNormalization,
  conv2d,
  dense,
  depthwiseConv2d,
  dropout as dropoutLayer,
  globalAveragePooling2d,
  reLU,
} from '@tensorfold/layers';
import { checkClasses, checkCounts, checkImageShape, checkRate } from './checks.js';

/** Options of {@link mobileNetSmall}. */
export interface MobileNetSmallOptions {
  /** Filters of the stem convolution. Default 32. */
  stemFilters?: number;
  /**
   * The depthwise separable blocks as `[filters, stride]`. Default
   * `[[64, 1], [128, 2], [128, 1], [256, 2], [256, 1]]` (the first blocks of MobileNet v1).
   */
  blocks?: ReadonlyArray<readonly [number, number]>;
  /** Dropout before the class layer, in [0, 1). Default 0.2. */
  dropout?: number;
  /** Image shape `[height, width, channels]`. Default `[28, 28, 1]` (Fashion-MNIST). */
  inputShape?: readonly number[];
  /** Number of classes. Default 10. */
  numClasses?: number;
  /** Model name. Default `mobilenet_small`. */
  name?: string;
}

/**
 * One depthwise separable block of MobileNet v1 (Howard et al. 2017): depthwise 3x3 conv, BN, ReLU6, then a
 * pointwise 1x1 conv, BN, ReLU6; layers named as Keras's MobileNet (`conv_dw_<id>`, `conv_pw_<id>`...).
 */
export function separableBlock(
  x: SymbolicTensor,
  filters: number,
  stride: number,
  id: number,
): SymbolicTensor {
  let y = depthwiseConv2d({
    kernelSize: 3,
    strides: stride,
    padding: 'same',
    useBias: false,
    name: `conv_dw_${id}`,
  }).apply(x);
  y = batchNormalization({ name: `conv_dw_${id}_bn` }).apply(y);
  y = reLU({ maxValue: 6, name: `conv_dw_${id}_relu` }).apply(y);
  y = conv2d({ filters, kernelSize: 1, useBias: false, name: `conv_pw_${id}` }).apply(y);
  y = batchNormalization({ name: `conv_pw_${id}_bn` }).apply(y);
  return reLU({ maxValue: 6, name: `conv_pw_${id}_relu` }).apply(y);
}

/**
 * A small MobileNet: depthwise separable convolutions (seed 002, ch. 7: a depthwise conv per channel, then a
 * 1x1 conv mixing channels; far fewer parameters and multiplications than a full conv), in MobileNet v1's
 * order: a strided 3x3 conv stem, {@link separableBlock}s, global average pooling, dropout, softmax.
 * Input `[batch, height, width, channels]`, output `[batch, numClasses]`.
 *
 * @example
 * const model = mobileNetSmall(); // 28x28x1, 10 classes
 */
export function mobileNetSmall(options: MobileNetSmallOptions = {}): Model {
  const who = 'mobileNetSmall';
  const {
    stemFilters = 32,
    blocks = [
      [64, 1],
      [128, 2],
      [128, 1],
      [256, 2],
      [256, 1],
    ],
    dropout = 0.2,
    inputShape = [28, 28, 1],
    numClasses = 10,
    name = 'mobilenet_small',
  } = options;
  checkCounts([stemFilters], 'stemFilters', who);
  checkCounts(blocks.flat(), 'blocks (filters and strides)', who);
  checkRate(dropout, who);
  checkClasses(numClasses, who);
  const shape = checkImageShape(inputShape, who);
  const inputs = input({ shape, name: 'input' });
  let x = conv2d({
    filters: stemFilters,
    kernelSize: 3,
    strides: 2,
    padding: 'same',
    useBias: false,
    name: 'conv1',
  }).apply(inputs);
  x = batchNormalization({ name: 'conv1_bn' }).apply(x);
  x = reLU({ maxValue: 6, name: 'conv1_relu' }).apply(x);
  for (const [i, [filters, stride]] of blocks.entries()) x = separableBlock(x, filters, stride, i + 1);
  x = globalAveragePooling2d({ name: 'global_average_pooling2d' }).apply(x);
  if (dropout > 0) x = dropoutLayer({ rate: dropout, name: 'dropout' }).apply(x);
  const outputs = dense({ units: numClasses, activation: 'softmax', name: 'predictions' }).apply(x);
  return model({ inputs, outputs, name });
}
