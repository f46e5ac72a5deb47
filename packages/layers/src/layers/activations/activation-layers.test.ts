import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, type Layer, sequential, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkGradients } from '../../test-utils/gradient-check.js';
import { expectLoadsFromTfjs, expectLoadsInTfjs } from '../../test-utils/interop.js';
import { compareWithTfjs } from '../../test-utils/oracle.js';
import { leakedTensors, seededUniform, useCpu } from '../../test-utils/setup.js';
import { expectTrains, testBackends } from '../../test-utils/training.js';
import { dense } from '../core/dense.js';
import {
  ELU,
  elu,
  LeakyReLU,
  leakyReLU,
  PReLU,
  prelu,
  ReLU,
  reLU,
  Softmax,
  softmax,
  ThresholdedReLU,
  thresholdedReLU,
} from './activation-layers.js';

beforeAll(useCpu);

// Values away from the kinks (0, theta = 1, maxValue = 2) for finite differences.
const x = () =>
  tf.tensor2d([
    [-2.5, -0.7, 0.3, 0.8],
    [1.4, 2.6, -1.2, 0.05],
  ]);

describe('activation layers', () => {
  it('have the contract and compute by hand', async () => {
    const cases: Array<[Layer, number[]]> = [
      [reLU(), [0, 0, 0.3, 0.8, 1.4, 2.6, 0, 0.05]],
      [reLU({ maxValue: 2 }), [0, 0, 0.3, 0.8, 1.4, 2, 0, 0.05]],
      [leakyReLU({ alpha: 0.1 }), [-0.25, -0.07, 0.3, 0.8, 1.4, 2.6, -0.12, 0.05]],
      [
        elu({ alpha: 2 }),
        [2 * Math.expm1(-2.5), 2 * Math.expm1(-0.7), 0.3, 0.8, 1.4, 2.6, 2 * Math.expm1(-1.2), 0.05],
      ],
      [thresholdedReLU({ theta: 1 }), [0, 0, 0, 0, 1.4, 2.6, 0, 0]],
    ];
    for (const [layer, expected] of cases) {
      const y = Array.from(await layer.apply(x()).data());
      y.forEach((v, i) => {
        expect(v, `${layer.className}[${i}]`).toBeCloseTo(expected[i], 5);
      });
      const Ctor = layer.constructor as new (c: object) => typeof layer;
      expect(new Ctor(layer.getConfig()).getConfig()).toEqual(layer.getConfig());
      expect(layer.computeOutputShape([null, 4])).toEqual([null, 4]);
    }
    const s = (await softmax({ axis: 0 })
      .apply(
        tf.tensor2d([
          [0, 1],
          [Math.log(3), 1],
        ]),
      )
      .array()) as number[][];
    expect(s[0][0]).toBeCloseTo(0.25, 6);
    expect(s[1][1]).toBeCloseTo(0.5, 6);
    expect(() => leakyReLU({ alpha: Number.NaN })).toThrow(ConfigError);
  });

  it('prelu learns one slope per feature, or per shared group', async () => {
    const p = prelu({ sharedAxes: [1, 2] });
    p.apply(tf.zeros([1, 3, 3, 2])).dispose();
    expect(p.weights.map((w) => [w.name, w.shape])).toEqual([['alpha', [1, 1, 2]]]);
    p.setWeights([tf.tensor3d([[[0.5, -1]]])]);
    const y = Array.from(await p.apply(tf.tensor4d([-2, -2, 3, 3], [1, 1, 2, 2])).data());
    expect(y).toEqual([-1, 2, 3, 3]);
    expect(new PReLU(p.getConfig() as never).getConfig()).toEqual(p.getConfig());
  });

  it('have correct gradients (prelu: for its slopes too)', async () => {
    for (const layer of [
      reLU({ maxValue: 2 }),
      leakyReLU(),
      elu({ alpha: 0.5 }),
      thresholdedReLU(),
      softmax(),
      softmax({ axis: 0 }),
    ]) {
      await checkGradients(layer, x());
    }
    const p = prelu();
    p.apply(x()).dispose();
    p.setWeights([tf.tensor1d([0.2, -0.3, 0.5, 1.5])]);
    await checkGradients(p, x());
  });

  it('match tfjs-layers', async () => {
    const pairs: Array<[() => Layer, () => tfl.layers.Layer]> = [
      [() => new ReLU({ maxValue: 1.5 }), () => tfl.layers.reLU({ maxValue: 1.5 })],
      [() => new LeakyReLU({ alpha: 0.2 }), () => tfl.layers.leakyReLU({ alpha: 0.2 })],
      [() => new ELU({ alpha: 1 }), () => tfl.layers.elu({ alpha: 1 })],
      [() => new ThresholdedReLU({ theta: 0.5 }), () => tfl.layers.thresholdedReLU({ theta: 0.5 })],
      [() => new Softmax({ axis: -1 }), () => tfl.layers.softmax({ axis: -1 })],
      [() => new PReLU({ alphaInitializer: 'glorotUniform' }), () => tfl.layers.prelu({})],
    ];
    for (const [ours, theirs] of pairs) {
      // tfjs-layers' thresholdedReLU multiplies by a cast comparison, which tfjs cannot differentiate.
      const gradients = ours().className !== 'ThresholdedReLU';
      for (const training of [false, true])
        await compareWithTfjs(ours(), theirs(), seededUniform([3, 4], 1, -2, 2), { training, gradients });
    }
  });

  it('do not leak, save and load both ways, and train', async () => {
    const p = prelu();
    const input = tf.ones([2, 4]);
    expect(await leakedTensors(() => p.apply(input))).toBe(0);
    const xs = seededUniform([3, 4], 2);
    const ours = sequential({
      layers: [
        dense({ units: 4, inputShape: [4] }),
        reLU({ maxValue: 6 }),
        leakyReLU(),
        prelu(),
        elu(),
        thresholdedReLU({ theta: 0.1 }),
        softmax(),
      ],
    });
    (await expectLoadsInTfjs(ours, xs)).dispose();
    await expectLoadsFromTfjs(
      tfl.sequential({
        layers: [
          tfl.layers.dense({ units: 4, inputShape: [4] }),
          tfl.layers.leakyReLU({ alpha: 0.1 }),
          tfl.layers.prelu({}),
          tfl.layers.softmax(),
        ],
      }),
      xs,
    );
    for (const backend of testBackends()) {
      await expectTrains(
        backend,
        () =>
          sequential({
            layers: [
              dense({ units: 8, inputShape: [3] }),
              prelu({ alphaInitializer: { className: 'Constant', config: { value: 0.1 } } }),
              leakyReLU(),
              dense({ units: 1 }),
            ],
          }),
        () => {
          const input2 = seededUniform([32, 3], 3);
          return { x: input2, y: tf.sum(input2, 1, true) };
        },
      );
    }
  });
});
