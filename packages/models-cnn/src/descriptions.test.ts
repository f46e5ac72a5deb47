import { useBackend } from '@tensorfold/backend';
import type { Model } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { models } from './descriptions.js';

beforeAll(() => useBackend('wasm'));

/** The rate of every dropout layer of `model`, by layer name. */
function dropoutRates(model: Model): Record<string, number> {
  const rates: Record<string, number> = {};
  for (const layer of model.layers)
    if (layer.name.endsWith('_dropout')) rates[layer.name] = layer.getConfig().rate as number;
  return rates;
}

describe('the vggsmall description', () => {
  const vgg = models.find((entry) => entry.name === 'vggsmall');
  if (!vgg) throw new Error('vggsmall is not described');

  it('passes dropout to vggSmall: the rate after each block, twice it (at most 0.5) in the head', async () => {
    const model = (await vgg.build({ numClasses: 10, filters: [4, 8], dropout: 0.1 })) as Model;
    expect(dropoutRates(model)).toEqual({ block1_dropout: 0.1, block2_dropout: 0.1, fc1_dropout: 0.2 });
    model.dispose();
    const none = (await vgg.build({ numClasses: 10, filters: [4, 8], dropout: 0 })) as Model;
    expect(dropoutRates(none)).toEqual({});
    none.dispose();
  });

  it("keeps the builder's own dropout (0.25, head 0.5) when none is given", async () => {
    const model = (await vgg.build({ numClasses: 10, filters: [4] })) as Model;
    expect(dropoutRates(model)).toEqual({ block1_dropout: 0.25, fc1_dropout: 0.5 });
    model.dispose();
  });
});
