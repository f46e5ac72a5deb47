/**
 * VGG-16 and VGG-19 (Simonyan & Zisserman 2014; seed 004's "famous architectures"), with the structure and
 * layer names of Keras Applications' `VGG16`/`VGG19`: five blocks of 3x3 same convolutions with ReLU
 * (`block1_conv1`...), each ending in a 2x2 max-pool (`block1_pool`), then `flatten`, `fc1`, `fc2` (4,096
 * units each) and `predictions`.
 */
import type { Model, SymbolicTensor } from '@tensorfold/core';
import { conv2d, dense, flatten, maxPooling2d } from '@tensorfold/layers';
import { type ApplicationOptions, buildApplication } from './application.js';

const FILTERS = [64, 128, 256, 512, 512];

/** Stacks VGG's five blocks with `convsPerBlock[i]` convolutions in block `i + 1`. */
export function vggStack(x: SymbolicTensor, convsPerBlock: readonly number[]): SymbolicTensor {
  let y = x;
  for (const [b, convs] of convsPerBlock.entries()) {
    for (let c = 1; c <= convs; c++)
      y = conv2d({
        filters: FILTERS[b],
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        name: `block${b + 1}_conv${c}`,
      }).apply(y);
    y = maxPooling2d({ poolSize: 2, strides: 2, name: `block${b + 1}_pool` }).apply(y);
  }
  return y;
}

/** VGG's top: flatten, two dense layers of 4,096 ReLU units, the class layer. */
function vggTop(x: SymbolicTensor, classes: number, activation: string): SymbolicTensor {
  let y = flatten({ name: 'flatten' }).apply(x);
  y = dense({ units: 4096, activation: 'relu', name: 'fc1' }).apply(y);
  y = dense({ units: 4096, activation: 'relu', name: 'fc2' }).apply(y);
  return dense({ units: classes, activation, name: 'predictions' }).apply(y);
}

/**
 * VGG-16: 13 convolutions (2, 2, 3, 3, 3 per block) and three dense layers; 138,357,544 parameters with the
 * top on 224x224x3, 14,714,688 without (as Keras documents). Input `[batch, 224, 224, 3]` by default (at
 * least 32x32).
 *
 * @example
 * const base = await vgg16({ includeTop: false, pooling: 'avg', inputShape: [64, 64, 3] }); // [batch, 512]
 */
export function vgg16(options: ApplicationOptions = {}): Promise<Model> {
  return buildApplication(
    { name: 'vgg16', defaultSize: 224, minSize: 32, base: (x) => vggStack(x, [2, 2, 3, 3, 3]), top: vggTop },
    options,
  );
}

/**
 * VGG-19: 16 convolutions (2, 2, 4, 4, 4 per block) and three dense layers; 143,667,240 parameters with the
 * top, 20,024,384 without. Input `[batch, 224, 224, 3]` by default (at least 32x32).
 */
export function vgg19(options: ApplicationOptions = {}): Promise<Model> {
  return buildApplication(
    { name: 'vgg19', defaultSize: 224, minSize: 32, base: (x) => vggStack(x, [2, 2, 4, 4, 4]), top: vggTop },
    options,
  );
}
