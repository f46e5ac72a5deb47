import { type Sequential, sequential } from '@tensorfold/core';
import { conv2d, dense, flatten, maxPooling2d } from '@tensorfold/layers';

/** Where the shipped weights of {@link digitsBase} lie, relative to this package's root. */
export const DIGITS_BASE_PATH = 'pretrained/digits-0-4';

/**
 * The small convnet of the shipped pretrained base: three blocks of conv 3x3 (16, 32, 32 filters, same
 * padding, ReLU) and max-pool 2 (`c1`...`c3`, `p1`...`p3`), then flatten, dense 64 (`features`) and a
 * 5-way softmax (`digits`); 32,869 parameters on 28x28x1 images. `scripts/train-digits-base.ts` trains it
 * on the MNIST digits 0 to 4 only, so digits 5 to 9 and Fashion-MNIST stay unseen for transfer.
 */
export function digitsBase(): Sequential {
  const conv = (filters: number, n: number) =>
    conv2d({
      ...(n === 1 ? { inputShape: [28, 28, 1] } : {}),
      filters,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      name: `c${n}`,
    });
  return sequential({
    name: 'digits_base',
    layers: [
      conv(16, 1),
      maxPooling2d({ poolSize: 2, name: 'p1' }),
      conv(32, 2),
      maxPooling2d({ poolSize: 2, name: 'p2' }),
      conv(32, 3),
      maxPooling2d({ poolSize: 2, name: 'p3' }),
      flatten({ name: 'flatten' }),
      dense({ units: 64, activation: 'relu', name: 'features' }),
      dense({ units: 5, activation: 'softmax', name: 'digits' }),
    ],
  });
}
