import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from '@tensorfold/backend';
import { fileSystem, loadModel, tf } from '@tensorfold/core/node';
import { VAE } from '@tensorfold/models-gan';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDigits, TEST_DIGITS } from '../../lib/digits';
import { ToyGanSession } from './toy-gan';
import {
  codeOf,
  dcganSamples,
  FRAMES,
  GRID,
  interpolation,
  latentGrid,
  reconstructionPsnr,
} from './vae-explorer';

const publicDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'public');

beforeAll(async () => {
  await initBackend({ require: 'cpu' });
});

describe('Generative models page', () => {
  it('the toy GAN steps both players, logs both losses, and its points move toward the ring', async () => {
    const before = tf.memory().numTensors;
    const session = new ToyGanSession({ dataset: 'ring', learningRate: 0.002, seed: 1 });
    const start = await session.view();
    expect(start.real).toHaveLength(256);
    expect(start.field).toHaveLength(40 * 40);
    for (let i = 0; i < 60; i++) await session.train();
    const after = await session.view();
    expect(after.step).toBe(60);
    expect(session.dLoss).toHaveLength(60);
    expect(session.gLoss.every(Number.isFinite)).toBe(true);
    expect(after.energy).toBeLessThan(start.energy);
    session.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);

  it('the same seed gives the same toy GAN', async () => {
    const views = [];
    for (let run = 0; run < 2; run++) {
      const s = new ToyGanSession({ dataset: 'moons', learningRate: 0.002, seed: 7 });
      await s.train();
      views.push(await s.view());
      s.dispose();
    }
    expect(views[0].generated).toEqual(views[1].generated);
  }, 60_000);

  it('the shipped VAE and DCGAN load and decode; reconstructions match the recorded quality', async () => {
    const bytes = new Uint8Array(readFileSync(join(publicDir, 'data', 'digits-test.bin')));
    const digits = parseDigits(bytes);
    expect(digits.labels).toHaveLength(TEST_DIGITS);
    expect(() => parseDigits(bytes.subarray(0, 1000))).toThrow(/whole labelled/);
    const vae = await loadModel(fileSystem(join(publicDir, 'models', 'vae')));
    expect(vae).toBeInstanceOf(VAE);
    const model = vae as VAE;
    const record = JSON.parse(readFileSync(join(publicDir, 'models', 'vae', 'training.json'), 'utf8'));
    expect(await reconstructionPsnr(model, digits)).toBeCloseTo(record.result.testReconstructionPsnrDb, 0);
    expect(await latentGrid(model)).toHaveLength(GRID * GRID * 784);
    const path = await interpolation(model, digits, 0, 1);
    expect(path).toHaveLength(FRAMES * 784);
    const [zero, one] = [await codeOf(model, digits, 0), await codeOf(model, digits, 1)];
    expect(Math.hypot(zero[0] - one[0], zero[1] - one[1])).toBeGreaterThan(0.5); // 0 and 1 lie apart
    model.dispose();
    const dcganDir = join(publicDir, 'models', 'dcgan-generator');
    if (existsSync(join(dcganDir, 'model.json'))) {
      const generator = await loadModel(fileSystem(dcganDir));
      const a = await dcganSamples(generator, 1);
      expect(a.every((v) => v >= 0 && v <= 1)).toBe(true);
      expect(await dcganSamples(generator, 1)).toEqual(a);
      expect(await dcganSamples(generator, 2)).not.toEqual(a);
      generator.dispose();
    }
    digits.images.dispose();
  }, 60_000);
});
