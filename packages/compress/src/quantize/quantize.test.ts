import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  ConfigError,
  loadModel,
  type Model,
  modelToArtifacts,
  SerializationError,
  sequential,
  setSeed,
  tf,
} from '@tensorfold/core';
import { conv2d, dense, flatten } from '@tensorfold/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadQuantized } from './load.js';
import {
  dequantizeArtifacts,
  isQuantized,
  modelWeightBytes,
  quantizeArtifacts,
  quantizeModel,
  weightBytes,
} from './quantize.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function smallNet(): Model {
  setSeed(3);
  return sequential({
    layers: [
      conv2d({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [6, 6, 2] }),
      flatten(),
      dense({ units: 16, activation: 'relu' }),
      dense({ units: 3 }),
    ],
  });
}

async function maxDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const d = tf.max(tf.abs(tf.sub(a, b)));
  const v = (await d.data())[0];
  d.dispose();
  return v;
}

describe('quantizeModel', () => {
  it.each([
    ['float16', 2, 1e-2],
    ['uint16', 2, 1e-3],
    ['uint8', 4, 0.1],
  ] as const)(
    '%s weights load unchanged in tfjs-layers and tensorfold and predict close',
    async (dtype, ratio, atol) => {
      const model = smallNet();
      const x = tf.randomUniform([5, 6, 6, 2], -1, 1, 'float32', 7);
      const floatArtifacts = await modelToArtifacts(model);
      const q = await quantizeModel(model, { dtype });
      expect(isQuantized(q)).toBe(true);
      expect(weightBytes(floatArtifacts) / weightBytes(q)).toBeCloseTo(ratio, 5);
      const yFloat = model.predict(x) as tf.Tensor;
      const before = tf.memory().numTensors;
      const ours = await loadModel(q);
      const yOurs = ours.predict(x) as tf.Tensor;
      ours.dispose();
      expect(tf.memory().numTensors).toBe(before + 1); // only the prediction stays
      const theirs = await tfl.loadLayersModel(tf.io.fromMemory(q));
      const yTheirs = theirs.predict(x) as tf.Tensor;
      expect(await maxDiff(yFloat, yTheirs)).toBeLessThan(atol);
      expect(await maxDiff(yFloat, yOurs)).toBeLessThan(atol);
      expect(await maxDiff(yTheirs, yOurs)).toBeLessThan(1e-5); // the same decoded weights
      tf.dispose([yFloat, yTheirs, yOurs]);
      theirs.dispose();
      model.dispose();
      x.dispose();
    },
  );

  it('per-channel int8 is 4x smaller, loads with loadQuantized, and tfjs-layers refuses it', async () => {
    const model = smallNet();
    const x = tf.randomUniform([5, 6, 6, 2], -1, 1, 'float32', 8);
    const q = await quantizeModel(model, { dtype: 'int8' });
    expect(weightBytes(await modelToArtifacts(model)) / weightBytes(q)).toBeCloseTo(4, 5);
    await expect(tfl.loadLayersModel(tf.io.fromMemory(q))).rejects.toThrow();
    await expect(loadModel(q)).rejects.toThrow(SerializationError);
    const ours = await loadQuantized(tf.io.fromMemory(q));
    const [a, b] = [model.predict(x) as tf.Tensor, ours.predict(x) as tf.Tensor];
    expect(await maxDiff(a, b)).toBeLessThan(0.05);
    tf.dispose([a, b, x]);
    ours.dispose();
    model.dispose();
  });

  it('modelWeightBytes leaves optimizer state out', async () => {
    const model = smallNet();
    const artifacts = await modelToArtifacts(model);
    const withState = {
      ...artifacts,
      weightSpecs: [
        ...(artifacts.weightSpecs ?? []),
        { name: 'iter', shape: [3], dtype: 'float32' as const, group: 'optimizer' as const },
      ],
    };
    expect(modelWeightBytes(withState)).toBe(weightBytes(artifacts));
    expect(modelWeightBytes(await quantizeModel(model, { dtype: 'uint8' }))).toBe(weightBytes(artifacts) / 4);
    model.dispose();
  });

  it('minElements keeps small weights float32', async () => {
    const model = smallNet();
    const q = await quantizeModel(model, { dtype: 'uint8', minElements: 17 });
    const kept = q.weightSpecs?.filter((s) => !s.quantization).map((s) => s.name);
    expect(kept).toEqual(
      model.weights.filter((w) => w.shape.reduce((a, b) => a * b, 1) < 17).map((w) => w.path),
    );
    model.dispose();
  });

  it('dequantizeArtifacts gives float32 entries tfjs-layers loads', async () => {
    const model = smallNet();
    const q = await quantizeModel(model, { dtype: 'uint8' });
    const f = dequantizeArtifacts(q);
    expect(isQuantized(f)).toBe(false);
    expect(weightBytes(f)).toBe(weightBytes(await modelToArtifacts(model)));
    const a = await loadModel(q);
    const b = await tfl.loadLayersModel(tf.io.fromMemory(f));
    const x = tf.ones([1, 6, 6, 2]);
    const [ya, yb] = [a.predict(x) as tf.Tensor, b.predict(x) as tf.Tensor];
    expect(await maxDiff(ya, yb)).toBeLessThan(1e-6);
    tf.dispose([x, ya, yb]);
    a.dispose();
    b.dispose();
    model.dispose();
  });

  it('refuses to quantize twice and unknown dtypes, saying what to do', async () => {
    const model = smallNet();
    const q = await quantizeModel(model, { dtype: 'uint8' });
    expect(() => quantizeArtifacts(q, { dtype: 'uint8' })).toThrow(
      /already quantized; quantize the float32 model/,
    );
    expect(() => quantizeArtifacts(q, { dtype: 'int4' as never })).toThrow(ConfigError);
    model.dispose();
  });
});
