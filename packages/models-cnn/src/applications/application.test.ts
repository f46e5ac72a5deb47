import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBackend } from '@tensorfold/backend';
import { ConfigError, fileSystem, memoryIO, SerializationError, ShapeError, tf } from '@tensorfold/core/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mobileNetV2 } from './mobilenet-v2.js';
import { resnet50 } from './resnet.js';

beforeAll(() => useBackend('cpu'));
const dir = mkdtempSync(join(tmpdir(), 'tf-apps-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const small = { inputShape: [32, 32, 3], classes: 4, alpha: 0.35 } as const;

async function sameWeights(a: tf.Tensor[], b: tf.Tensor[]): Promise<boolean> {
  for (let i = 0; i < a.length; i++) {
    const [x, y] = [await a[i].data(), await b[i].data()];
    if (x.length !== y.length || x.some((v, j) => v !== y[j])) return false;
  }
  return true;
}

describe('the applications builder', () => {
  it('loads weights by layer name from a saved model (memory and a directory path)', async () => {
    const source = await mobileNetV2(small);
    const handler = memoryIO();
    await source.save(handler);
    await source.save(fileSystem(dir));
    const fromMemory = await mobileNetV2({ ...small, weights: handler });
    const fromPath = await mobileNetV2({ ...small, weights: join(dir, 'model.json') });
    expect(await sameWeights(fromMemory.getWeights(), source.getWeights())).toBe(true);
    expect(await sameWeights(fromPath.getWeights(), source.getWeights())).toBe(true);
    // A full model's weights load into the base without its top (the file's `predictions` is ignored).
    const base = await mobileNetV2({ ...small, includeTop: false, weights: handler });
    expect(base.countParams()).toBe(source.countParams() - (1280 * 4 + 4));
    for (const m of [source, fromMemory, fromPath, base]) m.dispose();
  });

  it('names the first layer whose shapes do not match, and changes nothing', async () => {
    const source = await mobileNetV2(small);
    const handler = memoryIO();
    await source.save(handler);
    source.dispose();
    const before = tf.memory().numTensors;
    await expect(mobileNetV2({ ...small, classes: 5, weights: handler })).rejects.toThrow(ShapeError);
    await expect(mobileNetV2({ ...small, classes: 5, weights: handler })).rejects.toThrow(
      /Layer "predictions".*\[1280, 5\].*\[1280, 4\]/,
    );
    await expect(mobileNetV2({ ...small, alpha: 0.5, weights: handler })).rejects.toThrow(
      /Layer "block_1_project"/,
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('says which weight a file lacks', async () => {
    const base = await mobileNetV2({ ...small, includeTop: false });
    const handler = memoryIO();
    await base.save(handler);
    base.dispose();
    await expect(mobileNetV2({ ...small, weights: handler })).rejects.toThrow(SerializationError);
    await expect(mobileNetV2({ ...small, weights: handler })).rejects.toThrow(/no "predictions\/kernel"/);
  });

  it('names the pooling layers as Keras, and gives logits without an activation', async () => {
    const avg = await resnet50({ includeTop: false, pooling: 'avg', inputShape: [32, 32, 3] });
    expect(avg.layers.at(-1)?.name).toBe('avg_pool');
    avg.dispose();
    const max = await resnet50({ includeTop: false, pooling: 'max', inputShape: [32, 32, 3] });
    expect(max.layers.at(-1)?.name).toBe('max_pool');
    expect(max.outputs[0].shape).toEqual([null, 2048]);
    max.dispose();
    const logits = await mobileNetV2({ ...small, classifierActivation: null });
    const y = logits.predict(tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', 1)) as tf.Tensor;
    const sums = await tf.sum(y, 1).data();
    expect(Math.abs(sums[0] - 1)).toBeGreaterThan(1e-3); // not probabilities
    y.dispose();
    logits.dispose();
  });

  it('rejects bad options before building anything', async () => {
    await expect(mobileNetV2({ classes: 0 })).rejects.toThrow(ConfigError);
    await expect(mobileNetV2({ pooling: 'sum' as 'avg' })).rejects.toThrow(/'avg', 'max' or null/);
    await expect(mobileNetV2({ inputShape: [32, 32] })).rejects.toThrow(/height, width, channels/);
    await expect(mobileNetV2({ alpha: 0 })).rejects.toThrow(/alpha/);
    await expect(mobileNetV2({ weights: 'nothing-here://x' })).rejects.toThrow(/No loader/);
  });
});
