import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from '../test-utils/setup.js';
import { activations, getActivation, serializeActivation } from './index.js';

beforeAll(useCpu);

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const erf = (z: number) => {
  // Abramowitz-Stegun 7.1.26 is too coarse; integrate instead (Simpson, 2000 steps).
  const n = 2000;
  const h = z / n;
  let s = 0;
  for (let i = 0; i <= n; i++) {
    const w = i === 0 || i === n ? 1 : i % 2 ? 4 : 2;
    s += w * Math.exp(-((i * h) ** 2));
  }
  return ((2 / Math.sqrt(Math.PI)) * s * h) / 3;
};

/** name -> [function of one value, derivative] (softmax handled separately). */
const scalar: Record<string, [(z: number) => number, (z: number) => number]> = {
  linear: [(z) => z, () => 1],
  relu: [(z) => Math.max(0, z), (z) => (z > 0 ? 1 : 0)],
  relu6: [(z) => Math.min(Math.max(0, z), 6), (z) => (z > 0 && z < 6 ? 1 : 0)],
  leakyRelu: [(z) => (z > 0 ? z : 0.2 * z), (z) => (z > 0 ? 1 : 0.2)],
  generalizedRelu: [(z) => Math.max(0, z), (z) => (z > 0 ? 1 : 0)],
  absoluteValueRectification: [(z) => Math.abs(z), (z) => Math.sign(z)],
  elu: [(z) => (z > 0 ? z : Math.expm1(z)), (z) => (z > 0 ? 1 : Math.exp(z))],
  selu: [
    (z) => 1.0507009873554805 * (z > 0 ? z : 1.6732632423543772 * Math.expm1(z)),
    (z) => 1.0507009873554805 * (z > 0 ? 1 : 1.6732632423543772 * Math.exp(z)),
  ],
  sigmoid: [sigmoid, (z) => sigmoid(z) * (1 - sigmoid(z))],
  hardSigmoid: [(z) => Math.min(1, Math.max(0, 0.2 * z + 0.5)), (z) => (Math.abs(z) < 2.5 ? 0.2 : 0)],
  tanh: [Math.tanh, (z) => 1 - Math.tanh(z) ** 2],
  softplus: [(z) => Math.log1p(Math.exp(z)), sigmoid],
  softsign: [(z) => z / (1 + Math.abs(z)), (z) => 1 / (1 + Math.abs(z)) ** 2],
  swish: [(z) => z * sigmoid(z), (z) => sigmoid(z) + z * sigmoid(z) * (1 - sigmoid(z))],
  gelu: [
    (z) => 0.5 * z * (1 + erf(z / Math.SQRT2)),
    (z) => 0.5 * (1 + erf(z / Math.SQRT2)) + (z * Math.exp(-(z * z) / 2)) / Math.sqrt(2 * Math.PI),
  ],
  mish: [
    (z) => z * Math.tanh(Math.log1p(Math.exp(z))),
    (z) => {
      const t = Math.tanh(Math.log1p(Math.exp(z)));
      return t + z * (1 - t * t) * sigmoid(z);
    },
  ],
  step: [(z) => (z >= 0 ? 1 : 0), () => 0],
  heaviside: [(z) => (z >= 0 ? 1 : 0), () => 0],
  sign: [(z) => (z >= 0 ? 1 : -1), () => 0],
  piecewiseLinear: [(z) => Math.min(1, Math.max(-1, 2 * z)), (z) => (Math.abs(z) < 0.5 ? 2 : 0)],
};

// Points away from every kink (0, ±0.5, ±2.5, 6), including 0 itself for the step functions' value.
const points = [-7, -3.2, -1.3, -0.7, -0.3, -0.05, 0.05, 0.2, 0.45, 0.8, 1.7, 3, 5.5, 7.5];

