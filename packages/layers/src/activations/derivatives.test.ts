// The activations of seed 004's slides, their derivatives (tfjs's autodiff, or the custom zero gradient
// of step and sign) checked against central finite differences of the functions themselves.
import { tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from '../test-utils/setup.js';
import { type ActivationFunction, activations } from './index.js';

beforeAll(useCpu);

/** Half-width of the central difference: float32 values, so not smaller. */
const H = 1e-2;

/** Points at least 2H from every kink or jump (0 for step, sign, relu, leaky relu, elu). */
const POINTS = [-4, -2.5, -1.3, -0.6, -0.2, -0.05, 0.05, 0.3, 0.9, 1.7, 3.1, 4.5];

const elementWise: Record<string, () => ActivationFunction> = {
  step: () => activations.step(),
  sign: () => activations.sign(),
  linear: () => activations.linear(),
  sigmoid: () => activations.sigmoid(),
  tanh: () => activations.tanh(),
  relu: () => activations.relu(),
  leakyRelu: () => activations.leakyRelu({ alpha: 0.01 }),
  elu: () => activations.elu(),
  softplus: () => activations.softplus(),
};

async function read(t: tf.Tensor): Promise<number[]> {
  const v = Array.from(await t.data());
  t.dispose();
  return v;
}

describe('activation derivatives against finite differences', () => {
  it.each(Object.keys(elementWise))('%s', async (name) => {
    const act = elementWise[name]();
    const before = tf.memory().numTensors;
    const x = tf.tensor1d(POINTS, 'float32');
    const analytic = await read(tf.grad((v: tf.Tensor) => tf.sum(act.apply(v)))(x));
    const up = await read(tf.tidy(() => act.apply(tf.add(x, H))));
    const down = await read(tf.tidy(() => act.apply(tf.sub(x, H))));
    x.dispose();
    for (const [i, z] of POINTS.entries()) {
      const numeric = (up[i] - down[i]) / (2 * H);
      // Central differences err by about f'''(z) H² / 6 plus float32 rounding / H.
      expect(
        Math.abs(analytic[i] - numeric),
        `${name}'(${z}): autodiff ${analytic[i]}, finite difference ${numeric}`,
      ).toBeLessThan(2e-3 + 2e-3 * Math.abs(numeric));
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('softmax: the Jacobian-vector product matches finite differences along every input', async () => {
    const act = activations.softmax();
    const before = tf.memory().numTensors;
    const x = tf.tensor2d([
      [0.3, -1.2, 2.0, 0.7],
      [-0.5, 0.1, 0.4, -2.2],
    ]);
    // A fixed weighting of the outputs, so the loss depends on every output: L = Σ softmax(x) ⊙ r.
    const r = tf.tensor2d([
      [0.9, -0.4, 0.3, 1.1],
      [-0.7, 0.5, 1.3, -0.2],
    ]);
    const loss = (v: tf.Tensor) => tf.sum(tf.mul(act.apply(v), r));
    const analytic = await read(tf.grad(loss)(x));
    const base = await x.data();
    for (let k = 0; k < base.length; k++) {
      const shifted = (d: number) => {
        const values = Float32Array.from(base);
        values[k] += d;
        return tf.tidy(() => loss(tf.tensor2d(values, [2, 4])));
      };
      const numeric = ((await read(shifted(H)))[0] - (await read(shifted(-H)))[0]) / (2 * H);
      expect(Math.abs(analytic[k] - numeric), `∂L/∂x[${k}]`).toBeLessThan(2e-3);
    }
    tf.dispose([x, r]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
