import { useBackend } from '@tensorfold/backend';
import type { ModelBuildOptions } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { models } from './descriptions.js';

beforeAll(() => useBackend('wasm'));

describe('models', () => {
  it('describes each model once and builds it from what a consumer knows about the data', async () => {
    expect(models.map((m) => [m.name, m.task])).toEqual([
      ['forecaster', 'forecast'],
      ['spam', 'classify-text'],
      ['spam-conv1d', 'classify-text'],
      ['charlm', 'generate-text'],
    ]);
    const shapes = [];
    const cases: Array<[(typeof models)[number] | undefined, ModelBuildOptions]> = [
      [models[0], { inputShape: [60, 4] }],
      [models[1], { vocabulary: 100, inputShape: [50] }],
      [models[2], { vocabulary: 100, inputShape: [50] }],
      [models[3], { vocabulary: 40, inputShape: [30] }],
    ];
    for (const [m, options] of cases) {
      const model = await m?.build(options);
      shapes.push([model?.inputs[0]?.shape, model?.outputs[0]?.shape]);
      model?.dispose();
    }
    expect(shapes).toEqual([
      [
        [null, 60, 4],
        [null, 1],
      ],
      [
        [null, 50],
        [null, 1],
      ],
      [
        [null, 50],
        [null, 1],
      ],
      [
        [null, 30],
        [null, 40],
      ],
    ]);
  });
});
