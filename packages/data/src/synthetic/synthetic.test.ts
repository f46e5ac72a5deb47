import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from '../test-utils/setup.js';
import { booleanFunction, xor } from './boolean.js';
import { fruitExample } from './fruit.js';
import { circles, gaussianBlobs, noisySine, twoSpirals } from './shapes.js';

beforeAll(useCpu);

describe('Boolean functions', () => {
  it('gives full truth tables, binary or bipolar, for any number of inputs', async () => {
    const t = xor();
    expect(t.inputs).toEqual([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    expect(t.targets).toEqual([0, 1, 1, 0]);
    expect(await t.ys.array()).toEqual([[0], [1], [1], [0]]);
    t.dispose();
    const and = booleanFunction('and', { encoding: 'bipolar' });
    expect(and.inputs[0]).toEqual([-1, -1]);
    expect(and.targets).toEqual([-1, -1, -1, 1]);
    and.dispose();
    const parity = booleanFunction('xor', { inputs: 3 });
    expect(parity.targets).toEqual([0, 1, 1, 0, 1, 0, 0, 1]);
    parity.dispose();
    const not = booleanFunction('not');
    expect(not.targets).toEqual([1, 0]);
    not.dispose();
    const custom = booleanFunction((bits) => bits[0] && !bits[1]);
    expect(custom.targets).toEqual([0, 0, 1, 0]);
    custom.dispose();
    for (const [name, expected] of [
      ['or', [0, 1, 1, 1]],
      ['nand', [1, 1, 1, 0]],
      ['nor', [1, 0, 0, 0]],
      ['xnor', [1, 0, 0, 1]],
    ] as const) {
      const table = booleanFunction(name);
      expect(table.targets).toEqual(expected);
      table.dispose();
    }
    expect(() => booleanFunction('maybe' as 'and')).toThrow(ConfigError);
    // Names of Object.prototype members are not Boolean functions (they gave all-ones targets).
    for (const name of ['constructor', 'toString', '__proto__'])
      expect(() => booleanFunction(name as 'and')).toThrow(ConfigError);
    expect(() => booleanFunction('not', { inputs: 2 })).toThrow(ConfigError);
  });
});

describe('synthetic shapes', () => {
  it('two spirals: opposite arms, alternating classes, seeded noise', async () => {
    const s = twoSpirals({ samplesPerClass: 50 });
    expect(s.xs.shape).toEqual([100, 2]);
    const x = (await s.xs.array()) as number[][];
    expect(x[0][0]).toBeCloseTo(-x[1][0], 6);
    expect(x[99][1]).toBeCloseTo(-x[98][1], 6);
    expect(Math.hypot(...x[98])).toBeCloseTo(1, 5);
    expect(Array.from(await s.ys.data()).slice(0, 4)).toEqual([0, 1, 0, 1]);
    s.dispose();
    const a = twoSpirals({ noise: 0.1, seed: 1 });
    const b = twoSpirals({ noise: 0.1, seed: 1 });
    expect(await a.xs.data()).toEqual(await b.xs.data());
    a.dispose();
    b.dispose();
  });

  it('circles: the inner class lies at radius factor, the outer at 1', async () => {
    const c = circles({ samples: 400, factor: 0.3, noise: 0, seed: 2 });
    const x = (await c.xs.array()) as number[][];
    const y = Array.from(await c.ys.data());
    x.forEach((p, i) => {
      expect(Math.hypot(p[0], p[1])).toBeCloseTo(y[i] === 1 ? 0.3 : 1, 5);
    });
    expect(y.filter((v) => v === 1)).toHaveLength(200);
    c.dispose();
    expect(() => circles({ factor: 1 })).toThrow(ConfigError);
  });

  it('rejects a spread that is not a finite number >= 0 and fractional counts, allocating nothing', () => {
    const before = tf.memory().numTensors;
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, -0.1]) {
      expect(() => twoSpirals({ noise: bad })).toThrow(ConfigError);
      expect(() => circles({ noise: bad })).toThrow(ConfigError);
      expect(() => noisySine({ noise: bad })).toThrow(ConfigError);
      expect(() => gaussianBlobs({ stddev: bad })).toThrow(ConfigError);
    }
    // 2.5 centers used to give 2 blobs; 2.5 dimensions a raw tfjs shape error.
    expect(() => gaussianBlobs({ centers: 2.5 })).toThrow(ConfigError);
    expect(() => gaussianBlobs({ dimensions: 2.5 })).toThrow(ConfigError);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('Gaussian blobs gather around their centers with the given spread', async () => {
    const b = gaussianBlobs({
      samplesPerClass: 500,
      centers: [
        [0, 0],
        [10, -5],
      ],
      stddev: 2,
      seed: 3,
    });
    expect(b.xs.shape).toEqual([1000, 2]);
    expect(b.ys.dtype).toBe('int32');
    const x = (await b.xs.array()) as number[][];
    const y = Array.from(await b.ys.data());
    const second = x.filter((_, i) => y[i] === 1);
    const meanX = second.reduce((a, p) => a + p[0], 0) / second.length;
    const std = Math.sqrt(second.reduce((a, p) => a + (p[0] - meanX) ** 2, 0) / second.length);
    expect(meanX).toBeCloseTo(10, 0);
    expect(std).toBeGreaterThan(1.8);
    expect(std).toBeLessThan(2.2);
    b.dispose();
    const random = gaussianBlobs({ centers: 4, dimensions: 3, seed: 1 });
    expect(random.centers).toHaveLength(4);
    expect(random.xs.shape).toEqual([400, 3]);
    random.dispose();
  });

  it('noisy sine: evenly spaced x, sin(x) plus noise of the given spread', async () => {
    const s = noisySine({ samples: 2001, noise: 0.1, seed: 4 });
    const x = Array.from(await s.xs.data());
    const y = Array.from(await s.ys.data());
    expect(x[0]).toBe(0);
    expect(x[2000]).toBeCloseTo(2 * Math.PI, 5);
    const residuals = y.map((v, i) => v - Math.sin(x[i]));
    const std = Math.sqrt(residuals.reduce((a, r) => a + r * r, 0) / residuals.length);
    expect(std).toBeGreaterThan(0.09);
    expect(std).toBeLessThan(0.11);
    s.dispose();
    const clean = noisySine({ samples: 5, noise: 0 });
    expect(Array.from(await clean.ys.data())[1]).toBeCloseTo(1, 6); // sin(pi / 2)
    clean.dispose();
  });
});

describe('the fruit example of seed 003', () => {
  it('holds the course data; the starting weights classify the first fruit right and the second wrong', async () => {
    const f = fruitExample();
    expect(f.features).toEqual([
      [121, 16.8],
      [114, 15.2],
      [210, 9.4],
      [195, 8.1],
    ]);
    expect(f.targets).toEqual([1, 1, -1, -1]);
    const { weights, bias } = f.perceptron;
    const net = ([w, l]: number[]) => weights[0] * w + weights[1] * l + bias;
    expect(net(f.features[0])).toBeCloseTo(180, 6); // +1: no update, as in the course
    expect(net(f.features[1])).toBeCloseTo(-90, 6); // -1 but should be +1: the weights are updated
    expect(f.xs.shape).toEqual([4, 2]);
    expect(Array.from(await f.ys.data())).toEqual([1, 1, -1, -1]);
    f.dispose();
    expect(tf.memory().numTensors).toBeGreaterThanOrEqual(0);
  });
});
