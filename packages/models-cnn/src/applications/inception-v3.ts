/**
 * Inception v3 (Szegedy et al. 2015; seed 004's GoogLeNet/Inception, seed 003's transfer learning example),
 * with the structure and layer names of Keras Applications' `InceptionV3`: Keras leaves the convolutions
 * unnamed, so they carry the names a fresh Keras session gives (`conv2d`, `batch_normalization`,
 * `activation`, `conv2d_1`...), and the module outputs are `mixed0` to `mixed10`.
 */
import type { Model, SymbolicTensor } from '@tensorfold/core';
import {
  activation,
  averagePooling2d,
  batchNormalization,
  concatenate,
  conv2d,
  maxPooling2d,
} from '@tensorfold/layers';
import { type ApplicationOptions, buildApplication } from './application.js';
import type { KerasNames } from './keras-names.js';

/** Keras's `conv2d_bn`: conv without bias, BN without scale, ReLU. */
function convBn(
  names: KerasNames,
  x: SymbolicTensor,
  filters: number,
  rows: number,
  cols: number,
  { padding = 'same', strides = 1 }: { padding?: 'same' | 'valid'; strides?: number } = {},
): SymbolicTensor {
  let y = conv2d({
    filters,
    kernelSize: [rows, cols],
    strides,
    padding,
    useBias: false,
    name: names.next('conv2d'),
  }).apply(x);
  y = batchNormalization({ scale: false, name: names.next('batch_normalization') }).apply(y);
  return activation({ activation: 'relu', name: names.next('activation') }).apply(y);
}

function avgPool3(names: KerasNames, x: SymbolicTensor): SymbolicTensor {
  return averagePooling2d({
    poolSize: 3,
    strides: 1,
    padding: 'same',
    name: names.next('average_pooling2d'),
  }).apply(x);
}

function maxPool3(names: KerasNames, x: SymbolicTensor): SymbolicTensor {
  return maxPooling2d({ poolSize: 3, strides: 2, name: names.next('max_pooling2d') }).apply(x);
}

function concat(names: KerasNames, xs: SymbolicTensor[], name?: string): SymbolicTensor {
  return concatenate({ axis: -1, name: name ?? names.next('concatenate') }).apply(xs) as SymbolicTensor;
}

/** Module A (35x35): 1x1, 5x5, double 3x3 and pooled branches. */
function moduleA(n: KerasNames, x: SymbolicTensor, poolFilters: number, name: string): SymbolicTensor {
  const b1 = convBn(n, x, 64, 1, 1);
  const b5 = convBn(n, convBn(n, x, 48, 1, 1), 64, 5, 5);
  const b3 = convBn(n, convBn(n, convBn(n, x, 64, 1, 1), 96, 3, 3), 96, 3, 3);
  const bp = convBn(n, avgPool3(n, x), poolFilters, 1, 1);
  return concat(n, [b1, b5, b3, bp], name);
}

/** Module C (17x17): 1x1, factorized 7x7, double factorized 7x7 and pooled branches. */
function moduleC(n: KerasNames, x: SymbolicTensor, f: number, name: string): SymbolicTensor {
  const b1 = convBn(n, x, 192, 1, 1);
  let b7 = convBn(n, x, f, 1, 1);
  b7 = convBn(n, b7, f, 1, 7);
  b7 = convBn(n, b7, 192, 7, 1);
  let bd = convBn(n, x, f, 1, 1);
  bd = convBn(n, bd, f, 7, 1);
  bd = convBn(n, bd, f, 1, 7);
  bd = convBn(n, bd, f, 7, 1);
  bd = convBn(n, bd, 192, 1, 7);
  const bp = convBn(n, avgPool3(n, x), 192, 1, 1);
  return concat(n, [b1, b7, bd, bp], name);
}

/** Module E (8x8): 1x1, split 3x3, double split 3x3 and pooled branches. */
function moduleE(n: KerasNames, x: SymbolicTensor, i: number): SymbolicTensor {
  const b1 = convBn(n, x, 320, 1, 1);
  const b3 = convBn(n, x, 384, 1, 1);
  const b3c = concat(n, [convBn(n, b3, 384, 1, 3), convBn(n, b3, 384, 3, 1)], `mixed9_${i}`);
  const bd = convBn(n, convBn(n, x, 448, 1, 1), 384, 3, 3);
  const bdc = concat(n, [convBn(n, bd, 384, 1, 3), convBn(n, bd, 384, 3, 1)]);
  const bp = convBn(n, avgPool3(n, x), 192, 1, 1);
  return concat(n, [b1, b3c, bdc, bp], `mixed${9 + i}`);
}

function inceptionV3Base(x: SymbolicTensor, n: KerasNames): SymbolicTensor {
  let y = convBn(n, x, 32, 3, 3, { strides: 2, padding: 'valid' });
  y = convBn(n, y, 32, 3, 3, { padding: 'valid' });
  y = convBn(n, y, 64, 3, 3);
  y = maxPool3(n, y);
  y = convBn(n, y, 80, 1, 1, { padding: 'valid' });
  y = convBn(n, y, 192, 3, 3, { padding: 'valid' });
  y = maxPool3(n, y);
  y = moduleA(n, y, 32, 'mixed0');
  y = moduleA(n, y, 64, 'mixed1');
  y = moduleA(n, y, 64, 'mixed2');
  // Module B: grid reduction 35 -> 17.
  {
    const b3 = convBn(n, y, 384, 3, 3, { strides: 2, padding: 'valid' });
    let bd = convBn(n, convBn(n, y, 64, 1, 1), 96, 3, 3);
    bd = convBn(n, bd, 96, 3, 3, { strides: 2, padding: 'valid' });
    y = concat(n, [b3, bd, maxPool3(n, y)], 'mixed3');
  }
  y = moduleC(n, y, 128, 'mixed4');
  y = moduleC(n, y, 160, 'mixed5');
  y = moduleC(n, y, 160, 'mixed6');
  y = moduleC(n, y, 192, 'mixed7');
  // Module D: grid reduction 17 -> 8.
  {
    const b3 = convBn(n, convBn(n, y, 192, 1, 1), 320, 3, 3, { strides: 2, padding: 'valid' });
    let b7 = convBn(n, y, 192, 1, 1);
    b7 = convBn(n, b7, 192, 1, 7);
    b7 = convBn(n, b7, 192, 7, 1);
    b7 = convBn(n, b7, 192, 3, 3, { strides: 2, padding: 'valid' });
    y = concat(n, [b3, b7, maxPool3(n, y)], 'mixed8');
  }
  y = moduleE(n, y, 0);
  return moduleE(n, y, 1);
}

/**
 * Inception v3: 23,851,784 parameters with the top on 299x299x3, 21,802,784 without (as Keras documents).
 * Input `[batch, 299, 299, 3]` by default (at least 75x75).
 *
 * @example
 * const base = await inceptionV3({ includeTop: false, pooling: 'avg', inputShape: [150, 150, 3] });
 */
export function inceptionV3(options: ApplicationOptions = {}): Promise<Model> {
  return buildApplication(
    { name: 'inception_v3', defaultSize: 299, minSize: 75, base: inceptionV3Base },
    options,
  );
}
