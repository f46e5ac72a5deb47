/**
 * MobileNet v2 (Sandler et al. 2018; seed 002 ch. 7's depthwise separable convolutions, seed 003's MobileNet),
 * with the structure and layer names of Keras Applications' `MobileNetV2`: a strided 3x3 stem (`Conv1`),
 * 17 inverted residual blocks (`expanded_conv_*`, `block_1_*`...`block_16_*`: 1x1 expansion, 3x3 depthwise,
 * linear 1x1 projection, residual add when shapes allow), a 1x1 conv to 1,280 channels (`Conv_1`), global
 * average pooling and `predictions`.
 */
import { ConfigError, type Model, type SymbolicTensor } from '@tensorfold/core';
import {
  add,
  batchNormalization,
  conv2d,
  dense,
  depthwiseConv2d,
  globalAveragePooling2d,
  reLU,
  zeroPadding2d,
} from '@tensorfold/layers';
import { type ApplicationOptions, buildApplication } from './application.js';

/** Options of {@link mobileNetV2}. */
export interface MobileNetV2Options extends ApplicationOptions {
  /** Width multiplier: scales every layer's filters. Default 1. */
  alpha?: number;
}

/** Keras's `_make_divisible`: `v` rounded to a multiple of `divisor`, never below 90% of `v`. */
export function makeDivisible(v: number, divisor = 8): number {
  let rounded = Math.max(divisor, Math.floor((v + divisor / 2) / divisor) * divisor);
  if (rounded < 0.9 * v) rounded += divisor;
  return rounded;
}

const bn = (name: string) => batchNormalization({ epsilon: 1e-3, momentum: 0.999, name });

/** Keras's `_inverted_res_block`. */
export function invertedResBlock(
  x: SymbolicTensor,
  {
    expansion,
    stride,
    alpha,
    filters,
    blockId,
  }: {
    expansion: number;
    stride: number;
    alpha: number;
    filters: number;
    blockId: number;
  },
): SymbolicTensor {
  const inChannels = x.shape[3] as number;
  const pointwise = makeDivisible(Math.trunc(filters * alpha), 8);
  let prefix = 'expanded_conv_';
  let y = x;
  if (blockId > 0) {
    prefix = `block_${blockId}_`;
    y = conv2d({
      filters: expansion * inChannels,
      kernelSize: 1,
      padding: 'same',
      useBias: false,
      name: `${prefix}expand`,
    }).apply(y);
    y = bn(`${prefix}expand_BN`).apply(y);
    y = reLU({ maxValue: 6, name: `${prefix}expand_relu` }).apply(y);
  }
  if (stride === 2) {
    // Keras's correct_pad: one pixel more at the bottom/right on even sides.
    const [h, w] = [y.shape[1] as number, y.shape[2] as number];
    const padding: [[number, number], [number, number]] = [
      [h % 2, 1],
      [w % 2, 1],
    ];
    y = zeroPadding2d({ padding, name: `${prefix}pad` }).apply(y);
  }
  y = depthwiseConv2d({
    kernelSize: 3,
    strides: stride,
    useBias: false,
    padding: stride === 1 ? 'same' : 'valid',
    name: `${prefix}depthwise`,
  }).apply(y);
  y = bn(`${prefix}depthwise_BN`).apply(y);
  y = reLU({ maxValue: 6, name: `${prefix}depthwise_relu` }).apply(y);
  y = conv2d({
    filters: pointwise,
    kernelSize: 1,
    padding: 'same',
    useBias: false,
    name: `${prefix}project`,
  }).apply(y);
  y = bn(`${prefix}project_BN`).apply(y);
  if (inChannels === pointwise && stride === 1)
    return add({ name: `${prefix}add` }).apply([x, y]) as SymbolicTensor;
  return y;
}

/** `[filters, stride, expansion]` of blocks 0 to 16. */
const BLOCKS: ReadonlyArray<readonly [number, number, number]> = [
  [16, 1, 1],
  [24, 2, 6],
  [24, 1, 6],
  [32, 2, 6],
  [32, 1, 6],
  [32, 1, 6],
  [64, 2, 6],
  [64, 1, 6],
  [64, 1, 6],
  [64, 1, 6],
  [96, 1, 6],
  [96, 1, 6],
  [96, 1, 6],
  [160, 2, 6],
  [160, 1, 6],
  [160, 1, 6],
  [320, 1, 6],
];

/**
 * MobileNet v2: 3,538,984 parameters with the top on 224x224x3 (alpha 1), 2,257,984 without (as Keras
 * documents). Input `[batch, 224, 224, 3]` by default (at least 32x32). Named `mobilenetv2_1.00_224` as in
 * Keras.
 *
 * @example
 * const base = await mobileNetV2({ includeTop: false, pooling: 'avg', inputShape: [96, 96, 3], alpha: 0.35 });
 */
export async function mobileNetV2(options: MobileNetV2Options = {}): Promise<Model> {
  const { alpha = 1, ...rest } = options;
  if (!(alpha > 0)) throw new ConfigError(`mobilenetv2: alpha must be > 0, got ${alpha}.`);
  const rows = options.inputShape?.[0] ?? 224;
  return buildApplication(
    {
      name: `mobilenetv2_${alpha.toFixed(2)}_${rows}`,
      defaultSize: 224,
      minSize: 32,
      base(x) {
        let y = conv2d({
          filters: makeDivisible(32 * alpha, 8),
          kernelSize: 3,
          strides: 2,
          padding: 'same',
          useBias: false,
          name: 'Conv1',
        }).apply(x);
        y = bn('bn_Conv1').apply(y);
        y = reLU({ maxValue: 6, name: 'Conv1_relu' }).apply(y);
        for (const [blockId, [filters, stride, expansion]] of BLOCKS.entries())
          y = invertedResBlock(y, { filters, stride, expansion, alpha, blockId });
        const last = alpha > 1 ? makeDivisible(1280 * alpha, 8) : 1280;
        y = conv2d({ filters: last, kernelSize: 1, useBias: false, name: 'Conv_1' }).apply(y);
        y = bn('Conv_1_bn').apply(y);
        return reLU({ maxValue: 6, name: 'out_relu' }).apply(y);
      },
      top: (y, classes, activation, names) =>
        dense({ units: classes, activation, name: 'predictions' }).apply(
          globalAveragePooling2d({ name: names.next('global_average_pooling2d') }).apply(y),
        ),
    },
    rest,
  );
}
