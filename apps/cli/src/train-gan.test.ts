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
import { checkGanFlags, ganBuildOptions } from './commands/train-gan.js';
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
      'and dcgan among the generative models. Drop it.',
    );
    await expect(run(['train', 'dcgan', '--dataset', 'iris', '--classes'])).rejects.toThrow(
      'dcgan trains on images',
    );
    await expect(run(['train', 'dcgan', '--class-weight', '-1'])).rejects.toThrow(
      '--class-weight must be a finite number >= 0 (e.g. 3), got "-1".',
    );
    // The generator halves --filters once: an odd or too small number fails here, naming the flag.
    for (const filters of ['65', '1'])
      await expect(run(['train', 'dcgan', '--filters', filters])).rejects.toThrow(
        `--filters must be an even number >= 2 for dcgan (its generator halves it once), got ${filters}: pass e.g. --filters 64.`,
      );
    // A decay of 0 would save the last step's generator labelled averaged.
    for (const ema of ['0', '1', '-0.5'])
      await expect(run(['train', 'dcgan', '--ema', ema])).rejects.toThrow(
        `--ema must be a number between 0 and 1, both excluded (e.g. 0.999), got "${ema}".`,
      );
    expect(() => checkGanFlags('dcgan', { ema: 0 })).toThrow('--ema must be a decay between 0 and 1');
    expect(() => checkGanFlags('dcgan', { filters: [64], ema: 0.999 })).not.toThrow();
  });

  it('--classes on a dataset of one class is refused once it has loaded, before the model is built', () => {
    expect(() => ganBuildOptions({ classes: true }, { name: 'shapes', numClasses: 1 })).toThrow(
      "--classes trains a class head on the images' labels; shapes has 1 class: use a labelled dataset",
    );
    expect(ganBuildOptions({ classes: true, filters: [8] }, { name: 'mnist', numClasses: 10 })).toEqual({
      filters: 8,
      classes: 10,
    });
  });

  it('refuses --lr-schedule cosine and --decay-from for the models that train at a constant rate', async () => {
    const takers =
      /apply to the image classifiers \(lenet5, .*mlp.*\) and the generative models \(dcgan, vae, autoencoder, denoising-autoencoder\); /;
    for (const model of ['forecaster', 'charlm', 'perceptron']) {
      await expect(run(['train', model, '--decay-from', '3'])).rejects.toThrow(
        `--decay-from applies to the image classifiers (`,
      );
      await expect(
        run(['train', model, '--lr-schedule', 'cosine', '--decay-from', '3', '--epochs', '5']),
      ).rejects.toThrow(takers);
      await expect(run(['train', model, '--lr-schedule', 'cosine'])).rejects.toThrow(
        `; ${model} trains at a constant --lr: drop it.`,
      );
    }
  });

  it("the help's class-head example, also the models-gan README's, runs (on 64 digits, 8 filters)", async () => {
    let help = '';
    const train = buildProgram(() => quiet).commands.find((command) => command.name() === 'train');
    train
      ?.configureOutput({
        writeOut: (text) => {
          help += text;
        },
      })
      .outputHelp();
    const example = help.match(/^ {2}(tensorfold train dcgan .*--classes.*)$/m)?.[1] as string;
    const readme = readFileSync(new URL('../../../packages/models-gan/README.md', import.meta.url), 'utf8');
    const inReadme = readme.match(/`(tensorfold train dcgan [^`]*--classes[^`]*)`/)?.[1];
    expect(inReadme?.replace(/\s+/g, ' ')).toBe(example);
    const args = example.split(' ').slice(1);
    const out = join(dir, 'example');
    args[args.indexOf('--out') + 1] = out;
    // Later values win: the example's flags, on 64 digits (one step an epoch) and a small network.
    args.push('--limit', '64', '--filters', '8', '--latent', '8', '--backend', 'wasm', '--json');
    const lines: string[] = [];
    await buildProgram(() => ({ ...quiet, line: (text) => lines.push(text) })).parseAsync([
      'node',
      'tensorfold',
      ...args,
    ]);
    const result = JSON.parse(lines.at(-1) as string);
    expect(result).toMatchObject({
      model: 'dcgan',
      dataset: 'mnist',
      epochs: 22,
      seed: 2,
      lrSchedule: 'cosine',
      decayFrom: 14,
      trainSamples: 64,
      savedTo: out,
      gan: {
        filters: 8,
        generatorBlocks: 1,
        discriminatorBatchNorm: true,
        classes: 10,
        classWeight: 5,
        labelSmoothing: 0.1,
        ema: 0.999,
      },
    });
    expect(Object.keys(result.train).sort()).toEqual(['d_class', 'd_loss', 'g_class', 'g_loss']);
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
