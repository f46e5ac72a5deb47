import * as tf from '@tensorflow/tfjs-core';
import { describe, it } from 'vitest';
import { backendsForTests } from '../testing.js';
import { expectWebgpuMatchesCpu } from './test-utils/compare-with-cpu.js';

const hasWebgpu = (await backendsForTests()).includes('webgpu');

const ramp = (shape: number[]) =>
  tf.tensor(
    Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => ((i * 7) % 13) / 4 - 1.5),
    shape,
  );

// Stock tfjs-backend-webgpu 4.22 throws "no overload matched for createBuffer" (a NaN buffer size)
// or binds a buffer of 0 bytes (an invalid bind group, read as zeros) for all of these.
describe.skipIf(!hasWebgpu)('WebGPU programs with empty inputs and non-empty outputs', () => {
  const empty = () => tf.add(tf.zeros([3, 0, 2]), 1);
  const cases: Array<[string, () => tf.Tensor | tf.Tensor[]]> = [
    ['sum over an empty axis', () => tf.sum(empty(), 1)],
    ['sum of every element of an empty tensor', () => tf.sum(empty())],
    ['mean over an empty axis', () => tf.mean(empty(), [0, 1], true)],
    ['prod over an empty axis', () => tf.prod(empty(), 1)],
    [
      'max and min over an empty axis (NaN, as on the CPU backend)',
      () => [tf.max(empty(), 1), tf.min(empty(), 1)],
    ],
    ['argMax over an empty axis', () => tf.argMax(empty(), 1)],
    ['sum of an empty int32 tensor', () => tf.sum(tf.cast(empty(), 'int32'), 1)],
    [
      'all and any over an empty axis',
      () => [tf.all(tf.cast(empty(), 'bool'), 1), tf.any(tf.cast(empty(), 'bool'), 1)],
    ],
    [
      'matMul with an inner size of 0 (zeros)',
      () => tf.matMul(tf.add(tf.zeros([3, 0]), 1), tf.add(tf.zeros([0, 4]), 1)),
    ],
    [
      'gradients of an empty tensor through relu, tanh and a product',
      () => tf.grads((x: tf.Tensor) => tf.sum(tf.mul(tf.relu(x), tf.tanh(x))))([empty()]),
    ],
    [
      'gradient of a gather of no indices (UnsortedSegmentSum of nothing: zeros)',
      () => tf.grad((x: tf.Tensor) => tf.sum(tf.gather(x, tf.tensor1d([], 'int32'), 1)))(ramp([3, 4])),
    ],
    [
      'addN of empty tensors, and its gradient',
      () => tf.grad((x: tf.Tensor) => tf.sum(tf.addN([x, x, x])))(empty()),
    ],
  ];
  for (const [name, f] of cases) {
    it(`${name} matches the CPU backend`, async () => {
      await expectWebgpuMatchesCpu(f);
    });
  }
});

// Stock tfjs-backend-webgpu 4.22 throws "Size(100) must match the product of shape 0,25,4" for a
// Conv2D of zero images (its im2col path); see empty-batch.ts.
describe.skipIf(!hasWebgpu)('WebGPU convolutions of an empty batch', () => {
  const images = () => tf.add(tf.zeros([0, 5, 5, 2]), 1) as tf.Tensor4D;
  const filter = () => ramp([3, 3, 2, 4]) as tf.Tensor4D;
  const cases: Array<[string, () => tf.Tensor | tf.Tensor[]]> = [
    ['conv2d (empty [0, 5, 5, 4])', () => tf.conv2d(images(), filter(), 1, 'same')],
    ['conv2d at stride 2, valid', () => tf.conv2d(images(), filter(), 2, 'valid')],
    [
      'fused conv2d with bias and relu',
      () =>
        tf.fused.conv2d({
          x: images(),
          filter: filter(),
          strides: 1,
          pad: 'same',
          bias: tf.ones([4]),
          activation: 'relu',
        }),
    ],
    [
      'gradients with respect to the images (empty) and the filter (zeros)',
      () =>
        tf.grads((x: tf.Tensor, f: tf.Tensor) =>
          tf.sum(tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'same')),
        )([images(), filter()]),
    ],
    [
      'depthwise conv2d, pooling and resize',
      () => [
        tf.depthwiseConv2d(images(), ramp([3, 3, 2, 1]) as tf.Tensor4D, 1, 'same'),
        tf.maxPool(images(), 2, 2, 'valid'),
        tf.image.resizeBilinear(images(), [10, 10]),
      ],
    ],
  ];
  for (const [name, f] of cases) {
    it(`${name} matches the CPU backend`, async () => {
      await expectWebgpuMatchesCpu(f);
    });
  }
});
