/**
 * Xception (Chollet 2017; seed 004's famous architectures, seed 002 ch. 7's depthwise separable convolutions
 * with residual connections), with the structure and layer names of Keras Applications' `Xception`: an entry
 * flow (`block1`...`block4`, strided 1x1 conv shortcuts, which Keras leaves unnamed: `conv2d`,
 * `batch_normalization`, `add`...), a middle flow of eight residual blocks of three separable convs
 * (`block5_sepconv1`...`block12_sepconv3_bn`), an exit flow (`block13`, `block14`), `avg_pool` and
 * `predictions`.
 */
import type { Model, SymbolicTensor } from '@tensorfold/core';
import {
  activation,
  add,
  batchNormalization,
  conv2d,
  maxPooling2d,
  separableConv2d,
} from '@tensorfold/layers';
import { type ApplicationOptions, buildApplication } from './application.js';
import type { KerasNames } from './keras-names.js';

function sepConvBn(x: SymbolicTensor, filters: number, name: string): SymbolicTensor {
  const y = separableConv2d({ filters, kernelSize: 3, padding: 'same', useBias: false, name }).apply(x);
  return batchNormalization({ name: `${name}_bn` }).apply(y);
}

const relu = (x: SymbolicTensor, name: string) => activation({ activation: 'relu', name }).apply(x);

/** A strided 1x1 conv + BN shortcut (unnamed in Keras). */
function shortcut(x: SymbolicTensor, filters: number, names: KerasNames): SymbolicTensor {
  const y = conv2d({
    filters,
    kernelSize: 1,
    strides: 2,
    padding: 'same',
    useBias: false,
    name: names.next('conv2d'),
  }).apply(x);
  return batchNormalization({ name: names.next('batch_normalization') }).apply(y);
}

/** Entry and exit flow block: (ReLU) sepconv-BN, ReLU, sepconv-BN, max-pool 3/2, plus the shortcut. */
function reductionBlock(
  x: SymbolicTensor,
  filters: [number, number],
  block: number,
  names: KerasNames,
  firstRelu: boolean,
): SymbolicTensor {
  const residual = shortcut(x, filters[1], names);
  let y = firstRelu ? relu(x, `block${block}_sepconv1_act`) : x;
  y = sepConvBn(y, filters[0], `block${block}_sepconv1`);
  y = relu(y, `block${block}_sepconv2_act`);
  y = sepConvBn(y, filters[1], `block${block}_sepconv2`);
  y = maxPooling2d({ poolSize: 3, strides: 2, padding: 'same', name: `block${block}_pool` }).apply(y);
  return add({ name: names.next('add') }).apply([y, residual]) as SymbolicTensor;
}

function xceptionBase(x: SymbolicTensor, names: KerasNames): SymbolicTensor {
  let y = conv2d({ filters: 32, kernelSize: 3, strides: 2, useBias: false, name: 'block1_conv1' }).apply(x);
  y = batchNormalization({ name: 'block1_conv1_bn' }).apply(y);
  y = relu(y, 'block1_conv1_act');
  y = conv2d({ filters: 64, kernelSize: 3, useBias: false, name: 'block1_conv2' }).apply(y);
  y = batchNormalization({ name: 'block1_conv2_bn' }).apply(y);
  y = relu(y, 'block1_conv2_act');
  y = reductionBlock(y, [128, 128], 2, names, false);
  y = reductionBlock(y, [256, 256], 3, names, true);
  y = reductionBlock(y, [728, 728], 4, names, true);
  for (let i = 0; i < 8; i++) {
    const prefix = `block${i + 5}`;
    const residual = y;
    for (const k of [1, 2, 3])
      y = sepConvBn(relu(y, `${prefix}_sepconv${k}_act`), 728, `${prefix}_sepconv${k}`);
    y = add({ name: names.next('add') }).apply([y, residual]) as SymbolicTensor;
  }
  y = reductionBlock(y, [728, 1024], 13, names, true);
  y = relu(sepConvBn(y, 1536, 'block14_sepconv1'), 'block14_sepconv1_act');
  return relu(sepConvBn(y, 2048, 'block14_sepconv2'), 'block14_sepconv2_act');
}

/**
 * Xception: 22,910,480 parameters with the top on 299x299x3, 20,861,480 without (as Keras documents).
 * Input `[batch, 299, 299, 3]` by default (at least 71x71).
 */
export function xception(options: ApplicationOptions = {}): Promise<Model> {
  return buildApplication({ name: 'xception', defaultSize: 299, minSize: 71, base: xceptionBase }, options);
}
