import { useBackend } from '@tensorfold/backend';
import { PROBABILITIES_CROSSENTROPY, PROBABILITIES_CROSSENTROPY_GRAD, tf } from '@tensorfold/core';
import { afterEach, describe, expect, it } from 'vitest';
import '../index.js';
import { expectClose } from '../test-utils/setup.js';
import { setCrossentropyKernelEnabled } from './categorical-probabilities.js';
import { categoricalCrossentropy } from './crossentropy.js';

afterEach(() => setCrossentropyKernelEnabled(true));

/** The loss's per-sample values and its gradient with respect to the predictions, on WASM. */
async function lossAndGradient(kernel: boolean, labelSmoothing: number) {
  setCrossentropyKernelEnabled(kernel);
  const loss = categoricalCrossentropy({ labelSmoothing });
  const y = tf.oneHot(tf.tensor1d([0, 3, 9, 2, 2, 7], 'int32'), 10).cast('float32');
  // softmax outputs, one row all on one class (the clip cuts it)
  const p = tf.tidy(() =>
    tf.concat([
      tf.softmax(tf.randomUniform([5, 10], -3, 3, 'float32', 4)),
      tf.oneHot([3], 10).cast('float32'),
    ]),
  );
  const v = tf.variable(p);
  const before = tf.memory().numTensors;
  const info = await tf.profile(() => {
    const { value, grads } = tf.variableGrads(() => tf.mean(loss.call(y, v)) as tf.Scalar, [v]);
    return [value, ...Object.values(grads)];
  });
  const [value, dp] = info.result as tf.Tensor[];
  const out = {
    value: Array.from(await value.data()),
    dp: Array.from(await dp.data()),
    kernels: info.kernels.map((k) => k.name),
  };
  tf.dispose([value, dp]);
  const leaked = tf.memory().numTensors - before;
  tf.dispose([y, p, v]);
  return { ...out, leaked };
}

describe('categoricalCrossentropy on WASM, as one kernel forward and one backward', () => {
  it.each([0, 0.1])('equals the written gradient to float tolerance (label smoothing %s)', async (s) => {
    await useBackend('wasm');
    const on = await lossAndGradient(true, s);
    const off = await lossAndGradient(false, s);
    expect(on.kernels).toContain(PROBABILITIES_CROSSENTROPY);
    expect(on.kernels).toContain(PROBABILITIES_CROSSENTROPY_GRAD);
    expect(off.kernels).not.toContain(PROBABILITIES_CROSSENTROPY);
    expect(on.kernels.length).toBeLessThan(off.kernels.length - 20);
    expectClose(on.value, off.value, 1e-6);
    expectClose(on.dp, off.dp, 1e-5);
    expect(on.leaked).toBe(0);
    expect(off.leaked).toBe(0);
  });
});
