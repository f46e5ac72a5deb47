import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, ShapeError, sequential, setSeed, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkGradients } from '../../test-utils/gradient-check.js';
import { expectLoadsFromTfjs, expectLoadsInTfjs } from '../../test-utils/interop.js';
import { compareWithTfjs } from '../../test-utils/oracle.js';
import { leakedTensors, seededUniform, useCpu } from '../../test-utils/setup.js';
import { expectTrains, testBackends } from '../../test-utils/training.js';
import { dense } from './dense.js';
import { Dropout, dropout, SpatialDropout1D, spatialDropout1d } from './dropout.js';
import { GaussianNoise, gaussianNoise } from './gaussian-noise.js';

beforeAll(useCpu);

async function values(t: tf.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

describe('dropout', () => {
  it('has the contract', () => {
    const d = dropout({ rate: 0.3, seed: 1 });
    expect(d.computeOutputShape([null, 5])).toEqual([null, 5]);
    expect(d.getConfig()).toMatchObject({ rate: 0.3, noiseShape: null, seed: 1 });
    expect(new Dropout(d.getConfig() as never).getConfig()).toEqual(d.getConfig());
    expect(() => dropout({ rate: 1 })).toThrow(ConfigError);
    expect(() => dropout({ rate: -0.1 })).toThrow(ConfigError);
  });

  it('passes inputs through at inference and drops a fraction `rate`, scaling the rest, while training', async () => {
    const x = tf.ones([200, 50]);
    expect(await values(dropout({ rate: 0.4 }).apply(x))).toEqual(new Array(10000).fill(1));
    const y = await values(dropout({ rate: 0.4, seed: 2 }).apply(x, { training: true }));
    const kept = y.filter((v) => v !== 0);
    expect(new Set(kept)).toEqual(new Set([1 / 0.6].map((v) => Math.fround(v))));
    expect(kept.length / y.length).toBeCloseTo(0.6, 1);
  });

  it('is repeatable: the same seed (or setSeed) gives the same masks; each call draws a new one', async () => {
    const x = tf.ones([4, 8]);
    const a = dropout({ rate: 0.5, seed: 9 });
    const b = dropout({ rate: 0.5, seed: 9 });
    const a1 = await values(a.apply(x, { training: true }));
    expect(await values(b.apply(x, { training: true }))).toEqual(a1);
    expect(await values(a.apply(x, { training: true }))).not.toEqual(a1);
    setSeed(4);
    const c = await values(dropout({ rate: 0.5 }).apply(x, { training: true }));
    setSeed(4);
    expect(await values(dropout({ rate: 0.5 }).apply(x, { training: true }))).toEqual(c);
  });

  it('broadcasts a noiseShape mask; spatialDropout1d drops whole channels for all steps', async () => {
    const x = tf.ones([3, 6, 4]);
    const y = (await dropout({ rate: 0.5, noiseShape: [null, 1, null], seed: 3 })
      .apply(x, { training: true })
      .array()) as number[][][];
    const s = (await spatialDropout1d({ rate: 0.5, seed: 3 })
      .apply(x, { training: true })
      .array()) as number[][][];
    for (const out of [y, s])
      for (const sample of out) for (const step of sample) expect(step).toEqual(sample[0]);
    expect(y).toEqual(s);
    expect(() => dropout({ rate: 0.5, noiseShape: [null, 1] }).apply(x, { training: true })).toThrow(
      ShapeError,
    );
    expect(() => spatialDropout1d({ rate: 0.1 }).apply(tf.ones([2, 3]))).toThrow(ShapeError);
  });

  it('has the gradient of its mask while training, and identity gradients at inference', async () => {
    await checkGradients(dropout({ rate: 0.5 }), seededUniform([2, 3], 1));
    const layer = dropout({ rate: 0.5, seed: 5 });
    const x = seededUniform([3, 4], 2, 0.5, 1);
    const r = seededUniform([3, 4], 3);
    // The first call's mask equals that of a fresh layer with the same seed.
    const y = dropout({ rate: 0.5, seed: 5 }).apply(x, { training: true });
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(layer.apply(v, { training: true }), r)))(x);
    const mask = tf.div(y, x);
    expect(await values(g)).toEqual((await values(tf.mul(r, mask))).map((v) => expect.closeTo(v, 5)));
  });

  it('matches tfjs-layers at inference (training masks are random in both)', async () => {
    for (const [ours, theirs] of [
      [new Dropout({ rate: 0.3, seed: 1 }), tfl.layers.dropout({ rate: 0.3, seed: 1 })],
      [new SpatialDropout1D({ rate: 0.3 }), tfl.layers.spatialDropout1d({ rate: 0.3 })],
    ] as const) {
      await compareWithTfjs(ours, theirs, seededUniform([2, 3, 4], 4));
    }
  });

  it('does not leak', async () => {
    const d = dropout({ rate: 0.5 });
    const x = tf.ones([4, 4]);
    expect(await leakedTensors(() => d.apply(x, { training: true }))).toBe(0);
    expect(await leakedTensors(() => d.apply(x))).toBe(0);
  });

  it('saves and loads both ways with tfjs-layers', async () => {
    const x = seededUniform([3, 4, 2], 5);
    const ours = sequential({
      layers: [
        dense({ units: 3, inputShape: [4, 2] }),
        dropout({ rate: 0.2, seed: 3 }),
        spatialDropout1d({ rate: 0.1 }),
      ],
    });
    (await expectLoadsInTfjs(ours, x)).dispose();
    const theirs = tfl.sequential({
      layers: [tfl.layers.dropout({ rate: 0.5, inputShape: [4, 2] }), tfl.layers.dense({ units: 2 })],
    });
    await expectLoadsFromTfjs(theirs, x);
  });

  for (const backend of testBackends()) {
    it(`trains on ${backend}`, async () => {
      await expectTrains(
        backend,
        () =>
          sequential({
            layers: [
              dense({ units: 16, activation: 'tanh', inputShape: [3] }),
              dropout({ rate: 0.2 }),
              dense({ units: 1 }),
            ],
          }),
        () => {
          const x = seededUniform([32, 3], 6);
          return { x, y: tf.sum(x, 1, true) };
        },
      );
    });
  }
});

