import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, ShapeError, sequential, setSeed, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkGradients } from '../../test-utils/gradient-check.js';
import { expectLoadsFromTfjs, expectLoadsInTfjs } from '../../test-utils/interop.js';
import { compareWithTfjs } from '../../test-utils/oracle.js';
import { leakedTensors, seededUniform, useCpu, values } from '../../test-utils/setup.js';
import { expectTrains, testBackends } from '../../test-utils/training.js';
import { dense } from './dense.js';
import { AlphaDropout, alphaDropout, GaussianDropout, gaussianDropout } from './noise-dropout.js';

beforeAll(useCpu);

function meanAndSd(v: number[]): [number, number] {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return [mean, Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length)];
}

const ALPHA_P = -1.0507009873554805 * 1.6732632423543772;

/** Keras's affine correction of alpha dropout for `rate`. */
function affine(rate: number): [number, number] {
  const a = ((1 - rate) * (1 + rate * ALPHA_P ** 2)) ** -0.5;
  return [a, -a * ALPHA_P * rate];
}

describe('gaussianDropout', () => {
  it('has the contract', () => {
    const layer = gaussianDropout({ rate: 0.3, seed: 2 });
    expect(layer.computeOutputShape([null, 4])).toEqual([null, 4]);
    expect(layer.weights).toEqual([]);
    expect(layer.getConfig()).toMatchObject({ rate: 0.3, seed: 2 });
    expect(new GaussianDropout(layer.getConfig() as never).getConfig()).toEqual(layer.getConfig());
    expect(() => gaussianDropout({ rate: 1 })).toThrow(ConfigError);
  });

  it('multiplies by N(1, rate / (1 - rate)) noise while training only, repeatably per seed', async () => {
    const x = tf.ones([100, 100]);
    expect(await values(gaussianDropout({ rate: 0.5 }).apply(x))).toEqual(new Array(10000).fill(1));
    const layer = gaussianDropout({ rate: 0.2, seed: 3 });
    const y = await values(layer.apply(x, { training: true }));
    const [mean, sd] = meanAndSd(y);
    expect(mean).toBeCloseTo(1, 1);
    expect(sd).toBeCloseTo(Math.sqrt(0.2 / 0.8), 1);
    expect(await values(gaussianDropout({ rate: 0.2, seed: 3 }).apply(x, { training: true }))).toEqual(y);
    expect(await values(layer.apply(x, { training: true }))).not.toEqual(y);
    setSeed(5);
    const a = await values(gaussianDropout({ rate: 0.2 }).apply(x, { training: true }));
    setSeed(5);
    expect(await values(gaussianDropout({ rate: 0.2 }).apply(x, { training: true }))).toEqual(a);
  });

  it('has the noise as its gradient while training, identity at inference', async () => {
    await checkGradients(gaussianDropout({ rate: 0.4 }), seededUniform([2, 3], 1));
    const x = seededUniform([3, 4], 2, 0.5, 1);
    const noise = tf.div(gaussianDropout({ rate: 0.4, seed: 7 }).apply(x, { training: true }), x);
    const layer = gaussianDropout({ rate: 0.4, seed: 7 });
    const g = tf.grad((v: tf.Tensor) => tf.sum(layer.apply(v, { training: true })))(x);
    expect((await values(g)).map((v) => Math.fround(v))).toEqual(
      (await values(noise)).map((v) => expect.closeTo(v, 5)),
    );
  });

  it('matches tfjs-layers at inference (the training noise is random in both)', async () => {
    await compareWithTfjs(
      gaussianDropout({ rate: 0.3 }),
      tfl.layers.gaussianDropout({ rate: 0.3 }),
      seededUniform([2, 5], 3),
      {
        ignoreConfigKeys: ['seed'],
      },
    );
  });

  it('does not leak; saves and loads both ways; trains', async () => {
    const layer = gaussianDropout({ rate: 0.3 });
    const x = seededUniform([4, 3], 4);
    expect(await leakedTensors(() => layer.apply(x, { training: true }))).toBe(0);
    expect(await leakedTensors(() => layer.apply(x))).toBe(0);
    const ours = sequential({
      layers: [dense({ units: 3, inputShape: [3] }), gaussianDropout({ rate: 0.2, seed: 1 })],
    });
    (await expectLoadsInTfjs(ours, x)).dispose();
    await expectLoadsFromTfjs(
      tfl.sequential({ layers: [tfl.layers.gaussianDropout({ rate: 0.4, inputShape: [3] })] }),
      x,
    );
    for (const backend of testBackends()) {
      await expectTrains(
        backend,
        () =>
          sequential({
            layers: [
              dense({ units: 8, inputShape: [3] }),
              gaussianDropout({ rate: 0.1 }),
              dense({ units: 1 }),
            ],
          }),
        () => {
          const xs = seededUniform([32, 3], 5);
          return { x: xs, y: tf.sum(xs, 1, true) };
        },
      );
    }
  });
});

