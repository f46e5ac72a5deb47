// Chained tensor methods, as TensorFlow.js users type them. tfjs-core alone registers none of them
// ("x.slice is not a function"); importing @tensorfold/core must.
import { tf } from '../index.js';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';

beforeAll(async () => {
  tf.env().set('IS_TEST', true);
  await tf.setBackend('cpu');
});

describe('chained tensor methods', () => {
  it('mean, slice, reshape, add, square, sum, transpose, matMul and cast work as methods', async () => {
    const x = tf.tensor2d([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(await x.mean().data()).toEqual(new Float32Array([3.5]));
    expect(await x.mean(0).data()).toEqual(new Float32Array([2.5, 3.5, 4.5]));
    expect(await x.slice([0, 1], [2, 1]).data()).toEqual(new Float32Array([2, 5]));
    expect(x.reshape([3, 2]).shape).toEqual([3, 2]);
    expect(await x.add(1).square().sum().data()).toEqual(new Float32Array([4 + 9 + 16 + 25 + 36 + 49]));
    expect(await x.transpose().matMul(x).data()).toEqual(
      new Float32Array([17, 22, 27, 22, 29, 36, 27, 36, 45]),
    );
    expect(x.cast('int32').dtype).toBe('int32');
    expect(await x.relu().neg().max().data()).toEqual(new Float32Array([-1]));
  });

  it("registers every method of tfjs-core's list on the tensor class", () => {
    const x = tf.scalar(1);
    for (const name of [
      'abs',
      'argMax',
      'clipByValue',
      'concat',
      'expandDims',
      'gather',
      'logSoftmax',
      'oneHot',
      'pad',
      'softmax',
      'split',
      'squeeze',
      'stack',
      'tile',
      'unstack',
      'where',
    ])
      expect(typeof (x as unknown as Record<string, unknown>)[name], name).toBe('function');
    x.dispose();
  });

  it('records gradients through chained calls', async () => {
    const g = tf.grad((x: tf.Tensor) => x.square().mean())(tf.tensor1d([1, 2, 3, 4]));
    expect(Array.from(await g.data())).toEqual([0.5, 1, 1.5, 2]);
  });

  it('leaks nothing inside tidy', () => {
    const x = tf.ones([4, 4]);
    const before = tf.memory().numTensors;
    const y = tf.tidy(() => x.mul(2).slice([0, 0], [2, 2]).mean());
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose([x, y]);
  });
});