describe('gaussianNoise', () => {
  it('has the contract and adds noise of the given spread only while training', async () => {
    const g = gaussianNoise({ stddev: 0.5, seed: 1 });
    expect(g.getConfig()).toMatchObject({ stddev: 0.5 });
    expect(new GaussianNoise(g.getConfig() as never).getConfig()).toEqual(g.getConfig());
    const x = tf.zeros([100, 100]);
    expect(await values(g.apply(x))).toEqual(new Array(10000).fill(0));
    const noise = await values(g.apply(x, { training: true }));
    const mean = noise.reduce((a, b) => a + b, 0) / noise.length;
    const sd = Math.sqrt(noise.reduce((a, b) => a + (b - mean) ** 2, 0) / noise.length);
    expect(mean).toBeCloseTo(0, 1);
    expect(sd).toBeCloseTo(0.5, 1);
    const again = await values(gaussianNoise({ stddev: 0.5, seed: 1 }).apply(x, { training: true }));
    expect(again).toEqual(noise);
  });

  it('passes gradients through unchanged and matches tfjs-layers at inference', async () => {
    await checkGradients(gaussianNoise({ stddev: 0.3 }), seededUniform([2, 3], 1), {
      callOptions: { training: false },
    });
    const x = seededUniform([2, 3], 2);
    const g = tf.grad((v: tf.Tensor) => tf.sum(gaussianNoise({ stddev: 1 }).apply(v, { training: true })))(x);
    expect(await values(g)).toEqual(new Array(6).fill(1));
    await compareWithTfjs(new GaussianNoise({ stddev: 0.2 }), tfl.layers.gaussianNoise({ stddev: 0.2 }), x);
  });

  it('does not leak, saves and loads both ways, and trains', async () => {
    const layer = gaussianNoise({ stddev: 0.1 });
    const x = tf.ones([2, 2]);
    expect(await leakedTensors(() => layer.apply(x, { training: true }))).toBe(0);
    const ours = sequential({
      layers: [gaussianNoise({ stddev: 0.1, inputShape: [2] }), dense({ units: 1 })],
    });
    (await expectLoadsInTfjs(ours, x)).dispose();
    await expectLoadsFromTfjs(
      tfl.sequential({ layers: [tfl.layers.gaussianNoise({ stddev: 0.3, inputShape: [2] })] }),
      x,
    );
    for (const backend of testBackends()) {
      await expectTrains(
        backend,
        () => sequential({ layers: [gaussianNoise({ stddev: 0.05, inputShape: [3] }), dense({ units: 1 })] }),
        () => {
          const xs = seededUniform([32, 3], 7);
          return { x: xs, y: tf.sum(xs, 1, true) };
        },
      );
    }
  });
});
