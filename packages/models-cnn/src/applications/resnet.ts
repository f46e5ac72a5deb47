/**
 * ResNet-50 (He et al. 2015; seed 004, seed 002 ch. 7), with the structure and layer names of Keras
 * Applications' `ResNet50`: a 7x7 stem (`conv1_conv`), max-pool (`pool1_pool`), then four stacks of bottleneck
 * residual blocks (`conv2_block1_1_conv`...), global average pooling (`avg_pool`) and `predictions`.
 */
import type { Model, SymbolicTensor } from '@tensorfold/core';
import { activation, add, batchNormalization, conv2d, maxPooling2d, zeroPadding2d } from '@tensorfold/layers';
import { type ApplicationOptions, buildApplication } from './application.js';

const EPSILON = 1.001e-5;

/**
 * Keras's `residual_block_v1`: 1x1 conv (stride), BN, ReLU; 3x3 conv, BN, ReLU; 1x1 conv to `4 * filters`,
 * BN; added to the shortcut (a 1x1 conv + BN projection when `convShortcut`), then ReLU.
 */
export function residualBlockV1(
  x: SymbolicTensor,
  filters: number,
  { stride = 1, convShortcut = true, name }: { stride?: number; convShortcut?: boolean; name: string },
): SymbolicTensor {
  let shortcut = x;
  if (convShortcut) {
    shortcut = conv2d({ filters: 4 * filters, kernelSize: 1, strides: stride, name: `${name}_0_conv` }).apply(
      x,
    );
    shortcut = batchNormalization({ epsilon: EPSILON, name: `${name}_0_bn` }).apply(shortcut);
  }
  let y = conv2d({ filters, kernelSize: 1, strides: stride, name: `${name}_1_conv` }).apply(x);
  y = batchNormalization({ epsilon: EPSILON, name: `${name}_1_bn` }).apply(y);
  y = activation({ activation: 'relu', name: `${name}_1_relu` }).apply(y);
  y = conv2d({ filters, kernelSize: 3, padding: 'same', name: `${name}_2_conv` }).apply(y);
  y = batchNormalization({ epsilon: EPSILON, name: `${name}_2_bn` }).apply(y);
  y = activation({ activation: 'relu', name: `${name}_2_relu` }).apply(y);
  y = conv2d({ filters: 4 * filters, kernelSize: 1, name: `${name}_3_conv` }).apply(y);
  y = batchNormalization({ epsilon: EPSILON, name: `${name}_3_bn` }).apply(y);
  y = add({ name: `${name}_add` }).apply([shortcut, y]) as SymbolicTensor;
  return activation({ activation: 'relu', name: `${name}_out` }).apply(y);
}

/** Keras's `stack_residual_blocks_v1`: `blocks` residual blocks, the first with a projection and `stride1`. */
export function stackResidualBlocksV1(
  x: SymbolicTensor,
  filters: number,
  blocks: number,
  { stride1 = 2, name }: { stride1?: number; name: string },
): SymbolicTensor {
  let y = residualBlockV1(x, filters, { stride: stride1, name: `${name}_block1` });
  for (let i = 2; i <= blocks; i++)
    y = residualBlockV1(y, filters, { convShortcut: false, name: `${name}_block${i}` });
  return y;
}

/** The stem every ResNet v1 shares: pad 3, conv 7x7/2 (64), BN, ReLU, pad 1, max-pool 3x3/2. */
function resnetStem(x: SymbolicTensor): SymbolicTensor {
  let y = zeroPadding2d({ padding: 3, name: 'conv1_pad' }).apply(x);
  y = conv2d({ filters: 64, kernelSize: 7, strides: 2, name: 'conv1_conv' }).apply(y);
  y = batchNormalization({ epsilon: EPSILON, name: 'conv1_bn' }).apply(y);
  y = activation({ activation: 'relu', name: 'conv1_relu' }).apply(y);
  y = zeroPadding2d({ padding: 1, name: 'pool1_pad' }).apply(y);
  return maxPooling2d({ poolSize: 3, strides: 2, name: 'pool1_pool' }).apply(y);
}

/**
 * ResNet-50: stacks of 3, 4, 6 and 3 bottleneck blocks (64, 128, 256, 512 filters; 4x wider outputs);
 * 25,636,712 parameters with the top on 224x224x3, 23,587,712 without (as Keras documents). Input
 * `[batch, 224, 224, 3]` by default (at least 32x32).
 *
 * @example
 * const model = await resnet50({ includeTop: false, pooling: 'avg' }); // [batch, 2048] features
 */
export function resnet50(options: ApplicationOptions = {}): Promise<Model> {
  return buildApplication(
    {
      name: 'resnet50',
      defaultSize: 224,
      minSize: 32,
      base(x) {
        let y = resnetStem(x);
        y = stackResidualBlocksV1(y, 64, 3, { stride1: 1, name: 'conv2' });
        y = stackResidualBlocksV1(y, 128, 4, { name: 'conv3' });
        y = stackResidualBlocksV1(y, 256, 6, { name: 'conv4' });
        return stackResidualBlocksV1(y, 512, 3, { name: 'conv5' });
      },
      poolingNames: { avg: 'avg_pool', max: 'max_pool' },
    },
    options,
  );
}
