import { ConfigError, type Sequential, sequential } from '@tensorfold/core';
import { conv2d, dense, flatten, maxPooling2d } from '@tensorfold/layers';

/** Options of {@link lenet5}. */
export interface LeNet5Options {
  /**
   * Which LeNet-5:
   * - `'compact'` (default): the network of the lecture slides (seed 004) for 28x28 digits: conv 8@3x3 same,
   *   max-pool 2, conv 16@5x5 valid, max-pool 2, dense 120, dense 84, dense 10; 62,430 parameters.
   * - `'classic'`: LeCun et al. (1998) as the FITPED course builds it (seed 003) for 32x32 inputs (MNIST
   *   padded by 2): conv 6@5x5 valid, max-pool 2, conv 16@5x5 valid, max-pool 2, dense 120, dense 84, dense 10;
   *   61,706 parameters.
   */
  variant?: 'compact' | 'classic';
  /** Number of classes of the softmax output. Default 10. */
  numClasses?: number;
  /** Channels of the input images. Default 1 (grayscale). */
  channels?: number;
  /** Activation of the hidden layers. Default `'relu'` (the 1998 paper used scaled tanh). */
  activation?: string;
  /** Model name. Default `lenet5`. */
  name?: string;
}

/** The first convolution of each variant (input side, filters, kernel, padding): where the two differ. */
const FIRST_CONV = {
  compact: { size: 28, filters: 8, kernelSize: 3, padding: 'same' },
  classic: { size: 32, filters: 6, kernelSize: 5, padding: 'valid' },
} as const;

/**
 * LeNet-5, the convolutional network of LeCun et al. for handwritten digits, as a sequential model ready to
 * compile. Input `[batch, 28, 28, channels]` (`'compact'`) or `[batch, 32, 32, channels]` (`'classic'`),
 * output class probabilities `[batch, numClasses]`.
 *
 * @example
 * const model = lenet5();
 * model.summary(); // 80 + 3,216 + 48,120 + 10,164 + 850 = 62,430 parameters
 * model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
 */
export function lenet5(options: LeNet5Options = {}): Sequential {
  const {
    variant = 'compact',
    numClasses = 10,
    channels = 1,
    activation = 'relu',
    name = 'lenet5',
  } = options;
  if (!Number.isInteger(numClasses) || numClasses < 2)
    throw new ConfigError(`numClasses must be an integer >= 2, got ${numClasses}.`);
  if (!Number.isInteger(channels) || channels < 1)
    throw new ConfigError(`channels must be a positive integer, got ${channels}.`);
  const head = [
    flatten({ name: 'flatten' }),
    dense({ units: 120, activation, name: 'f5' }),
    dense({ units: 84, activation, name: 'f6' }),
    dense({ units: numClasses, activation: 'softmax', name: 'output' }),
  ];
  if (!Object.hasOwn(FIRST_CONV, variant))
    throw new ConfigError(`Unknown LeNet-5 variant "${variant}"; use 'compact' or 'classic'.`);
  const first = FIRST_CONV[variant];
  return sequential({
    name,
    layers: [
      conv2d({
        inputShape: [first.size, first.size, channels],
        filters: first.filters,
        kernelSize: first.kernelSize,
        padding: first.padding,
        activation,
        name: 'c1',
      }),
      maxPooling2d({ poolSize: 2, strides: 2, name: 's2' }),
      conv2d({ filters: 16, kernelSize: 5, padding: 'valid', activation, name: 'c3' }),
      maxPooling2d({ poolSize: 2, strides: 2, name: 's4' }),
      ...head,
    ],
  });
}
