import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../init-backend.js';
import {
  ADDED_WASM_KERNELS,
  REPLACED_WASM_KERNELS,
  registerWasmKernels,
  unregisterWasmKernels,
  WRAPPED_WASM_KERNELS,
} from './register-kernels.js';

describe('registerWasmKernels', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('registers every added, replaced and wrapped kernel, and is a no-op the second time', () => {
    registerWasmKernels();
    const names = [
      ...ADDED_WASM_KERNELS.map((k) => k.kernelName),
      ...REPLACED_WASM_KERNELS.map((k) => k.kernelName),
      ...WRAPPED_WASM_KERNELS,
    ];
    const before = names.map((name) => tf.getKernel(name, 'wasm'));
    expect(before.every((k) => k != null)).toBe(true);
    expect(registerWasmKernels()).toEqual([]);
    expect(names.map((name) => tf.getKernel(name, 'wasm'))).toEqual(before);
  });

  it('unregisterWasmKernels puts the stock kernels back, and registering again restores ours', () => {
    registerWasmKernels();
    const ours = tf.getKernel('BatchMatMul', 'wasm');
    expect(unregisterWasmKernels().sort()).toEqual(
      [
        ...ADDED_WASM_KERNELS.map((k) => k.kernelName),
        ...REPLACED_WASM_KERNELS.map((k) => k.kernelName),
        ...WRAPPED_WASM_KERNELS,
      ].sort(),
    );
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    expect(tf.getKernel('BatchMatMul', 'wasm')).not.toBe(ours);
    // Restored stock kernels that this package replaced before the backend started still run.
    const dx = tf
      .engine()
      .runKernel(
        'Conv2DBackpropInput',
        { dy: tf.ones([1, 2, 2, 1]), filter: tf.ones([2, 2, 1, 1]) },
        { inputShape: [1, 3, 3, 1], strides: [1, 1], pad: 'valid', dataFormat: 'NHWC' },
      ) as tf.Tensor;
    expect(Array.from(dx.dataSync())).toEqual([1, 2, 1, 2, 4, 2, 1, 2, 1]);
    const grad = tf.grad((x: tf.Tensor) => tf.sum(tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid')));
    expect(Array.from(grad(tf.tensor4d([1, 5, 3, 2], [1, 2, 2, 1])).dataSync())).toEqual([0, 1, 0, 0]);
    expect(tf.getKernel('BatchMatMul', 'wasm')).toBeDefined();
    expect(unregisterWasmKernels()).toEqual([]);
    expect(registerWasmKernels().length).toBeGreaterThan(0);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });

  it('does not leak: backend memory is stable over 100 convnet training steps on WASM', async () => {
    // A small convnet written with raw ops so that every added kernel runs: conv2d (filter gradient),
    // depthwise conv (both gradients), max pool (gradient), embedding-style gather (segment sum),
    // dense with transposed matMuls.
    const rand = (shape: number[], seed: number) =>
      tf.variable(tf.randomUniform(shape, -0.3, 0.3, 'float32', seed));
    const conv = rand([3, 3, 1, 4], 1);
    const depthwise = rand([3, 3, 4, 2], 2);
    const dense = rand([4 * 4 * 8, 10], 3);
    const table = rand([20, 8 * 8], 4);
    const x = tf.randomUniform([8, 8, 8, 1], 0, 1, 'float32', 5);
    const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], 'int32'), 10);
    const tokens = tf.tensor1d([1, 4, 4, 9, 0, 19, 3, 3], 'int32');
    const step = () =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => {
          const embedded = tf.reshape(tf.gather(table, tokens), [8, 8, 8, 1]);
          let h = tf.relu(tf.conv2d(tf.add(x, embedded) as tf.Tensor4D, conv as tf.Tensor4D, 1, 'same'));
          h = tf.depthwiseConv2d(h as tf.Tensor4D, depthwise as tf.Tensor4D, 1, 'same');
          h = tf.maxPool(h as tf.Tensor4D, 2, 2, 'valid');
          const logits = tf.matMul(tf.reshape(h, [8, -1]), dense);
          return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
        });
        for (const [name, g] of Object.entries(grads)) {
          const v = [conv, depthwise, dense, table].find((w) => w.name === name)!;
          v.assign(tf.sub(v, tf.mul(g, 0.1)));
        }
        return value;
      });
    const losses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const loss = step();
      losses.push((await loss.data())[0]);
      loss.dispose();
    }
    const tensors = tf.memory().numTensors;
    const bytes = tf.memory().numBytes;
    const dataIds = tf.engine().backend.numDataIds();
    for (let i = 0; i < 100; i++) {
      const loss = step();
      if (i === 99) losses.push((await loss.data())[0]);
      loss.dispose();
    }
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.memory().numBytes).toBe(bytes);
    expect(tf.engine().backend.numDataIds()).toBe(dataIds);
    expect(losses.at(-1)!).toBeLessThan(losses[0]);
    tf.dispose([conv, depthwise, dense, table, x, labels, tokens]);
  });
});
