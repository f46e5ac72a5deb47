/**
 * MNIST-style image classification data (MNIST, Fashion-MNIST, any IDX image/label pair).
 */
import { DataError } from '@tensorfold/core';
import type { IdxArray } from './idx.js';
import { bytesToUnitFloats, type LabeledData, labeledData } from './labeled.js';

/** The digits 0 to 9. */
export const MNIST_CLASSES: readonly string[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** Fashion-MNIST's ten classes, in label order. */
export const FASHION_MNIST_CLASSES: readonly string[] = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

/**
 * Labeled images from a parsed IDX image file (`uint8 [n, rows, cols]`) and label file
 * (`uint8 [n]`): images `[n, rows, cols, 1]` scaled to [0, 1], labels as class ids.
 *
 * @throws DataError naming the files when the types, ranks or counts do not match or a label is out of range.
 */
export function imagesFromIdx(
  images: IdxArray,
  labels: IdxArray,
  options: {
    classNames?: readonly string[];
    oneHot?: boolean;
    imagesSource?: string;
    labelsSource?: string;
  } = {},
): LabeledData {
  const imagesSource = options.imagesSource ?? 'the image file';
  const labelsSource = options.labelsSource ?? 'the label file';
  const classNames = options.classNames ?? MNIST_CLASSES;
  if (images.dtype !== 'uint8' || images.shape.length !== 3) {
    throw new DataError(
      `${imagesSource} holds ${images.dtype} [${images.shape.join(', ')}]; MNIST images are uint8 [count, rows, cols]. Are the image and label files swapped?`,
    );
  }
  if (labels.dtype !== 'uint8' || labels.shape.length !== 1) {
    throw new DataError(
      `${labelsSource} holds ${labels.dtype} [${labels.shape.join(', ')}]; MNIST labels are uint8 [count]. Are the image and label files swapped?`,
    );
  }
  if (images.shape[0] !== labels.shape[0]) {
    throw new DataError(
      `${imagesSource} has ${images.shape[0]} images but ${labelsSource} has ${labels.shape[0]} labels; they must come from the same split.`,
    );
  }
  const ids = Int32Array.from(labels.data as Uint8Array);
  return labeledData(
    bytesToUnitFloats(images.data as Uint8Array),
    [images.shape[1], images.shape[2], 1],
    ids,
    classNames,
    {
      oneHot: options.oneHot,
      source: labelsSource,
    },
  );
}
