import { type Sequential, sequential } from '@tensorfold/core';
import {
  activation,
  batchNormalization,
  conv2d,
  dense,
  dropout as dropoutLayer,
  flatten,
  maxPooling2d,
} from '@tensorfold/layers';
import { checkClasses, checkCounts, checkImageShape, checkRate } from './checks.js';

/** Options of {@link vggSmall}. */
export interface VggSmallOptions {
  /**
   * Filters of each block (two 3x3 convs, then max-pool 2). Default `[32, 64, 128]`. The cost grows with the
   * square of the widths: `[16, 32, 64]` does a quarter of the work and trained 3.3x faster here (WASM, 1
   * thread, batch 64: 426 against 127 samples/s), the width to try first where time is short.
   */
  filters?: readonly number[];
  /** Batch normalization after each convolution (before ReLU). Default true. */
  batchNorm?: boolean;
  /**
   * Dropout after each block, in [0, 1); the head uses `min(2 * dropout, 0.5)`. Default 0.25. On Fashion-MNIST at
   * filters `[16, 32, 64]` the default underfits in 12 epochs (92.78% test accuracy); 0.1 for 15 epochs reached
   * 93.77% (BENCHMARKS.md, `tensorfold train vggsmall --dropout 0.1`).
   */
  dropout?: number;
  /** Units of the hidden dense layer. Default 256. */
  denseUnits?: number;
  /** Image shape `[height, width, channels]`. Default `[28, 28, 1]` (Fashion-MNIST). */
  inputShape?: readonly number[];
  /** Number of classes. Default 10. */
  numClasses?: number;
  /** Model name. Default `vgg_small`. */
  name?: string;
}

/**
 * A small VGG: the design of VGG-16/19 (seed 004: stacks of 3x3 convolutions, doubling the filters after each
 * 2x2 max-pool, then dense layers) scaled to 28x28 or 32x32 images, with the batch normalization and dropout
 * that seed 002 (ch. 5 and 7) adds to make small data train. Blocks `conv-BN-ReLU x2, max-pool, dropout`;
 * head `flatten, dense-BN-ReLU, dropout, softmax`. Layer names follow Keras's VGG (`block1_conv1`...).
 * Input `[batch, height, width, channels]`, output `[batch, numClasses]`.
 *
 * @example
 * const model = vggSmall(); // Fashion-MNIST: 28x28x1, 10 classes
 */
export function vggSmall(options: VggSmallOptions = {}): Sequential {
  const who = 'vggSmall';
  const {
    filters = [32, 64, 128],
    batchNorm = true,
    dropout = 0.25,
    denseUnits = 256,
    inputShape = [28, 28, 1],
    numClasses = 10,
    name = 'vgg_small',
  } = options;
  checkCounts(filters, 'filters', who);
  checkCounts([denseUnits], 'denseUnits', who);
  checkRate(dropout, who);
  checkClasses(numClasses, who);
  const shape = checkImageShape(inputShape, who);
  const layers = [];
  for (const [i, f] of filters.entries()) {
    const block = `block${i + 1}`;
    for (const j of [1, 2]) {
      layers.push(
        conv2d({
          ...(layers.length === 0 ? { inputShape: shape } : {}),
          filters: f,
          kernelSize: 3,
          padding: 'same',
          useBias: !batchNorm,
          activation: batchNorm ? 'linear' : 'relu',
          kernelInitializer: 'heNormal',
          name: `${block}_conv${j}`,
        }),
      );
      if (batchNorm)
        layers.push(
          batchNormalization({ name: `${block}_bn${j}` }),
          activation({ activation: 'relu', name: `${block}_relu${j}` }),
        );
    }
    layers.push(maxPooling2d({ poolSize: 2, name: `${block}_pool` }));
    if (dropout > 0) layers.push(dropoutLayer({ rate: dropout, name: `${block}_dropout` }));
  }
  layers.push(
    flatten({ name: 'flatten' }),
    dense({ units: denseUnits, useBias: !batchNorm, activation: batchNorm ? 'linear' : 'relu', name: 'fc1' }),
  );
  if (batchNorm)
    layers.push(batchNormalization({ name: 'fc1_bn' }), activation({ activation: 'relu', name: 'fc1_relu' }));
  if (dropout > 0) layers.push(dropoutLayer({ rate: Math.min(2 * dropout, 0.5), name: 'fc1_dropout' }));
  layers.push(dense({ units: numClasses, activation: 'softmax', name: 'predictions' }));
  return sequential({ name, layers });
}
