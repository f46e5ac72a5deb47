import { ConfigError, setSeed, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from '../test-utils/setup.js';
import { computeFans, getInitializer, initializers, VarianceScaling } from './index.js';

beforeAll(useCpu);

async function stats(t: tf.Tensor): Promise<{ mean: number; variance: number; min: number; max: number }> {
  const v = Array.from(await t.data());
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length;
  return { mean, variance, min: Math.min(...v), max: Math.max(...v) };
}

describe('initializers', () => {
  it('compute fans as Keras does', () => {
    expect(computeFans([784, 128])).toEqual({ fanIn: 784, fanOut: 128 });
    expect(computeFans([3, 3, 8, 16])).toEqual({ fanIn: 72, fanOut: 144 });
    expect(computeFans([5, 4, 6])).toEqual({ fanIn: 20, fanOut: 30 });
    expect(computeFans([16])).toEqual({ fanIn: 4, fanOut: 4 });
  });

  it('fill constants', async () => {
    expect(Array.from(await initializers.zeros().apply([2, 2]).data())).toEqual([0, 0, 0, 0]);
    expect(Array.from(await initializers.ones().apply([3]).data())).toEqual([1, 1, 1]);
    expect(Array.from(await initializers.constant({ value: 0.5 }).apply([2]).data())).toEqual([0.5, 0.5]);
    expect(() => initializers.constant({ value: Number.NaN })).toThrow(ConfigError);
  });

  it('draw the variance each variance-scaling form promises', async () => {
    const shape = [400, 300];
    const cases: Array<[string, number, 'uniform' | 'normal']> = [
      ['glorotUniform', 2 / 700, 'uniform'],
      ['glorotNormal', 2 / 700, 'normal'],
      ['heUniform', 2 / 400, 'uniform'],
      ['heNormal', 2 / 400, 'normal'],
      ['leCunUniform', 1 / 400, 'uniform'],
      ['leCunNormal', 1 / 400, 'normal'],
    ];
    for (const [name, variance, kind] of cases) {
      const s = await stats(getInitializer(name, 'zeros').apply(shape));
      expect(Math.abs(s.mean), name).toBeLessThan(0.002);
      expect(s.variance / variance, name).toBeCloseTo(1, 1);
      const bound =
        kind === 'uniform' ? Math.sqrt(3 * variance) : (2 * Math.sqrt(variance)) / 0.8796256610342398;
      expect(Math.max(-s.min, s.max), name).toBeLessThanOrEqual(bound + 1e-6);
    }
    const plain = await stats(
      new VarianceScaling({ scale: 2, mode: 'fanOut', distribution: 'untruncatedNormal', seed: 1 }).apply(
        shape,
      ),
    );
    expect(plain.variance / (2 / 300)).toBeCloseTo(1, 1);
  });

  it('draw random normal, uniform and truncated normal values', async () => {
    const u = await stats(initializers.randomUniform({ minval: 1, maxval: 3, seed: 1 }).apply([20000]));
    expect(u.min).toBeGreaterThanOrEqual(1);
    expect(u.max).toBeLessThan(3);
    expect(u.mean).toBeCloseTo(2, 1);
    const n = await stats(initializers.randomNormal({ mean: 1, stddev: 2, seed: 2 }).apply([20000]));
    expect(n.mean).toBeCloseTo(1, 1);
    expect(Math.sqrt(n.variance)).toBeCloseTo(2, 1);
    const t = await stats(initializers.truncatedNormal({ stddev: 0.1, seed: 3 }).apply([20000]));
    expect(Math.max(-t.min, t.max)).toBeLessThanOrEqual(0.2 + 1e-7);
  });

  it('are repeatable: the same seed (or setSeed) gives the same weights, another seed others', async () => {
    const a = await initializers.heNormal({ seed: 42 }).apply([10, 10]).data();
    const b = await initializers.heNormal({ seed: 42 }).apply([10, 10]).data();
    const c = await initializers.heNormal({ seed: 43 }).apply([10, 10]).data();
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    setSeed(5);
    const d = await getInitializer('glorotUniform', 'zeros').apply([4, 4]).data();
    setSeed(5);
    const e = await getInitializer('glorotUniform', 'zeros').apply([4, 4]).data();
    expect(Array.from(d)).toEqual(Array.from(e));
    // A shared initializer gives each weight new values.
    const shared = initializers.randomNormal({ seed: 1 });
    expect(Array.from(await shared.apply([4]).data())).not.toEqual(
      Array.from(await shared.apply([4]).data()),
    );
  });

  it('make orthogonal matrices, tall or wide, for any rank', async () => {
    for (const shape of [
      [6, 4],
      [4, 6],
      [2, 3, 5],
    ]) {
      const q = initializers.orthogonal({ gain: 2, seed: 7 }).apply(shape);
      const m = tf.reshape(q, [-1, shape[shape.length - 1]]);
      const [rows, cols] = m.shape;
      const gram = rows >= cols ? tf.matMul(m, m, true, false) : tf.matMul(m, m, false, true);
      const eye = tf.mul(tf.eye(Math.min(rows, cols)), 4);
      const d = (await tf.max(tf.abs(tf.sub(gram, eye))).data())[0];
      expect(d, `shape ${shape}`).toBeLessThan(1e-5);
    }
    expect(() => initializers.orthogonal().apply([5])).toThrow(ConfigError);
  });

  it('make identity matrices', async () => {
    expect(Array.from(await initializers.identity({ gain: 3 }).apply([2, 3]).data())).toEqual([
      3, 0, 0, 0, 3, 0,
    ]);
    expect(() => initializers.identity().apply([2, 2, 2])).toThrow(ConfigError);
  });

  it('resolve from names in any spelling and from saved configs, including tfjs-layers ones', () => {
    expect(getInitializer('he_normal', 'zeros').className).toBe('HeNormal');
    expect(getInitializer('lecun_uniform', 'zeros').className).toBe('LeCunUniform');
    expect(getInitializer(undefined, 'glorotUniform').className).toBe('GlorotUniform');
    const saved = getInitializer(
      {
        className: 'VarianceScaling',
        config: { scale: 1, mode: 'fanAvg', distribution: 'uniform', seed: null },
      },
      'zeros',
    );
    expect(saved.getConfig()).toEqual({ scale: 1, mode: 'fanAvg', distribution: 'uniform', seed: null });
    expect(initializers.glorotUniform({ seed: 3 }).getConfig()).toEqual({ seed: 3 });
    expect(initializers.randomUniform().getConfig()).toEqual({ minval: -0.05, maxval: 0.05, seed: null });
    expect(() => getInitializer('glorotUniformish', 'zeros')).toThrow(/Known initializers/);
    expect(() => new VarianceScaling({ mode: 'fanSum' as never })).toThrow(ConfigError);
    expect(() => new VarianceScaling({ scale: -1 })).toThrow(ConfigError);
  });
});
