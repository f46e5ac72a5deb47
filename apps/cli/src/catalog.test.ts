import { models as classicModels } from '@tensorfold/models-classic';
import { models as cnnModels } from '@tensorfold/models-cnn';
import { models as ganModels } from '@tensorfold/models-gan';
import { models as rnnModels } from '@tensorfold/models-rnn';
import { describe, expect, it } from 'vitest';
import { MODEL_CATALOG } from './catalog.js';

describe('the model catalog', () => {
  it("is every models package's descriptions, by name, with nothing hand-kept in the CLI", () => {
    const described = [...cnnModels, ...classicModels, ...ganModels, ...rnnModels]
      .map((entry) => entry.name)
      .sort();
    expect(Object.keys(MODEL_CATALOG).sort()).toEqual(described);
    for (const entry of Object.values(MODEL_CATALOG)) {
      expect(entry.summary.length).toBeGreaterThan(10);
      expect(entry.datasets.length).toBeGreaterThan(0);
      expect(entry.defaults.epochs).toBeGreaterThan(0);
    }
  });

  it('builds a described model on demand', async () => {
    const { initBackend } = await import('@tensorfold/backend');
    await initBackend({ prefer: 'wasm' });
    const model = (await MODEL_CATALOG.lenet5.build({ numClasses: 10, inputShape: [28, 28, 1] })) as {
      countParams(): number;
      dispose(): void;
    };
    expect(model.countParams()).toBe(62_430);
    model.dispose();
  });
});
