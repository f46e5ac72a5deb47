// The package entry first, as applications import it (the bundle of gradients is evaluated first).
import { tf } from '../index.js';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CROSSENTROPY_EPSILON,
  PROBABILITIES_CROSSENTROPY,
  probabilitiesCrossentropy,
  probabilitiesCrossentropyGradConfig,
} from './probabilities-crossentropy.js';

/** The loss by stock ops, as Keras's expression. */
function expression(y: tf.Tensor, p: tf.Tensor): tf.Tensor {
  const q = tf.div(p, tf.sum(p, -1, true));
  const clipped = tf.clipByValue(q, CROSSENTROPY_EPSILON, 1 - CROSSENTROPY_EPSILON);
  return tf.neg(tf.sum(tf.mul(y, tf.log(clipped)), -1));
}

// A CPU kernel for the forward pass only (by the expression), so that the gradient registered by core
// takes its stock-op path for the predictions: the path of a backend without the gradient kernel.
beforeAll(async () => {
  tf.env().set('IS_TEST', true);
  await tf.setBackend('cpu');
  tf.registerKernel({
    kernelName: PROBABILITIES_CROSSENTROPY,
    backendName: 'cpu',
    kernelFunc: ({ inputs, backend }) => {
      const { yTrue, yPred } = inputs as { yTrue: tf.Tensor; yPred: tf.Tensor };
      const out = tf.tidy(() => expression(yTrue, yPred));
      const values = out.dataSync() as Float32Array;
      out.dispose();
      const cpu = backend as tf.KernelBackend & {
        makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
      };
      return cpu.makeTensorInfo(yPred.shape.slice(0, -1), 'float32', values);
    },
  });
});
afterAll(() => tf.unregisterKernel(PROBABILITIES_CROSSENTROPY, 'cpu'));

describe("core's PROBABILITIES_CROSSENTROPY", () => {
  it('has its gradient registered when core is imported', () => {
    expect(tf.getGradient(PROBABILITIES_CROSSENTROPY)).toBe(probabilitiesCrossentropyGradConfig);
  });

  it('is not run where the backend lacks the gradient kernel: null, for the caller', () => {
    const p = tf.softmax(tf.randomUniform([3, 4], -1, 1, 'float32', 1));
    expect(probabilitiesCrossentropy(tf.onesLike(p), p)).toBeNull();
    p.dispose();
  });

  it("gradient's stock-op path equals autodiff of the expression (both inputs, the clip cutting)", async () => {
    const y = tf.tidy(() => tf.softmax(tf.randomUniform([4, 5], -2, 2, 'float32', 2)));
    // a row on one class (q = 1, cut), a row with an exact zero (cut), two ordinary rows
    const p = tf.tensor2d([
      [0, 0, 1, 0, 0],
      [0.2, 0, 0.3, 0.4, 0.1],
      [0.1, 0.2, 0.3, 0.2, 0.2],
      [0.5, 0.6, 0.1, 0.2, 0.3],
    ]);
    const dy = tf.tensor1d([1, -2, 0.5, 3]);
    const before = tf.memory().numTensors;
    const byKernel = (a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(
        tf.mul(tf.engine().runKernel(PROBABILITIES_CROSSENTROPY, { yTrue: a, yPred: b }) as tf.Tensor, dy),
      );
    const byOps = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(expression(a, b), dy));
    const got = tf.grads(byKernel)([y, p]);
    const want = tf.grads(byOps)([y, p]);
    for (let i = 0; i < 2; i++) {
      const [g, w] = [await got[i].data(), await want[i].data()];
      for (let k = 0; k < w.length; k++) expect(g[k]).toBeCloseTo(w[k], 4);
    }
    tf.dispose([...got, ...want]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([y, p, dy]);
  });
});
