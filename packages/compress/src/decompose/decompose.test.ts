import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  ConfigError,
  model as functional,
  input,
  type Model,
  modelToArtifacts,
  ShapeError,
  type SymbolicTensor,
  sequential,
  setSeed,
  tf,
} from '@tensorfold/core';
import { conv2d, dense, flatten, maxPooling2d } from '@tensorfold/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { decompose } from './decompose.js';
import { fineTune } from './fine-tune.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function net(): Model {
  setSeed(5);
  return sequential({
    layers: [
      conv2d({
        filters: 6,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        inputShape: [8, 8, 3],
        name: 'c1',
      }),
      conv2d({ filters: 8, kernelSize: 3, strides: 2, activation: 'relu', name: 'c2' }),
      maxPooling2d({ poolSize: 1 }),
      flatten(),
      dense({ units: 12, activation: 'relu', name: 'd1' }),
      dense({ units: 4, activation: 'softmax', name: 'd2' }),
    ],
  });
}

async function maxDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const d = tf.max(tf.abs(tf.sub(a, b)));
  const v = (await d.data())[0];
  d.dispose();
  return v;
}

async function relDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  return (await maxDiff(a, b)) / (await tf.max(tf.abs(a)).data())[0];
}

describe('decompose', () => {
  it('svd at full rank reproduces the model; a lower rank has fewer parameters; tfjs-layers loads it', async () => {
    const model = net();
    const x = tf.randomUniform([3, 8, 8, 3], -1, 1, 'float32', 1);
    const y = model.predict(x) as tf.Tensor;
    const full = await decompose(model, { method: 'svd', layers: ['d1', 'd2'], ranks: { d1: 12, d2: 4 } });
    const yFull = full.model.predict(x) as tf.Tensor;
    expect(await maxDiff(y, yFull)).toBeLessThan(1e-4);
    expect(full.model.layers.map((l) => l.name)).toContain('d1_svd_in');
    const low = await decompose(model, { method: 'svd', layers: ['d1'], ranks: 2 });
    const d1 = low.layers[0];
    expect(d1).toMatchObject({ layer: 'd1', status: 'decomposed', ranks: [2], paramsBefore: 72 * 12 + 12 });
    expect(d1.paramsAfter).toBe(72 * 2 + 2 * 12 + 12);
    const theirs = await tfl.loadLayersModel(tf.io.fromMemory(await modelToArtifacts(low.model)));
    const [a, b] = [low.model.predict(x) as tf.Tensor, theirs.predict(x) as tf.Tensor];
    expect(await maxDiff(a, b)).toBeLessThan(1e-5);
    tf.dispose([x, y, yFull, a, b]);
    for (const m of [model, full.model, low.model]) m.dispose();
    theirs.dispose();
  });

  it.each(['tucker2', 'cp'] as const)(
    '%s: full ranks reproduce the conv, the model loads in tfjs-layers',
    async (method) => {
      const model = net();
      const x = tf.randomUniform([2, 8, 8, 3], -1, 1, 'float32', 2);
      const y = model.predict(x) as tf.Tensor;
      // c2's kernel is [3, 3, 6, 8]: Tucker-2 at [6, 8] is exact; CP at 48 (its generic bound) nearly
      const ranks = method === 'tucker2' ? ({ c2: [6, 8] } as Record<string, [number, number]>) : { c2: 54 };
      const result = await decompose(model, { method, layers: ['c2'], ranks });
      const yd = result.model.predict(x) as tf.Tensor;
      expect(await relDiff(y, yd)).toBeLessThan(method === 'tucker2' ? 1e-4 : 5e-2);
      const theirs = await tfl.loadLayersModel(tf.io.fromMemory(await modelToArtifacts(result.model)));
      const yt = theirs.predict(x) as tf.Tensor;
      expect(await maxDiff(yd, yt)).toBeLessThan(1e-5);
      const classes = result.model.layers.map((l) => l.className);
      expect(classes).toContain(method === 'cp' ? 'DepthwiseConv2D' : 'Conv2D');
      tf.dispose([x, y, yd, yt]);
      model.dispose();
      result.model.dispose();
      theirs.dispose();
    },
  );

  it('by energy: more energy, higher ranks; the default list skips layers that would grow', async () => {
    const model = net();
    const lo = await decompose(model, { method: 'tucker2', energy: 0.5 });
    const hi = await decompose(model, { method: 'tucker2', energy: 0.999 });
    const rank = (r: typeof lo, n: string) => r.layers.find((l) => l.layer === n)?.ranks ?? [];
    expect(rank(lo, 'c2')[1]).toBeLessThanOrEqual(rank(hi, 'c2')[1]);
    // c1 has 3 input channels: at 0.999 energy the sequence is larger, so it stays
    expect(hi.layers.find((l) => l.layer === 'c1')?.status).toBe('skipped');
    expect(hi.model.layers.map((l) => l.name)).toContain('c1');
    for (const m of [model, lo.model, hi.model]) m.dispose();
  });

  it('refuses layers it cannot decompose, unknown layers, ranks too large, functional models', async () => {
    const model = net();
    const before = tf.memory().numTensors;
    await expect(decompose(model, { method: 'svd', layers: ['c1'] })).rejects.toThrow(
      /"c1" is a Conv2D; method "svd" decomposes Dense layers \(svd, tt: Dense; tucker2, cp: Conv2D\)/,
    );
    await expect(decompose(model, { method: 'cp', layers: ['nope'] })).rejects.toThrow(/no layer "nope"/);
    await expect(decompose(model, { method: 'svd', layers: ['d2'], ranks: 5 })).rejects.toThrow(ShapeError);
    await expect(decompose(model, { method: 'svd', layers: ['d2'], ranks: 5 })).rejects.toThrow(/at most 4/);
    await expect(decompose(model, { method: 'tucker2', layers: ['c2'], ranks: [7, 2] })).rejects.toThrow(
      /input-channel rank 7 of layer "c2" is larger than the layer allows \(6\)/,
    );
    await expect(decompose(model, { method: 'svd', energy: 1.5 })).rejects.toThrow(ConfigError);
    await expect(decompose(model, { method: 'qr' as never })).rejects.toThrow(/Unknown decomposition method/);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
    const x = input({ shape: [2] });
    const g = functional({ inputs: x, outputs: dense({ units: 1 }).apply(x) as SymbolicTensor });
    await expect(decompose(g, { method: 'svd' })).rejects.toThrow(/rebuilds sequential models/);
    g.dispose();
  });

  it('fineTune lowers the loss of a decomposed model', async () => {
    const model = net();
    const x = tf.randomUniform([32, 8, 8, 3], -1, 1, 'float32', 3);
    const y = tf.tensor1d(
      Array.from({ length: 32 }, (_, i) => i % 4),
      'float32',
    );
    const { model: small } = await decompose(model, { method: 'svd', layers: ['d1'], ranks: 3 });
    const first = await fineTune(small, { x, y }, { epochs: 1, batchSize: 8 });
    const later = await fineTune(small, { x, y }, { epochs: 5, batchSize: 8 });
    expect(later).toBeLessThan(first);
    await expect(fineTune(small, { x, y }, { epochs: -1 })).rejects.toThrow(ConfigError);
    tf.dispose([x, y]);
    model.dispose();
    small.dispose();
  });
});
