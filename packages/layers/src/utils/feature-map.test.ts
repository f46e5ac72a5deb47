// The shape arithmetic of seed text 004, reproduced: its LeNet-5 table (activation shapes and
// parameter counts), checked against the layers themselves.
import { ConfigError, sequential } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { conv2d } from '../layers/conv/conv.js';
import { dense } from '../layers/core/dense.js';
import { flatten } from '../layers/core/flatten.js';
import { maxPooling2d } from '../layers/pooling/pooling.js';
import { useCpu } from '../test-utils/setup.js';
import { convParamCount, denseParamCount, featureMapSize } from './feature-map.js';

beforeAll(useCpu);

describe('featureMapSize', () => {
  it("gives the text's worked example: ((28 - 5 + 2*0) / 1) + 1 = 24", () => {
    expect(featureMapSize({ inputSize: 28, filterSize: 5, padding: 0, stride: 1 })).toBe(24);
  });

  it('pads, strides, rounds down partial windows and dilates as Keras does', () => {
    expect(featureMapSize({ inputSize: 28, filterSize: 3, padding: 1 })).toBe(28);
    expect(featureMapSize({ inputSize: 28, filterSize: 3, padding: 'same' })).toBe(28);
    expect(featureMapSize({ inputSize: 7, filterSize: 3, padding: 'same', stride: 2 })).toBe(4);
    expect(featureMapSize({ inputSize: 7, filterSize: 2, stride: 2 })).toBe(3);
    expect(featureMapSize({ inputSize: 10, filterSize: 3, dilation: 2 })).toBe(6);
    expect(featureMapSize({ inputSize: 227, filterSize: 11, stride: 4 })).toBe(55); // AlexNet's first layer
  });

  it('refuses what has no size, with a ConfigError', () => {
    expect(() => featureMapSize({ inputSize: 4, filterSize: 5 })).toThrow(ConfigError);
    expect(() => featureMapSize({ inputSize: 4, filterSize: 5 })).toThrow(/does not fit/);
    expect(() => featureMapSize({ inputSize: 28, filterSize: 0 })).toThrow(/filterSize/);
    expect(() => featureMapSize({ inputSize: 28, filterSize: 3, stride: 1.5 })).toThrow(/stride/);
    expect(() => featureMapSize({ inputSize: 28, filterSize: 3, padding: -1 })).toThrow(/padding/);
  });
});

describe("seed 004's LeNet-5 table", () => {
  // Layer, activation shape and parameters, as the text tabulates them.
  const table = [
    { layer: 'Conv2d(f=3,s=1) 8 Same', shape: [28, 28, 8], params: 80 },
    { layer: 'MaxPool(f=2,s=2) Valid', shape: [14, 14, 8], params: 0 },
    { layer: 'Conv2d(f=5,s=1) 16 Valid', shape: [10, 10, 16], params: 3216 },
    { layer: 'MaxPool(f=2,s=2) Valid', shape: [5, 5, 16], params: 0 },
    { layer: 'Flatten', shape: [400], params: 0 },
    { layer: 'Dense 120', shape: [120], params: 48120 },
    { layer: 'Dense 84', shape: [84], params: 10164 },
    { layer: 'Softmax 10', shape: [10], params: 850 },
  ];

  it('comes out of the formulas', () => {
    const conv1 = featureMapSize({ inputSize: 28, filterSize: 3, padding: 'same' });
    const pool1 = featureMapSize({ inputSize: conv1, filterSize: 2, stride: 2 });
    const conv2 = featureMapSize({ inputSize: pool1, filterSize: 5 });
    const pool2 = featureMapSize({ inputSize: conv2, filterSize: 2, stride: 2 });
    expect([conv1, pool1, conv2, pool2]).toEqual([28, 14, 10, 5]);
    const params = [
      convParamCount({ filterSize: 3, inputChannels: 1, filters: 8 }),
      convParamCount({ filterSize: 5, inputChannels: 8, filters: 16 }),
      denseParamCount({ inputs: pool2 * pool2 * 16, units: 120 }),
      denseParamCount({ inputs: 120, units: 84 }),
      denseParamCount({ inputs: 84, units: 10 }),
    ];
    expect(params).toEqual([80, 3216, 48120, 10164, 850]);
    expect(params.reduce((a, b) => a + b)).toBe(62430);
  });

  it('matches the layers built from the same table', () => {
    const model = sequential({
      layers: [
        conv2d({ filters: 8, kernelSize: 3, padding: 'same', inputShape: [28, 28, 1] }),
        maxPooling2d({ poolSize: 2 }),
        conv2d({ filters: 16, kernelSize: 5 }),
        maxPooling2d({ poolSize: 2 }),
        flatten(),
        dense({ units: 120 }),
        dense({ units: 84 }),
        dense({ units: 10, activation: 'softmax' }),
      ],
    });
    const rows = model.layers.map((layer) => ({
      shape: (layer.outputShape as (number | null)[]).slice(1),
      params: layer.countParams(),
    }));
    expect(rows).toEqual(table.map(({ shape, params }) => ({ shape, params })));
    model.dispose();
  });

  it('counts parameters without bias, and of rectangular filters', () => {
    expect(convParamCount({ filterSize: [3, 5], inputChannels: 2, filters: 4, useBias: false })).toBe(120);
    expect(denseParamCount({ inputs: 400, units: 120, useBias: false })).toBe(48000);
    expect(() => convParamCount({ filterSize: 3, inputChannels: 0, filters: 8 })).toThrow(ConfigError);
  });
});
