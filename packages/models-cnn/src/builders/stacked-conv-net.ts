import { ConfigError, type Sequential, sequential } from '@tensorfold/core';
import { conv2d, dense, dropout as dropoutLayer, flatten, maxPooling2d } from '@tensorfold/layers';
import { checkClasses, checkCounts, checkImageShape, checkRate } from './checks.js';

/** Options of {@link stackedConvNet}. */
export interface StackedConvNetOptions {
  /** Conv blocks (conv 3x3 + ReLU, max-pool 2), 1 to 4. Default 3 (the text's best on the test set). */
  blocks?: number;
  /** Filters of each block, at least `blocks` long. Default `[16, 32, 64, 128]` (the text's 16, 32, 64, doubled on). */
  filters?: readonly number[];
  /** Dropout rate before the last dense layer, in [0, 1). Default 0 (the text uses none). */
  dropout?: number;
  /**
   * Convolution padding. Default `'valid'` (the text's). Four valid blocks need images of at least 46 pixels
   * a side: pass `'same'` for 28x28 images.
   */
  padding?: 'valid' | 'same';
  /** Units of the hidden dense layer. Default 128. */
  denseUnits?: number;
  /** Image shape `[height, width, channels]`. Default `[128, 128, 3]` (the text's rock-paper-scissors images). */
  inputShape?: readonly number[];
  /** Number of classes of the softmax output. Default 3 (rock, paper, scissors). */
  numClasses?: number;
  /** Model name. Default `stacked_conv_net_<blocks>`. */
  name?: string;
}

/**
 * The growing conv-block classifier of seed 000's rock-paper-scissors example: 1 to 4 blocks of
 * conv 3x3 (16, 32, 64... filters, ReLU) and max-pool 2, then flatten, dense 128 ReLU and the class layer
 * (softmax here; the text ends on logits with `from_logits=True`, the same loss). The text adds one block at
 * a time and compares test accuracy, with early stopping restoring the best weights.
 * Input `[batch, height, width, channels]`, output `[batch, numClasses]`.
 *
 * @example
 * const model = stackedConvNet({ blocks: 2, inputShape: [28, 28, 1], numClasses: 10, padding: 'same' });
 */
export function stackedConvNet(options: StackedConvNetOptions = {}): Sequential {
  const who = 'stackedConvNet';
  const {
    blocks = 3,
    filters = [16, 32, 64, 128],
    dropout = 0,
    padding = 'valid',
    denseUnits = 128,
    inputShape = [128, 128, 3],
    numClasses = 3,
    name = `stacked_conv_net_${blocks}`,
  } = options;
  if (!Number.isInteger(blocks) || blocks < 1 || blocks > 4)
    throw new ConfigError(`${who}: blocks must be an integer from 1 to 4, got ${blocks}.`);
  checkCounts(filters, 'filters', who);
  if (filters.length < blocks)
    throw new ConfigError(`${who}: ${blocks} blocks need ${blocks} filter counts, got ${filters.length}.`);
  checkRate(dropout, who);
  checkClasses(numClasses, who);
  checkCounts([denseUnits], 'denseUnits', who);
  const [h, w, c] = checkImageShape(inputShape, who);
  if (padding !== 'valid' && padding !== 'same')
    throw new ConfigError(`${who}: padding must be 'valid' or 'same', got "${padding}".`);
  // Each valid block takes 2 pixels off and halves (floor); check the image lasts.
  let side = Math.min(h, w);
  for (let b = 0; b < blocks; b++) side = Math.floor((padding === 'valid' ? side - 2 : side) / 2);
  if (side < 1)
    throw new ConfigError(
      `${who}: ${blocks} ${padding} blocks shrink a ${h}x${w} image to nothing; use fewer blocks${padding === 'valid' ? " or padding: 'same'" : ' or larger images'}.`,
    );
  const layers = [];
  for (let b = 0; b < blocks; b++) {
    layers.push(
      conv2d({
        ...(b === 0 ? { inputShape: [h, w, c] } : {}),
        filters: filters[b],
        kernelSize: 3,
        padding,
        activation: 'relu',
        name: `conv${b + 1}`,
      }),
      maxPooling2d({ poolSize: 2, name: `pool${b + 1}` }),
    );
  }
  layers.push(flatten({ name: 'flatten' }), dense({ units: denseUnits, activation: 'relu', name: 'dense' }));
  if (dropout > 0) layers.push(dropoutLayer({ rate: dropout, name: 'dropout' }));
  layers.push(dense({ units: numClasses, activation: 'softmax', name: 'output' }));
  return sequential({ name, layers });
}
