import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileSystem, loadModel, tf } from '@tensorfold/core/node';
import { GAN } from '@tensorfold/models-gan';
import { decode } from 'fast-png';
import { afterAll, describe, expect, it } from 'vitest';
import { generateCommand } from './commands/generate.js';
import { summaryCommand } from './commands/summary.js';
import { learningRateOver } from './commands/train-extras.js';
import { trainGenerative } from './commands/train-generative.js';
import type { Output } from './output.js';
import { buildProgram } from './program.js';
import { quietOutput as quiet } from './test-utils/quiet-output.js';

const dir = mkdtempSync(join(tmpdir(), 'tensorfold-train-gan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `tensorfold <args>` in this process, printing nothing. */
async function run(args: string[]): Promise<void> {
  const output = (): Output => quiet;
  await buildProgram(output).parseAsync(['node', 'tensorfold', ...args]);
}

const base = {
  model: 'dcgan',
  dataset: 'mnist',
  optimizer: 'adam' as const,
  validationSplit: 0,
  backend: 'wasm' as const,
  json: true,
};

describe('tensorfold train dcgan: the class head, a deeper generator, the weight average, a held rate', () => {
  it('trains a class-head DCGAN with every GAN flag, saves it, and generate draws from it', async () => {
    const out = join(dir, 'classes');
    const result = await trainGenerative(
      {
        ...base,
        seed: 3,
        limit: 128,
        epochs: 2,
        batchSize: 64,
        latent: 8,
        filters: [8],
        dropout: 0.3,
        generatorBlocks: 1,
        discriminatorBatchNorm: true,
        classes: true,
        classWeight: 3,
        labelSmoothing: 0.1,
        ema: 0.9,
        lrSchedule: 'cosine',
        decayFrom: 1,
        out,
      },
      quiet,
    );
    expect(result.epochs).toBe(2);
    // The class terms are logged beside the real/fake losses (compile's classWeight took effect).
    expect(Object.keys(result.train).sort()).toEqual(['d_class', 'd_loss', 'g_class', 'g_loss']);
    expect(result.gan).toEqual({
      filters: 8,
      dropout: 0.3,
      generatorBlocks: 1,
      discriminatorBatchNorm: true,
      classes: 10,
      classWeight: 3,
      labelSmoothing: 0.1,
      ema: 0.9,
    });
    expect(result.lrSchedule).toBe('cosine');
    expect(result.decayFrom).toBe(1);

    const before = tf.memory().numTensors;
    const saved = await loadModel(fileSystem(out));
    try {
      expect(saved).toBeInstanceOf(GAN);
      const gan = saved as GAN;
      expect(gan.classes).toBe(10); // the class head was saved and loaded with the discriminator
      expect(gan.latentDim).toBe(8);
      // generatorBlocks 1: a stride-1 Conv2D before the two transposed convolutions.
      expect(gan.generator.layers.filter((l) => l.className === 'Conv2D')).toHaveLength(1);
      expect(gan.discriminator.layers.some((l) => l.className === 'BatchNormalization')).toBe(true);
    } finally {
      saved.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);

    const samples = join(dir, 'classes.png');
    const drawn = await generateCommand({ model: out, count: 4, seed: 3, out: samples }, quiet);
    expect(drawn.images).toBe(4);
    const picture = decode(readFileSync(samples));
    expect([picture.width, picture.height]).toEqual([2 * 30 + 2, 2 * 30 + 2]); // 2 x 2 digits, 2 px apart

    // `tensorfold summary` loads it too (the GAN class registered): latent -> generator -> discriminator.
    const lines: string[] = [];
    await summaryCommand(out, { ...quiet, line: (text) => lines.push(text) });
    expect(lines.join('\n')).toMatch(/generator[\s\S]*discriminator/);
  });

  it('--ema saves the averaged generator, not the last step', async () => {
    const train = (ema: number | undefined, out: string) =>
      trainGenerative(
        { ...base, seed: 5, limit: 64, epochs: 1, batchSize: 32, latent: 4, filters: [4], ema, out },
        quiet,
      );
    const last = join(dir, 'last');
    const averaged = join(dir, 'averaged');
    await train(undefined, last);
    await train(0.5, averaged);
    const [a, b] = [await loadModel(fileSystem(last)), await loadModel(fileSystem(averaged))];
    try {
      // Same seed, same steps: the discriminators match, the generators differ by the average alone.
      const weights = (m: unknown) => (m as GAN).generator.weights.map((w) => w.read().dataSync());
      const discriminator = (m: unknown) => (m as GAN).discriminator.weights[0].read().dataSync();
      expect(Array.from(discriminator(b))).toEqual(Array.from(discriminator(a)));
      expect(Array.from(weights(b)[0])).not.toEqual(Array.from(weights(a)[0]));
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it('refuses GAN flags where they do not apply, naming the fix, before anything loads', async () => {
    await expect(run(['train', 'lenet5', '--classes'])).rejects.toThrow(
      '--classes applies to dcgan (a GAN); lenet5 is not one: drop it.',
    );
    await expect(run(['train', 'vae', '--ema', '0.999', '--generator-blocks', '1'])).rejects.toThrow(
      '--generator-blocks, --ema apply to dcgan (a GAN); vae is not one: drop them.',
    );
    await expect(run(['train', 'dcgan', '--class-weight', '3'])).rejects.toThrow(
      '--class-weight weighs the class terms of a discriminator with a class head: add --classes',
    );
    await expect(run(['train', 'dcgan', '--filters', '64,128'])).rejects.toThrow(
      '--filters takes one number for dcgan',
    );
    await expect(run(['train', 'dcgan', '--decay-from', '3'])).rejects.toThrow('add --lr-schedule cosine.');
    await expect(
      run(['train', 'dcgan', '--lr-schedule', 'cosine', '--decay-from', '5', '--epochs', '5']),
    ).rejects.toThrow('--decay-from 5 leaves no epoch to decay in (--epochs is 5)');
    await expect(run(['train', 'vae', '--filters', '16'])).rejects.toThrow(
      '--filters applies to dcgan among the generative models',
    );
    await expect(run(['train', 'dcgan', '--dataset', 'iris', '--classes'])).rejects.toThrow(
      'dcgan trains on images',
    );
    await expect(run(['train', 'dcgan', '--class-weight', '-1'])).rejects.toThrow(
      '--class-weight must be a finite number >= 0 (e.g. 3), got "-1".',
    );
  });

  it('--decay-from holds the rate through its epoch, then decays it along the half cosine to 0', () => {
    const rate = learningRateOver('cosine', 2e-4, 10, 4);
    if (typeof rate === 'number') throw new Error('expected a schedule');
    expect(rate.at(0)).toBeCloseTo(2e-4, 12);
    expect(rate.at(3)).toBeCloseTo(2e-4, 12);
    expect(rate.at(4)).toBeCloseTo(2e-4, 12); // the cosine starts after the 4 held steps
    expect(rate.at(7)).toBeCloseTo(1e-4, 12); // half way through the 6 decaying steps
    expect(rate.at(10)).toBeCloseTo(0, 12);
    expect(learningRateOver('constant', 2e-4, 10, 4)).toBe(2e-4);
  });
});
