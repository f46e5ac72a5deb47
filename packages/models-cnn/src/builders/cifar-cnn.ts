import { type Sequential, sequential } from '@tensorfold/core';
import { conv2d, dense, dropout as dropoutLayer, flatten, maxPooling2d } from '@tensorfold/layers';
import { checkClasses, checkImageShape, checkRate } from './checks.js';

/** Options of {@link cifarCnn}. */
export interface CifarCnnOptions {
  /** Image shape `[height, width, channels]`. Default `[32, 32, 3]` (CIFAR-10). */
  inputShape?: readonly number[];
  /** Number of classes. Default 10. */
  numClasses?: number;
  /** Dropout rate after each pooling and after the dense layer, in [0, 1). Default 0.2 (the text's). */
  dropout?: number;
  /** Model name. Default `cifar_cnn`. */
  name?: string;
}

/**
 * The CIFAR-10 CNN of seed 003 (FITPED course, section 5.5): three Conv-ReLU-Conv-ReLU-MaxPool blocks of 32,
 * 64 and 128 filters (3x3, same padding, `heUniform`), each followed by dropout 0.2, then flatten, dense 128
 * ReLU, dropout and a softmax layer; layers named as in the text (`C1`...`C6`, `P1`...`P3`, `FLATTEN`, `D1`,
 * `OUTPUT`). 550,570 parameters on 32x32x3 images.
 * Input `[batch, 32, 32, 3]`, output `[batch, numClasses]`.
 *
 * @example
 * const model = cifarCnn(); // CIFAR-10
 * const gray = cifarCnn({ inputShape: [28, 28, 1] }); // Fashion-MNIST, the closest data installed here
 */
export function cifarCnn(options: CifarCnnOptions = {}): Sequential {
  const who = 'cifarCnn';
  const { inputShape = [32, 32, 3], numClasses = 10, dropout = 0.2, name = 'cifar_cnn' } = options;
  checkClasses(numClasses, who);
  checkRate(dropout, who);
  const shape = checkImageShape(inputShape, who);
  const conv = (filters: number, n: number, first = false) =>
    conv2d({
      ...(first ? { inputShape: shape } : {}),
      filters,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: 'heUniform',
      name: `C${n}`,
    });
  const drop = (n: number) => dropoutLayer({ rate: dropout, name: `dropout_${n}` });
  return sequential({
    name,
    layers: [
      conv(32, 1, true),
      conv(32, 2),
      maxPooling2d({ poolSize: 2, name: 'P1' }),
      drop(1),
      conv(64, 3),
      conv(64, 4),
      maxPooling2d({ poolSize: 2, name: 'P2' }),
      drop(2),
      conv(128, 5),
      conv(128, 6),
      maxPooling2d({ poolSize: 2, name: 'P3' }),
      drop(3),
      flatten({ name: 'FLATTEN' }),
      dense({ units: 128, activation: 'relu', name: 'D1' }),
      drop(4),
      dense({ units: numClasses, activation: 'softmax', name: 'OUTPUT' }),
    ],
  });
}
