import { useBackend } from '@tensorfold/backend';
import { ConfigError, DataError, ShapeError, setSeed, tf } from '@tensorfold/core';
import { adam } from '@tensorfold/optim';
import { beforeAll, describe, expect, it } from 'vitest';
import { forecastErrors, naiveForecast } from './baselines.js';
import { minMaxScaling } from './scaling.js';
import { sequenceRegressor } from './sequence-regressor.js';
import { windows } from './windows.js';

beforeAll(() => useBackend('wasm'));

describe('windows', () => {
  it('cuts a series into windows and next-step targets', async () => {
    const w = await windows([1, 2, 3, 4, 5], { window: 3 });
    expect(w.xs.shape).toEqual([2, 3, 1]);
    expect(Array.from(await w.xs.data())).toEqual([1, 2, 3, 2, 3, 4]);
    expect(Array.from(await w.ys.data())).toEqual([4, 5]);
    w.dispose();
  });

  it('refuses a window longer than the series, and NaN or gaps, saying where', async () => {
    await expect(windows([1, 2, 3], { window: 3 })).rejects.toThrow(/longer than the series \(3 steps\)/);
    await expect(windows([1, 2, 3], { window: 5 })).rejects.toThrow(DataError);
    await expect(windows([1, Number.NaN, 3, 4], { window: 2 })).rejects.toThrow(/NaN at step 1/);
    await expect(
      windows(
        [
          [1, 2],
          [3, Number.POSITIVE_INFINITY],
          [5, 6],
        ],
        { window: 1 },
      ),
    ).rejects.toThrow(/step 1, column 1/);
    await expect(
      windows([1, 2, 3, 4], { window: 2, dates: ['2012-01-01', '2012-01-02', '2012-01-04', '2012-01-05'] }),
    ).rejects.toThrow(/gap between step 1 \(2012-01-02\) and step 2 \(2012-01-04\)/);
  });
});

describe('minMaxScaling', () => {
  it('scales to [0, 1] on the fitted values and inverts', () => {
    const s = minMaxScaling([10, 20, 30]);
    expect(Array.from(s.transform([10, 25, 40]))).toEqual([0, 0.75, 1.5]);
    expect(Array.from(s.inverse([0, 0.75]))).toEqual([10, 25]);
    expect(s.inverseScale(0.1)).toBeCloseTo(2);
    expect(() => minMaxScaling([3, 3])).toThrow(ConfigError);
    expect(() => minMaxScaling([1, Number.NaN])).toThrow(/value 1 is NaN/);
  });
});

describe('naiveForecast', () => {
  it('gives the last value and the value one season before the target', async () => {
    const series = Array.from({ length: 12 }, (_, i) => i * i);
    const w = await windows(series, { window: 5 });
    const last = naiveForecast(w.xs);
    const seasonal = naiveForecast(w.xs, { method: 'seasonal', period: 3 });
    // window 0 = steps 0..4, target step 5: last = step 4, seasonal = step 2
    expect(Array.from(await last.data()).slice(0, 2)).toEqual([16, 25]);
    expect(Array.from(await seasonal.data()).slice(0, 2)).toEqual([4, 9]);
    const errors = await forecastErrors(last, w.ys);
    // targets 25..121, last values 16..100: errors 9, 11, ..., 21
    expect(errors.mae).toBeCloseTo((9 + 11 + 13 + 15 + 17 + 19 + 21) / 7);
    expect(() => naiveForecast(w.xs, { method: 'seasonal', period: 9 })).toThrow(ConfigError);
    expect(() => naiveForecast(w.xs, { targetColumn: 1 })).toThrow(ConfigError);
    const flat = tf.zeros([2, 2]);
    expect(() => naiveForecast(flat as unknown as tf.Tensor3D)).toThrow(ShapeError);
    tf.dispose([last, seasonal, flat]);
    w.dispose();
  });
});

describe('sequenceRegressor', () => {
  it('builds stacked, bidirectional LSTM/GRU/SimpleRNN regressors with the right shapes', () => {
    const m = sequenceRegressor({
      steps: 10,
      features: 2,
      cell: 'gru',
      units: 4,
      layers: 2,
      bidirectional: true,
    });
    expect(m.layers.map((l) => l.outputShape)).toEqual([
      [null, 10, 8],
      [null, 8],
      [null, 1],
    ]);
    const s = sequenceRegressor({ steps: 10, cell: 'simpleRNN', units: 3 });
    expect(s.countParams()).toBe(3 * 1 + 3 * 3 + 3 + 3 + 1);
    expect(() => sequenceRegressor({ cell: 'rnn' as 'lstm' })).toThrow(ConfigError);
    expect(() => sequenceRegressor({ units: 0 })).toThrow(ConfigError);
  });

  it('learns a sine wave better than persistence, the same with the same seed, without leaks', async () => {
    const run = async () => {
      setSeed(7);
      const series = Array.from({ length: 160 }, (_, i) => Math.sin(i / 3));
      const w = await windows(series, { window: 12 });
      const model = sequenceRegressor({ steps: 12, units: 8, recurrentDropout: 0.1, seed: 1 });
      const optimizer = adam({ learningRate: 1e-2 });
      model.compile({ optimizer, loss: 'meanSquaredError' });
      await model.fit(w.xs, w.ys, { epochs: 25, batchSize: 32, verbose: 0, shuffle: false });
      const predicted = model.predict(w.xs) as tf.Tensor;
      const naive = naiveForecast(w.xs);
      const result = [await forecastErrors(predicted, w.ys), await forecastErrors(naive, w.ys)];
      tf.dispose([predicted, naive]);
      w.dispose();
      model.dispose();
      optimizer.dispose();
      return result;
    };
    const before = tf.memory().numTensors;
    const [[model, naive], [again]] = [await run(), await run()];
    expect(model.mae).toBeLessThan(naive.mae);
    expect(again.mae).toBe(model.mae);
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);
});
