import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from '@tensorfold/backend';
import { fileSystem, loadModel, tf } from '@tensorfold/core/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDigits } from '../../lib/digits';
import { accuracy, decomposed, original, quantized } from './compression';

const publicDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'public');

beforeAll(async () => {
  await initBackend({ require: 'cpu' });
});

describe('Compression page', () => {
  it('measures the shipped LeNet-5, its quantizations and decompositions on the test digits, without leaks', async () => {
    const digits = parseDigits(new Uint8Array(readFileSync(join(publicDir, 'data', 'digits-test.bin'))));
    const model = await loadModel(fileSystem(join(publicDir, 'models', 'lenet5')));
    const record = JSON.parse(readFileSync(join(publicDir, 'models', 'lenet5', 'training.json'), 'utf8'));
    const before = tf.memory().numTensors;
    const base = await original(model, digits);
    expect(base.accuracy).toBeCloseTo(record.result.testAccuracy, 3);
    expect(base.bytes).toBe(62_430 * 4);
    const f16 = await quantized(model, digits, 'float16', 'float16');
    expect(f16.bytes).toBe(62_430 * 2);
    expect(Math.abs(f16.accuracy - base.accuracy)).toBeLessThanOrEqual(0.004);
    const int8 = await quantized(model, digits, 'int8', 'int8');
    expect(int8.bytes).toBeLessThan(base.bytes / 3.9);
    expect(int8.accuracy).toBeGreaterThan(base.accuracy - 0.02);
    const loose = await decomposed(model, digits, 'svd', 'svd', 0.5);
    const tight = await decomposed(model, digits, 'svd', 'svd', 0.8);
    expect(loose.bytes).toBeLessThan(tight.bytes);
    expect(tight.bytes).toBeLessThan(base.bytes);
    expect(tight.accuracy).toBeGreaterThan(0.85);
    expect(tight.accuracy).toBeGreaterThan(loose.accuracy);
    const cp = await decomposed(model, digits, 'cp', 'cp', 0.9);
    expect(cp.detail).toMatch(/c3: rank \d+, 3216 → \d+/);
    expect(tf.memory().numTensors).toBe(before);
    expect(await accuracy(model, digits)).toBe(base.accuracy);
    model.dispose();
    digits.images.dispose();
  }, 120_000);
});
