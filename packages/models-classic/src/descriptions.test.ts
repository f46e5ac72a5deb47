import { describe, expect, it } from 'vitest';
import { Adaline } from './adaline.js';
import { models } from './descriptions.js';
import type { Madaline } from './madaline.js';
import { Perceptron } from './perceptron.js';
import type { SingleLayerPerceptron } from './single-layer-perceptron.js';

const byName = Object.fromEntries(models.map((m) => [m.name, m]));

describe('the classic neurons, described for the CLI and the demo site', () => {
  it('are classic-neuron models that learn one sample at a time', () => {
    for (const name of ['perceptron', 'adaline', 'madaline', 'slp']) {
      expect(byName[name]?.task, name).toBe('classic-neuron');
      expect(byName[name].defaults.batchSize).toBe(1);
      expect(byName[name].source).toMatch(/seed 003/);
    }
    expect(byName.perceptron.datasets[0]).toBe('fruit');
    expect(byName.adaline.datasets[0]).toBe('iris');
    expect(byName.madaline.datasets[0]).toBe('xor');
  });

  it('build the models, with the options the builders take', async () => {
    const p = (await byName.perceptron.build({
      inputShape: [2],
      weights: [-30, 300],
      bias: -1230,
    })) as Perceptron;
    expect(p).toBeInstanceOf(Perceptron);
    expect(p.predict([[121, 16.8]])).toEqual([1]);
    expect(await byName.adaline.build({})).toBeInstanceOf(Adaline);
    const m = (await byName.madaline.build({ hiddenUnits: 3 })) as Madaline;
    expect(m.hiddenUnits).toBe(3);
    expect(m.outputBias).toBe(1);
    const s = (await byName.slp.build({ numClasses: 3 })) as SingleLayerPerceptron;
    expect(s.outputs).toBe(3);
  });
});