describe('alphaDropout', () => {
  it('has the contract', () => {
    const layer = alphaDropout({ rate: 0.1, noiseShape: [null, 1], seed: 4 });
    expect(layer.computeOutputShape([null, 4])).toEqual([null, 4]);
    expect(layer.getConfig()).toMatchObject({ rate: 0.1, noiseShape: [null, 1], seed: 4 });
    expect(new AlphaDropout(layer.getConfig() as never).getConfig()).toEqual(layer.getConfig());
    expect(() => alphaDropout({ rate: -0.5 })).toThrow(ConfigError);
    expect(() =>
      alphaDropout({ rate: 0.5, noiseShape: [1] }).apply(tf.ones([2, 2]), { training: true }),
    ).toThrow(ShapeError);
  });

  it('sets dropped inputs to SELU saturation and corrects mean and variance (by hand, Keras constants)', async () => {
    const rate = 0.2;
    const [a, b] = affine(rate);
    const x = seededUniform([50, 40], 6, -2, 2);
    const xs = await values(x);
    const y = await values(alphaDropout({ rate, seed: 8 }).apply(x, { training: true }));
    let dropped = 0;
    for (const [i, v] of y.entries()) {
      const kept = Math.abs(v - (a * xs[i] + b)) < 1e-5;
      const gone = Math.abs(v - (a * ALPHA_P + b)) < 1e-5;
      expect(kept || gone, `output ${i} is a·x + b or a·α' + b`).toBe(true);
      if (!kept) dropped++;
    }
    expect(dropped / y.length).toBeCloseTo(rate, 1);
    // Standard-normal inputs keep mean 0 and variance 1.
    const z = tf.randomNormal([200, 100], 0, 1, 'float32', 9);
    const [mean, sd] = meanAndSd(
      await values(alphaDropout({ rate: 0.3, seed: 10 }).apply(z, { training: true })),
    );
    expect(mean).toBeCloseTo(0, 1);
    expect(sd).toBeCloseTo(1, 1);
    // At inference: the input unchanged.
    expect(await values(alphaDropout({ rate }).apply(x))).toEqual(xs);
  });

  it('broadcasts a noiseShape mask and repeats per seed', async () => {
    const x = tf.ones([6, 5]);
    const y = (await alphaDropout({ rate: 0.5, noiseShape: [null, 1], seed: 3 })
      .apply(x, { training: true })
      .array()) as number[][];
    for (const row of y) expect(new Set(row).size).toBe(1);
    const again = await alphaDropout({ rate: 0.5, noiseShape: [null, 1], seed: 3 })
      .apply(x, { training: true })
      .array();
    expect(again).toEqual(y);
  });

  it('has gradient a (kept) or 0 (dropped) while training, identity at inference', async () => {
    await checkGradients(alphaDropout({ rate: 0.3 }), seededUniform([2, 3], 11));
    const [a] = affine(0.3);
    const layer = alphaDropout({ rate: 0.3, seed: 12 });
    const g = await values(
      tf.grad((v: tf.Tensor) => tf.sum(layer.apply(v, { training: true })))(seededUniform([10, 10], 13)),
    );
    expect(g.every((v) => Math.abs(v) < 1e-7 || Math.abs(v - a) < 1e-6)).toBe(true);
    expect(g.some((v) => v === 0)).toBe(true);
  });

  it("matches tfjs-layers at inference; in training tfjs-layers drops to +α' (a sign slip), Keras and tensorfold to α'", async () => {
    await compareWithTfjs(
      alphaDropout({ rate: 0.3 }),
      tfl.layers.alphaDropout({ rate: 0.3 }),
      seededUniform([2, 5], 14),
      {
        ignoreConfigKeys: ['seed', 'noiseShape'],
      },
    );
    const [a, b] = affine(0.5);
    const theirs = new Set(
      await values(
        tfl.layers.alphaDropout({ rate: 0.5 }).apply(tf.zeros([20, 20]), { training: true }) as tf.Tensor,
      ),
    );
    expect([...theirs].map((v) => v.toFixed(4)).sort()).toEqual(
      [b, -a * ALPHA_P + b].map((v) => v.toFixed(4)).sort(),
    );
    const ours = new Set(
      await values(alphaDropout({ rate: 0.5, seed: 1 }).apply(tf.zeros([20, 20]), { training: true })),
    );
    expect([...ours].map((v) => v.toFixed(4)).sort()).toEqual(
      [b, a * ALPHA_P + b].map((v) => v.toFixed(4)).sort(),
    );
  });

  it('does not leak; saves and loads both ways; trains', async () => {
    const layer = alphaDropout({ rate: 0.3 });
    const x = seededUniform([4, 3], 15);
    expect(await leakedTensors(() => layer.apply(x, { training: true }))).toBe(0);
    expect(await leakedTensors(() => layer.apply(x))).toBe(0);
    const ours = sequential({
      layers: [dense({ units: 3, inputShape: [3] }), alphaDropout({ rate: 0.2, seed: 1 })],
    });
    (await expectLoadsInTfjs(ours, x)).dispose();
    await expectLoadsFromTfjs(
      tfl.sequential({ layers: [tfl.layers.alphaDropout({ rate: 0.4, inputShape: [3] })] }),
      x,
    );
    for (const backend of testBackends()) {
      await expectTrains(
        backend,
        () =>
          sequential({
            layers: [
              dense({ units: 8, activation: 'selu', kernelInitializer: 'leCunNormal', inputShape: [3] }),
              alphaDropout({ rate: 0.05 }),
              dense({ units: 1 }),
            ],
          }),
        () => {
          const xs = seededUniform([32, 3], 16);
          return { x: xs, y: tf.sum(xs, 1, true) };
        },
      );
    }
  });
});
