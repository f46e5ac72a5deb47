import { type Command, InvalidArgumentError, Option } from 'commander';
import { MODEL_CATALOG as MODELS } from './catalog.js';
import type { TuneOptions } from './commands/tune.js';
import { integerAtLeast, integerInRange, numberFrom, oneOf } from './options.js';
import type { Output } from './output.js';
import { userPath } from './user-path.js';

/** Registers `tensorfold tune <model>` on `program`. */
export function registerTune(program: Command, makeOutput: (json: boolean) => Output): void {
  program
    .command('tune')
    .description(
      "Search the learning rate, batch size and the model's own options (dropout, blocks) of an image classifier; print each trial, the best, and the best's test accuracy.",
    )
    .argument('<model>', 'an image classifier (see tensorfold models)', (value: string) => {
      const name = value.toLowerCase();
      if (!(name in MODELS))
        throw new InvalidArgumentError(
          `Unknown model "${value}". Available models: ${Object.keys(MODELS).join(', ')}.`,
        );
      return name;
    })
    .addOption(
      new Option('--dataset <name>', "dataset (default: the model's first)").choices([
        'mnist',
        'fashion-mnist',
      ]),
    )
    .option('--trials <n>', 'trials (trainings, for hyperband)', integerAtLeast(1, '--trials'), 20)
    .option(
      '--epochs <n>',
      "at most this many epochs per trial (default: the model's own)",
      integerAtLeast(1, '--epochs'),
    )
    .option('--limit <n>', 'use only the first N training samples', integerAtLeast(1, '--limit'))
    .option(
      '--validation-split <fraction>',
      'fraction of the training data held out to choose the hyperparameters (the test set is used once, at the end)',
      numberFrom(0, 1, '--validation-split'),
      0.1,
    )
    .option(
      '--strategy <name>',
      'random, grid, hyperband or bayesian',
      oneOf(['random', 'grid', 'hyperband', 'bayesian'] as const, '--strategy'),
      'random',
    )
    .option(
      '--patience <n>',
      'stop a trial after this many epochs without a better val_accuracy',
      integerAtLeast(1, '--patience'),
      2,
    )
    .option(
      '--logdir <dir>',
      'log each trial as a TensorBoard run (trial-N) and keep the search state here, so a killed search resumes',
      (value: string) => userPath(value),
    )
    .option(
      '--seed <n>',
      'seed of the draws, weights and shuffling',
      integerInRange(0, 2 ** 32 - 1, '--seed'),
      0,
    )
    .option(
      '--backend <name>',
      'auto, webgpu, wasm or cpu',
      oneOf(['auto', 'webgpu', 'wasm', 'cpu'] as const, '--backend'),
      'auto',
    )
    .option('--json', 'print one line of JSON with the trials, the best and its test accuracy on stdout')
    .addHelpText(
      'after',
      `
Examples:
  tensorfold tune mlp --dataset fashion-mnist --trials 20 --limit 5000 --epochs 5
  tensorfold tune stackedconvnet --trials 10 --strategy hyperband --logdir runs/tune   (tensorfold board runs/tune)`,
    )
    .action(async (model: string, flags: Omit<TuneOptions, 'model' | 'json'> & { json?: boolean }) => {
      const json = flags.json ?? false;
      const out = makeOutput(json);
      const { tuneCommand } = await import('./commands/tune.js');
      const report = await tuneCommand({ ...flags, model, json }, out);
      if (json) (out.data ?? out.line)(JSON.stringify(report));
    });
}
