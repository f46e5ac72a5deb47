import { initBackend } from '@tensorfold/backend';
import { type Sequential, sequential, setSeed, tf } from '@tensorfold/core';
import { conv2d, dense, flatten, maxPooling2d } from '@tensorfold/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { lenet5Network, mlpNetwork } from './networks.js';

beforeAll(async () => {
  await initBackend({ require: 'cpu' });
});

describe('the benchmark networks', () => {
  it('builds the MLP 784-512-256-10 and LeNet-5 with their parameter counts, [batch, 10] out', () => {
    const before = tf.memory().numTensors;
    for (const [model, input, count] of [
      [mlpNetwork(), [2, 784], 784 * 512 + 512 + 512 * 256 + 256 + 256 * 10 + 10],
      [lenet5Network(), [2, 28, 28, 1], 62_430],
      [lenet5Network('tanh'), [2, 28, 28, 1], 62_430],
    ] as const) {
      expect(model.countParams()).toBe(count);
      const y = tf.tidy(() => model.predict(tf.zeros([...input])) as tf.Tensor);
      expect(y.shape).toEqual([2, 10]);
      y.dispose();
      model.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives the same weights for the same seed', () => {
    const weights = (build: () => ReturnType<typeof mlpNetwork>) => {
      setSeed(7);
      const model = build();
      const copies = model.getWeights();
      const values = copies.map((w) => Array.from(w.dataSync()));
      tf.dispose(copies);
      model.dispose();
      return values;
    };
    expect(weights(mlpNetwork)).toEqual(weights(mlpNetwork));
    expect(weights(() => lenet5Network())).toEqual(weights(() => lenet5Network()));
  });

  // The builders networks.ts replaced (training-models.ts, int8-profile.ts, int8-fair-ab.ts before
  // bench-dedupe): no layer names, and int8-profile's LeNet-5 with conv2d's default padding.
  const unnamedMlp = () =>
    sequential({
      layers: [
        dense({ units: 512, activation: 'relu', inputShape: [784] }),
        dense({ units: 256, activation: 'relu' }),
        dense({ units: 10, activation: 'softmax' }),
      ],
    });
  const unnamedLenet = (activation: 'relu' | 'tanh') =>
    sequential({
      layers: [
        conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation, inputShape: [28, 28, 1] }),
        maxPooling2d({ poolSize: 2 }),
        conv2d({ filters: 16, kernelSize: 5, activation }),
        maxPooling2d({ poolSize: 2 }),
        flatten(),
        dense({ units: 120, activation }),
        dense({ units: 84, activation }),
        dense({ units: 10, activation: 'softmax' }),
      ],
    });

  it.each([
    ['MLP', mlpNetwork, unnamedMlp, [3, 784]],
    ['LeNet-5 relu', () => lenet5Network(), () => unnamedLenet('relu'), [3, 28, 28, 1]],
    ['LeNet-5 tanh', () => lenet5Network('tanh'), () => unnamedLenet('tanh'), [3, 28, 28, 1]],
  ] as const)(
    '%s: the weights and outputs of the unnamed builder it replaced, for the same seed (names change no weight)',
    (_name, build, before, input) => {
      const memory = tf.memory().numTensors;
      /** Each weight's values and the outputs on a fixed input, built after `setSeed(seed)`. */
      const built = (make: () => Sequential, seed: number) => {
        setSeed(seed);
        const model = make();
        const copies = model.getWeights();
        const weights = copies.map((w) => ({ shape: w.shape, values: Array.from(w.dataSync()) }));
        const y = tf.tidy(() => {
          const x = tf.randomUniform([...input], 0, 1, 'float32', 3); // [3, ...input]
          return Array.from((model.predict(x) as tf.Tensor).dataSync()); // [3, 10]
        });
        tf.dispose(copies);
        model.dispose();
        return { weights, y };
      };
      for (const seed of [1, 7]) {
        const ours = built(build, seed);
        expect(ours).toEqual(built(before, seed));
        // (and the seed matters: a test that could not fail would not say much)
        expect(ours.weights).not.toEqual(built(before, seed + 1).weights);
      }
      expect(tf.memory().numTensors).toBe(memory);
    },
  );

  it("names the layers the compress suite's decompositions address", () => {
    const names = (model: Sequential) => {
      const out = model.layers.map((layer) => layer.name);
      model.dispose();
      return out;
    };
    expect(names(mlpNetwork()).slice(0, 2)).toEqual(['h1', 'h2']);
    expect(names(lenet5Network())[2]).toBe('c2');
  });
});
