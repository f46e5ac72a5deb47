import '@tensorflow/tfjs-backend-cpu';
import { loadModel, modelToArtifacts, ShapeError, sequential, setSeed, tf } from '@tensorfold/core';
import { dense } from '@tensorfold/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { decompose } from './decompose.js';
import { factorize } from './dense-tt.js';
import { TTDense } from './tt-dense.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('TT dense (Novikov et al. 2015)', () => {
  it('factorizes sizes evenly', () => {
    expect(factorize(784, 3)).toEqual([14, 8, 7]);
    expect(factorize(512, 3)).toEqual([8, 8, 8]);
    expect(factorize(10, 3)).toEqual([5, 2, 1]);
  });

  it('at full TT ranks reproduces the Dense layer; lower energy, fewer parameters; saves and loads', async () => {
    setSeed(4);
    const model = sequential({
      layers: [
        dense({ units: 24, activation: 'relu', inputShape: [36], name: 'h' }),
        dense({ units: 3, name: 'o' }),
      ],
    });
    const x = tf.randomUniform([4, 36], -1, 1, 'float32', 9);
    const y = model.predict(x) as tf.Tensor;
    const full = await decompose(model, { method: 'tt', layers: ['h'], energy: 1 });
    expect(full.model.layers[0]).toBeInstanceOf(TTDense);
    const yFull = full.model.predict(x) as tf.Tensor;
    const diff = tf.max(tf.abs(tf.sub(y, yFull)));
    expect((await diff.data())[0]).toBeLessThan(1e-4);
    const small = await decompose(model, { method: 'tt', layers: ['h'], ranks: 2 });
    expect(small.layers[0].ranks).toEqual([2, 2]);
    expect(small.layers[0].paramsAfter).toBeLessThan(small.layers[0].paramsBefore);
    const reloaded = await loadModel(await modelToArtifacts(small.model));
    const [a, b] = [small.model.predict(x) as tf.Tensor, reloaded.predict(x) as tf.Tensor];
    const d2 = tf.max(tf.abs(tf.sub(a, b)));
    expect((await d2.data())[0]).toBeLessThan(1e-6);
    await expect(decompose(model, { method: 'tt', layers: ['h'], ranks: 1000 })).rejects.toThrow(ShapeError);
    tf.dispose([x, y, yFull, diff, a, b, d2]);
    for (const m of [model, full.model, small.model, reloaded]) m.dispose();
  });
});
