// `tensorfold train` refuses, before any data loads, each flag the model's training path would ignore.
import { ConfigError } from '@tensorfold/core';
import { describe, expect, it } from 'vitest';
import { MODEL_CATALOG as MODELS } from './catalog.js';
import { buildProgram } from './program.js';
import { quietOutput } from './test-utils/quiet-output.js';
import { refuseIgnoredFlags, refuseIgnoredWidths, TRAIN_FLAGS, trainPath } from './train-flags.js';

async function run(args: string[]): Promise<void> {
  await buildProgram(() => quietOutput).parseAsync(['node', 'tensorfold', ...args]);
}

/** Each flag with a value to give it. */
const VALUES: Record<string, string[]> = {
  '--augment': [],
  '--early-stopping': ['2'],
  '--history': ['history.json'],
  '--plot': ['plots'],
  '--live': [],
  '--logdir': ['logs'],
  '--force': [],
  '--latent': ['2'],
  '--validation-split': ['0.1'],
  '--optimizer': ['sgd'],
  '--filters': ['16'],
  '--dropout': ['0.2'],
  '--window': ['5'],
  '--predict': ['change'],
  '--limit': ['10'],
};

const IMAGES = /the image classifiers \(lenet5, .*mlp.*\)/;

describe('tensorfold train refuses the flags a training path ignores', () => {
  it('recurrent models: the image-only flags, --logdir, --latent, --filters, --dropout', async () => {
    for (const flag of [
      '--augment',
      '--early-stopping',
      '--history',
      '--plot',
      '--live',
      '--force',
      '--validation-split',
    ]) {
      await expect(run(['train', 'charlm', flag, ...VALUES[flag]])).rejects.toThrow(
        `${flag} does not apply to charlm (a recurrent model): ${flag} applies to the image classifiers (`,
      );
    }
    await expect(run(['train', 'forecaster', '--force'])).rejects.toThrow(ConfigError);
    await expect(run(['train', 'forecaster', '--logdir', 'logs'])).rejects.toThrow(
      /^--logdir does not apply to forecaster \(a recurrent model\): --logdir applies to the image classifiers \(.*\) and the generative models \(dcgan, vae, autoencoder, denoising-autoencoder\)\. Drop it\.$/,
    );
    await expect(run(['train', 'spam', '--latent', '2'])).rejects.toThrow(
      '--latent does not apply to spam (a recurrent model): --latent applies to the generative models (dcgan, vae, autoencoder, denoising-autoencoder). Drop it.',
    );
    await expect(run(['train', 'forecaster', '--filters', '16'])).rejects.toThrow(
      '--filters applies to stackedconvnet, vggsmall, resnetsmall among the image classifiers and dcgan among the generative models. Drop it.',
    );
    await expect(run(['train', 'spam-conv1d', '--dropout', '0.2'])).rejects.toThrow(
      '--dropout does not apply to spam-conv1d (a recurrent model): --dropout applies to stackedconvnet, vggsmall among the image classifiers and dcgan among the generative models.',
    );
    // --predict is the forecaster's alone among the recurrent models.
    await expect(run(['train', 'spam', '--predict', 'change'])).rejects.toThrow(
      '--predict does not apply to spam (a recurrent model): --predict applies to forecaster among the recurrent models. Drop it.',
    );
  });

  it('generative models: the image-only flags and --optimizer (they train with Adam)', async () => {
    for (const flag of ['--augment', '--early-stopping', '--history', '--plot', '--live', '--force']) {
      await expect(run(['train', 'vae', flag, ...VALUES[flag]])).rejects.toThrow(
        `${flag} does not apply to vae (a generative model): ${flag} applies to the image classifiers (`,
      );
    }
    await expect(run(['train', 'dcgan', '--optimizer', 'sgd'])).rejects.toThrow(
      /^--optimizer does not apply to dcgan \(a generative model\): --optimizer applies to the image classifiers \(.*\) and the recurrent models \(forecaster, .*charlm.*\)\. Drop it\.$/,
    );
    await expect(run(['train', 'vae', '--filters', '16'])).rejects.toThrow(
      '--filters does not apply to vae (a generative model): --filters applies to stackedconvnet, vggsmall, resnetsmall among the image classifiers and dcgan among the generative models. Drop it.',
    );
  });

  it('classic neurons and image classifiers: what their paths ignore', async () => {
    await expect(run(['train', 'perceptron', '--plot', 'plots'])).rejects.toThrow(
      '--plot does not apply to perceptron (a classic neuron, which learns one sample at a time by its own rule): --plot applies to the image classifiers (',
    );
    await expect(run(['train', 'madaline', '--window', '5'])).rejects.toThrow(
      '--window does not apply to madaline',
    );
    await expect(run(['train', 'mlp', '--latent', '2'])).rejects.toThrow(
      '--latent does not apply to mlp: --latent applies to the generative models (',
    );
    await expect(run(['train', 'lenet5', '--predict', 'value'])).rejects.toThrow(
      '--predict does not apply to lenet5: --predict applies to forecaster among the recurrent models.',
    );
  });

  it('names every ignored flag at once, grouped by the models that take them', async () => {
    await expect(
      run(['train', 'charlm', '--plot', 'p', '--live', '--logdir', 'logs', '--window', '5']),
    ).rejects.toThrow(
      /^--logdir, --plot, --live do not apply to charlm \(a recurrent model\): --logdir applies to the image classifiers \(.*\) and the generative models \(dcgan, vae, autoencoder, denoising-autoencoder\); --plot, --live apply to the image classifiers \(lenet5, .*mlp\)\. Drop them\.$/,
    );
    await expect(run(['train', 'adaline', '--optimizer', 'sgd', '--limit', '5'])).rejects.toThrow(IMAGES);
  });

  it('passes each flag to the models whose path takes it', () => {
    const honoured: Record<string, string[]> = {
      charlm: ['batchSize', 'optimizer', 'limit', 'backend', 'window'],
      forecaster: ['batchSize', 'optimizer', 'limit', 'backend', 'window', 'predict'],
      dcgan: ['batchSize', 'limit', 'backend', 'latent', 'logdir', 'filters', 'dropout'],
      vae: ['batchSize', 'limit', 'backend', 'latent', 'logdir'],
      stackedconvnet: TRAIN_FLAGS.map((use) => use.key).filter(
        (key) => !['latent', 'window', 'predict'].includes(key),
      ),
      resnetsmall: [
        'filters',
        'augment',
        'plot',
        'live',
        'force',
        'history',
        'earlyStopping',
        'validationSplit',
      ],
      perceptron: [],
    };
    for (const [model, keys] of Object.entries(honoured))
      expect(() => refuseIgnoredFlags(model, (key) => keys.includes(key))).not.toThrow();
    expect(() => refuseIgnoredFlags('resnetsmall', (key) => key === 'dropout')).toThrow(ConfigError);
    // The training commands called directly check --filters and --dropout by the same table.
    expect(() => refuseIgnoredWidths('dcgan', { filters: [16], dropout: 0.3 })).not.toThrow();
    expect(() => refuseIgnoredWidths('vae', { filters: [16] })).toThrow('--filters does not apply to vae');
    expect(() => refuseIgnoredWidths('lenet5', { dropout: 0.3 })).toThrow(
      '--dropout does not apply to lenet5: --dropout applies to stackedconvnet, vggsmall among the image classifiers and dcgan among the generative models. Drop it.',
    );
  });

  it('names options of `tensorfold train` only, and covers each one but those every path takes', () => {
    const train = buildProgram(() => quietOutput).commands.find((command) => command.name() === 'train');
    const options = new Map(train?.options.map((option) => [option.long, option.attributeName()]));
    for (const use of TRAIN_FLAGS) expect(options.get(use.flag), use.flag).toBe(use.key);
    // Flags outside the table: taken by every path, or checked by their own value-aware checks.
    const elsewhere = [
      ...['--dataset', '--epochs', '--lr', '--seed', '--out', '--json'],
      ...['--lr-schedule', '--decay-from'],
      ...['--classes', '--class-weight', '--generator-blocks', '--discriminator-batch-norm'],
      ...['--label-smoothing', '--ema'],
    ];
    const table = TRAIN_FLAGS.map((use) => use.flag);
    expect(
      [...options.keys()].filter((flag) => !table.includes(flag ?? '') && !elsewhere.includes(flag ?? '')),
    ).toEqual([]);
    expect(trainPath(MODELS.charlm.task)).toBe('sequence');
    expect(trainPath(MODELS.perceptron.task)).toBe('classic');
  });
});