describe('activations', () => {
  it('compute their formulas and derivatives, by name', async () => {
    const x = tf.tensor1d(points);
    for (const [name, [f, df]] of Object.entries(scalar)) {
      const act = getActivation(name);
      const y = Array.from(await act.apply(x).data());
      const g = Array.from(
        await tf
          .grad((v: tf.Tensor) => tf.sum(act.apply(v)))(x)
          .data(),
      );
      points.forEach((z, i) => {
        expect(y[i], `${name}(${z})`).toBeCloseTo(f(z), 5);
        expect(g[i], `${name}'(${z})`).toBeCloseTo(df(z), 4);
      });
    }
  });

  it('step and sign map 0 to the upper level, as the texts define them', async () => {
    const x = tf.tensor1d([-1e-6, 0, 1e-6]);
    expect(Array.from(await getActivation('step').apply(x).data())).toEqual([0, 1, 1]);
    expect(Array.from(await getActivation('sign').apply(x).data())).toEqual([-1, 1, 1]);
    expect(
      Array.from(
        await activations
          .step({ threshold: 2 })
          .apply(tf.tensor1d([1.9, 2]))
          .data(),
      ),
    ).toEqual([0, 1]);
  });

  it('softmax and logSoftmax work along the last axis', async () => {
    const x = tf.tensor2d([
      [1, 2, 3],
      [0, 0, 0],
    ]);
    const p = await getActivation('softmax').apply(x).array();
    const z = Math.exp(1) + Math.exp(2) + Math.exp(3);
    expect((p as number[][])[0][2]).toBeCloseTo(Math.exp(3) / z, 6);
    expect((p as number[][])[1]).toEqual([1 / 3, 1 / 3, 1 / 3].map((v) => expect.closeTo(v, 6)));
    const lp = (await getActivation('logSoftmax').apply(x).array()) as number[][];
    expect(lp[0][0]).toBeCloseTo(1 - Math.log(z), 5);
  });

  it('the generalized rectifier covers relu, leaky relu and absolute value rectification', async () => {
    const x = tf.tensor1d([-2, 3]);
    expect(Array.from(await activations.generalizedRelu().apply(x).data())).toEqual([0, 3]);
    expect(Array.from(await activations.generalizedRelu({ alpha: 0.1 }).apply(x).data())).toEqual(
      [-0.2, 3].map((v) => expect.closeTo(v, 6)),
    );
    expect(Array.from(await activations.generalizedRelu({ alpha: -1 }).apply(x).data())).toEqual([2, 3]);
  });

  it('match tfjs-layers activations where both exist', async () => {
    const x = tf.linspace(-6, 6, 49);
    for (const name of [
      'elu',
      'selu',
      'relu',
      'relu6',
      'linear',
      'sigmoid',
      'hardSigmoid',
      'softplus',
      'softsign',
      'tanh',
      'softmax',
      'logSoftmax',
      'swish',
      'gelu',
      'mish',
    ]) {
      const theirs = tfl.layers.activation({ activation: name as never }).apply(x) as tf.Tensor;
      const ours = getActivation(name).apply(x);
      const d = (await tf.max(tf.abs(tf.sub(ours, theirs))).data())[0];
      expect(d, name).toBeLessThan(2e-5);
    }
  });

  it('serialize to a name when they have no options, else to {className, config}, and resolve back', () => {
    expect(serializeActivation(getActivation('relu'))).toBe('relu');
    expect(serializeActivation(getActivation('hard_sigmoid'))).toBe('hardSigmoid');
    const leaky = serializeActivation(activations.leakyRelu({ alpha: 0.3 }));
    expect(leaky).toEqual({ className: 'leakyRelu', config: { alpha: 0.3 } });
    expect(serializeActivation(getActivation(leaky))).toEqual(leaky);
    expect(serializeActivation(getActivation('absoluteValueRectification'))).toEqual({
      className: 'generalizedRelu',
      config: { alpha: -1 },
    });
    expect(getActivation(null).className).toBe('linear');
    expect(() => getActivation('relu7')).toThrow(ConfigError);
    expect(() => getActivation('relu7')).toThrow(/Known activations: .*relu6/);
    expect(() => activations.piecewiseLinear({ threshold: 0 })).toThrow(ConfigError);
  });

  it('elu with another alpha is differentiable', async () => {
    const act = activations.elu({ alpha: 0.5 });
    const g = Array.from(
      await tf
        .grad((v: tf.Tensor) => tf.sum(act.apply(v)))(tf.tensor1d([-1, 2]))
        .data(),
    );
    expect(g[0]).toBeCloseTo(0.5 * Math.exp(-1), 5);
    expect(g[1]).toBe(1);
  });

  it('report how gradients pass through them', () => {
    expect(activations.step().gradient).toBe('zero');
    expect(activations.sign().gradient).toBe('zero');
    expect(activations.relu().gradient).toBe('kinked');
    expect(activations.tanh().gradient).toBe('smooth');
  });
});
