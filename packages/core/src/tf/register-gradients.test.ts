// This file imports the package entry before anything else, as applications do, so that the bundle of
// gradients is evaluated before any other import of tfjs-core.
import { tf } from '../index.js';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { probabilitiesCrossentropyGradConfig } from '../kernels/probabilities-crossentropy.js';
import { registerCoreGradients } from './register-gradients.js';
import { reluGradConfig } from './relu-gradient.js';
import { softmaxGradConfig } from './softmax-gradient.js';

beforeAll(async () => {
  tf.env().set('IS_TEST', true);
  await tf.setBackend('cpu');
});

describe('gradient registration', () => {
  it('differentiates ops whose gradients call chained tensor methods (AddN, Identity)', async () => {
    const a = tf.scalar(2);
    const b = tf.scalar(3);
    const grads = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.addN([tf.square(x), tf.clone(y)]))([a, b]);
    expect(await Promise.all(grads.map((g) => g.data()))).toEqual([
      new Float32Array([4]),
      new Float32Array([1]),
    ]);
    tf.dispose([a, b, ...grads]);
  });

  it("registerCoreGradients() after importing @tensorflow/tfjs-layers makes Softmax's and Relu's gradients core's again", async () => {
    expect(tf.getGradient(tf.Softmax)).toBe(softmaxGradConfig);
    await import('@tensorflow/tfjs-layers');
    const afterImport = [tf.getGradient(tf.Softmax), tf.getGradient(tf.Relu)];
    registerCoreGradients();
    expect(tf.getGradient(tf.Softmax)).toBe(softmaxGradConfig);
    expect(tf.getGradient(tf.Relu)).toBe(reluGradConfig);
    expect(tf.getGradient(probabilitiesCrossentropyGradConfig.kernelName)).toBe(
      probabilitiesCrossentropyGradConfig,
    );
    // (the import put tfjs-core's back: the call above is what restored core's)
    expect(afterImport[0]).not.toBe(softmaxGradConfig);
    expect(afterImport[1]).not.toBe(reluGradConfig);
  });
});
