import { initBackend } from '@tensorfold/backend';
import { ConfigError, Random, setSeed, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { dcgan } from './dcgan.js';
import { latentNormal } from './truncation.js';
import { vae } from './vae.js';

beforeAll(async () => {
  await initBackend({ require: 'wasm' });
});

/** The standard deviation of a standard normal truncated to [-t, t]: sqrt(1 - 2 t phi(t) / (2 Phi(t) - 1)). */
const TRUNCATED_STD: Record<number, number> = { 0.5: 0.2838, 1: 0.5396, 2: 0.8796 };

describe('latentNormal', () => {
  it('without truncation is tf.randomNormal of the seed', () => {
    const z = latentNormal(4, 3, 7);
    const expected = tf.randomNormal([4, 3], 0, 1, 'float32', 7);
    expect(Array.from(z.dataSync())).toEqual(Array.from(expected.dataSync()));
    tf.dispose([z, expected]);
  });

  for (const t of [0.5, 1, 2]) {
    it(`truncated at ${t}: within [-${t}, ${t}], the truncated normal's spread, the values within kept, the same per seed`, () => {
      const before = tf.memory().numTensors;
      const z = latentNormal(200, 100, 11, t); // 20,000 values
      const again = latentNormal(200, 100, 11, t);
      const plain = latentNormal(200, 100, 11);
      expect(tf.memory().numTensors).toBe(before + 3);
      const values = Array.from(z.dataSync());
      const raw = Array.from(plain.dataSync());
      expect(Array.from(again.dataSync())).toEqual(values);
      expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(t);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
      expect(Math.abs(mean)).toBeLessThan(0.02);
      expect(std).toBeCloseTo(TRUNCATED_STD[t], 1);
      expect(Math.abs(std - TRUNCATED_STD[t])).toBeLessThan(0.01);
      // Values the untruncated draw put within the threshold stay; the others were redrawn.
      const inside = raw.map((v, i) => [v, values[i]]).filter(([v]) => Math.abs(v) <= t);
      expect(inside.every(([v, w]) => v === w)).toBe(true);
      expect(values.some((w, i) => w !== raw[i])).toBe(true);
      // Redrawn values are not piled up at the threshold (they are redrawn, not clipped).
      expect(values.filter((w) => Math.abs(w) === t).length).toBeLessThan(5);
      tf.dispose([z, again, plain]);
    });
  }

  it('keeps only the running draw between rounds (a flat peak), with the values of one tidy over all rounds', async () => {
    // The former implementation, as the oracle of the values: every round's tensors live until the end.
    const allRoundsAlive = (count: number, dim: number, seed: number, t: number) =>
      tf.tidy(() => {
        let z = tf.randomNormal([count, dim], 0, 1, 'float32', seed);
        let outside = tf.greater(tf.abs(z), t);
        const rounds = Math.ceil(Math.log(1e-6 / Math.max(1, count * dim)) / Math.log(0.4));
        for (let round = 1; round <= rounds; round++) {
          const random = Random.derive(seed, round);
          let proposal: tf.Tensor;
          let accept: tf.Tensor;
          if (t < 1) {
            proposal = tf.randomUniform([count, dim], -t, t, 'float32', random.nextSeed());
            const keep = tf.exp(tf.mul(tf.square(proposal), -0.5));
            accept = tf.less(tf.randomUniform([count, dim], 0, 1, 'float32', random.nextSeed()), keep);
          } else {
            proposal = tf.randomNormal([count, dim], 0, 1, 'float32', random.nextSeed());
            accept = tf.lessEqual(tf.abs(proposal), t);
          }
          z = tf.where(tf.logicalAnd(outside, accept), proposal, z);
          outside = tf.logicalAnd(outside, tf.logicalNot(accept));
        }
        return tf.clipByValue(z, -t, t);
      });
    const [count, dim] = [500, 20]; // 10,000 values: 26 rounds
    const floatBytes = count * dim * 4;
    for (const t of [0.5, 2]) {
      const before = tf.memory().numTensors;
      const bytesBefore = tf.memory().numBytes;
      let z: tf.Tensor | undefined;
      const profile = await tf.profile(() => {
        z = latentNormal(count, dim, 13, t);
        return z;
      });
      expect(tf.memory().numTensors).toBe(before + 1);
      // A few [count, dim] tensors at once (about 9 floats' worth), not 26 rounds' worth (over 100).
      expect(profile.peakBytes - bytesBefore).toBeLessThan(16 * floatBytes);
      const expected = allRoundsAlive(count, dim, 13, t);
      expect(Array.from((z as unknown as tf.Tensor).dataSync())).toEqual(Array.from(expected.dataSync()));
      tf.dispose([z as unknown as tf.Tensor, expected]);
    }
  });

  it('refuses a threshold that is not a finite number > 0, saying what to pass', () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => latentNormal(2, 2, 1, bad)).toThrow(ConfigError);
      expect(() => latentNormal(2, 2, 1, bad)).toThrow(/truncation must be a finite threshold > 0/);
    }
  });
});

describe('sample({truncation})', () => {
  it("a GAN's truncated samples are deterministic per seed and differ from the untruncated ones", () => {
    setSeed(3);
    const model = dcgan({ latentDim: 8, filters: 16 });
    const a = model.sample(3, 5, { truncation: 0.5 });
    const b = model.sample(3, 5, { truncation: 0.5 });
    const c = model.sample(3, 5);
    const d = model.sample(3, 6, { truncation: 0.5 });
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    expect(Array.from(c.dataSync())).not.toEqual(Array.from(a.dataSync()));
    expect(Array.from(d.dataSync())).not.toEqual(Array.from(a.dataSync()));
    expect(() => model.sample(3, 5, { truncation: -0.5 })).toThrow(ConfigError);
    tf.dispose([a, b, c, d]);
    model.dispose();
  });

  it("a VAE's too", () => {
    setSeed(4);
    const model = vae({ latentDim: 2, hiddenUnits: [8], seed: 1 });
    const a = model.sample(2, 5, { truncation: 1 });
    const b = model.sample(2, 5, { truncation: 1 });
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    expect(() => model.sample(2, 5, { truncation: 0 })).toThrow(/truncation must be a finite threshold > 0/);
    tf.dispose([a, b]);
    model.dispose();
  });
});
