/**
 * The parity cases of the 3D kernels (`conv3d`, `conv3dTranspose`, `maxPool3d`, `avgPool3d` and their
 * gradients: Conv3D, Conv3DBackpropInputV2, Conv3DBackpropFilterV2, MaxPool3D, MaxPool3DGrad,
 * AvgPool3D, AvgPool3DGrad), appended to `KERNEL_CASES`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelCase } from './kernel-cases.js';

const t5 = (x: tf.Tensor) => x as tf.Tensor5D;

export const KERNEL_CASES_3D: KernelCase[] = [
  {
    name: 'conv3d same',
    inputs: [
      [2, 4, 5, 4, 2],
      [2, 3, 2, 2, 3],
    ],
    run: (x, f) => tf.conv3d(t5(x), t5(f), 1, 'same'),
  },
  {
    name: 'conv3d valid strides [2, 1, 2]',
    inputs: [
      [2, 5, 4, 6, 3],
      [3, 2, 2, 3, 4],
    ],
    run: (x, f) => tf.conv3d(t5(x), t5(f), [2, 1, 2], 'valid'),
  },
  {
    name: 'conv3d same stride 2, 8 channels',
    inputs: [
      [2, 5, 6, 5, 8],
      [3, 3, 3, 8, 4],
    ],
    run: (x, f) => tf.conv3d(t5(x), t5(f), 2, 'same'),
    slack: 2,
  },
  // tfjs-core has no gradient for dilated convolutions, nor for Conv3DBackpropInputV2 (conv3dTranspose).
  {
    name: 'conv3d dilations [2, 1, 2] (forward)',
    inputs: [
      [1, 6, 5, 6, 2],
      [2, 3, 2, 2, 3],
    ],
    run: (x, f) => tf.conv3d(t5(x), t5(f), 1, 'same', 'NDHWC', [2, 1, 2]),
    grad: false,
  },
  {
    name: 'conv3dTranspose stride 2 same (forward)',
    inputs: [
      [2, 3, 3, 2, 4],
      [3, 3, 2, 2, 4],
    ],
    run: (x, f) => tf.conv3dTranspose(t5(x), t5(f), [2, 6, 6, 4, 2], 2, 'same'),
    grad: false,
  },
  {
    name: 'maxPool3d 2x2x2 stride 1 same',
    inputs: [[2, 4, 4, 4, 2]],
    run: (x) => tf.maxPool3d(t5(x), 2, 1, 'same'),
  },
  {
    name: 'maxPool3d [2, 3, 2] strides [1, 2, 1] same',
    inputs: [[2, 4, 5, 6, 3]],
    run: (x) => tf.maxPool3d(t5(x), [2, 3, 2], [1, 2, 1], 'same'),
  },
  {
    name: 'maxPool3d 3x3x3 stride 2 valid',
    inputs: [[1, 7, 5, 6, 4]],
    run: (x) => tf.maxPool3d(t5(x), 3, 2, 'valid'),
  },
  {
    name: 'avgPool3d 2x2x2 stride 2 valid',
    inputs: [[2, 4, 6, 4, 3]],
    run: (x) => tf.avgPool3d(t5(x), 2, 2, 'valid'),
  },
  {
    name: 'avgPool3d [3, 2, 3] stride 2 same',
    inputs: [[1, 5, 4, 7, 2]],
    run: (x) => tf.avgPool3d(t5(x), [3, 2, 3], 2, 'same'),
  },
];
