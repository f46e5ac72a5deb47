import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Command, InvalidArgumentError } from 'commander';
import { DATASET_CATALOG as DATASETS, MODEL_CATALOG as MODELS, OTHER_DATA_HINT } from './catalog.js';
import type { TrainOptions } from './commands/train.js';
import {
  choiceOption,
  integerAtLeast,
  integerInRange,
  numberFrom,
  oneOf,
  outDirectory,
  positiveFloat32,
} from './options.js';
import { type Output, processOutput } from './output.js';
import { writeTo } from './pipe.js';
import { userPath } from './user-path.js';

const BACKENDS = ['auto', 'webgpu', 'wasm', 'cpu'] as const;
/** The Boolean functions `tensorfold logic` knows (truth tables in @tensorfold/models-classic). */
const LOGIC_NAMES = ['and', 'or', 'xor', 'nand', 'nor', 'not'] as const;
const { version: VERSION } = createRequire(import.meta.url)('../package.json') as { version: string };

/** The flags of `tensorfold train`. */
type TrainFlags = Omit<TrainOptions, 'model'> & {
  json?: boolean;
  window?: number;
  predict?: 'value' | 'change';
};

/** Accepts a built-in model name (a usage error otherwise, so the exit code is 2). */
function modelName(value: string): string {
  const name = value.toLowerCase();
  if (!(name in MODELS)) {
    throw new InvalidArgumentError(
      `Unknown model "${value}". Available models: ${Object.keys(MODELS).join(', ')}.`,
    );
  }
  return name;
}

/**
 * Accepts a built-in model name or a path that exists (a saved model's directory or its `model.json`),
 * returned as an absolute path taken from the folder the command was typed in (see `userPath`);
 * anything else is a usage error (exit code 2). Whether the path holds a model is checked on loading.
 */
function modelOrPath(value: string): string {
  if (value.toLowerCase() in MODELS) return value;
  const path = userPath(value);
  if (existsSync(path)) return path;
  throw new InvalidArgumentError(
    `"${value}" is neither a built-in model (${Object.keys(MODELS).join(', ')}) nor a saved model (no such directory or file: ${path}).`,
  );
}

/**
 * The `tensorfold` command line. `output` is where commands write (tests pass their own); the program
 * throws commander's errors instead of exiting, so `main` decides the exit code.
 */
export function buildProgram(output?: (json: boolean) => Output): Command {
  const makeOutput = output ?? processOutput;
  const program = new Command()
    .name('tensorfold')
    .description('Train and inspect tensorfold models.')
    .version(VERSION)
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => writeTo(process.stdout, text),
      writeErr: (text) => writeTo(process.stderr, text),
    })
    .exitOverride()
    .addHelpText(
      'after',
      `
Examples:
  tensorfold train lenet5 --dataset mnist              LeNet-5, 1 epoch over the 60,000 images
  tensorfold train mlp --limit 5000 --out runs/mlp     a quick run, saved to runs/mlp
  tensorfold summary runs/mlp                          the layer table of that saved model
  tensorfold train perceptron --dataset fruit          seed 003's fruit example, epoch by epoch
  tensorfold logic xor                                 why one neuron cannot compute XOR

Exit codes: 0 success, 1 a failure while running (the message says what to do), 2 a bad command,
flag or value, 130 Ctrl-C before training began.`,
    );

  program
    .command('train')
    .description('Train a model on a dataset, report test accuracy and throughput, and optionally save it.')
    .argument('<model>', `model to train: ${Object.keys(MODELS).join(', ')}`, modelName)
    .addOption(choiceOption('--dataset <name>', 'dataset', Object.keys(DATASETS), 'mnist', OTHER_DATA_HINT))
    .option(
      '--epochs <n>',
      "passes over the training data (default: the model's own, see 'tensorfold models')",
      integerAtLeast(1, '--epochs'),
    )
    .option(
      '--batch-size <n>',
      "samples per step (default: the model's own, see 'tensorfold models')",
      integerAtLeast(1, '--batch-size'),
    )
    .option('--lr <rate>', 'learning rate, > 0 (default: 0.001)', positiveFloat32('--lr'))
    .addOption(choiceOption('--optimizer <name>', 'optimizer', ['adam', 'sgd'], 'adam'))
    .option('--limit <n>', 'use only the first N training samples', integerAtLeast(1, '--limit'))
    .option(
      '--validation-split <fraction>',
      'hold out this fraction of the training data (0 to <1)',
      numberFrom(0, 1, '--validation-split'),
      0,
    )
    .option(
      '--backend <name>',
      `compute backend: ${BACKENDS.join(', ')}; a named one is used exactly or the run fails saying why; with auto, TENSORFOLD_BACKEND may name one`,
      oneOf(BACKENDS, '--backend'),
      'auto',
    )
    .option(
      '--seed <n>',
      'random seed for weights and shuffling, 0 to 4294967295',
      integerInRange(0, 2 ** 32 - 1, '--seed'),
      42,
    )
    .option('--out <dir>', 'save the trained model to this directory', outDirectory)
    .option(
      '--force',
      'save a run whose loss ended far above where it started (diverged) anyway; it still exits 1',
    )
    .option('--json', 'print one line of JSON describing the run on stdout, and everything else on stderr')
    .option(
      '--window <n>',
      'recurrent models: steps per window (forecaster, default 60 daily / 12 monthly), characters per window (charlm, default 40), tokens per mail (spam, default 200)',
      integerAtLeast(1, '--window'),
    )
    .option(
      '--predict <what>',
      "forecaster: learn the next 'value' (default) or its 'change' from the window's last value (persistence plus a learned correction)",
      oneOf(['value', 'change'] as const, '--predict'),
    )
    .addHelpText(
      'after',
      `
Ctrl-C stops after the current batch, then tests, reports and saves as usual; a second one quits.
A run whose loss or weights turn NaN or infinite stops with exit code 1 and saves nothing; so does a run
whose loss ends over twice where it started (diverged), unless --force saves it anyway.

Examples:
  tensorfold train lenet5 --dataset mnist --epochs 2 --out runs/lenet5
  tensorfold train mlp --dataset fashion-mnist --lr 0.0005 --validation-split 0.1 --json
  tensorfold train perceptron --dataset fruit       classic neurons: each epoch's weights and mistakes
  tensorfold train adaline --dataset iris           (their default dataset is their first, see 'tensorfold models')
  tensorfold train madaline --dataset xor
  tensorfold train forecaster --dataset seattle-weather --window 60   beside the persistence baseline
  tensorfold train spam --dataset spam-assassin                       BiLSTM (spam-conv1d: a 1D convnet)
  tensorfold train charlm --dataset moby-dick --out runs/charlm       bits/char beside a bigram model`,
    )
    .action(async (model: string, flags: TrainFlags, command: Command) => {
      const json = flags.json ?? false;
      const out = makeOutput(json);
      if (MODELS[model].task === 'classic-neuron') return trainClassic(model, flags, command, out);
      if (SEQUENCE_TASKS.includes(MODELS[model].task)) return trainSequence(model, flags, command, out);
      for (const [key, flag] of [
        ['window', '--window'],
        ['predict', '--predict'],
      ])
        if (command.getOptionValueSource(key) === 'cli') {
          const { ConfigError } = await import('@tensorfold/core');
          throw new ConfigError(
            `${flag} applies to the recurrent models only (${model} is not one); drop it.`,
          );
        }
      const { trainCommand } = await import('./commands/train.js');
      // The first Ctrl-C ends training early and keeps the run (test, report, --out); a second one,
      // with this listener gone, quits at once as usual.
      const interruption = new AbortController();
      // trainCommand prints the notice (it knows whether training has begun, and ends the bar's line).
      const interrupt = () => interruption.abort();
      process.once('SIGINT', interrupt);
      try {
        const result = await trainCommand({ ...flags, model, json, signal: interruption.signal }, out);
        if (json && out.data) out.data(JSON.stringify(result));
        else if (json) out.line(JSON.stringify(result));
      } finally {
        process.off('SIGINT', interrupt);
      }
    });

  program
    .command('logic')
    .description(
      'Print the truth table a logic neuron computes, and whether one neuron can realize the function.',
    )
    .argument('<function>', `a Boolean function: ${LOGIC_NAMES.join(', ')}`, oneOf(LOGIC_NAMES, 'function'))
    .option('--json', 'print the result as one line of JSON')
    .addHelpText(
      'after',
      `
Examples:
  tensorfold logic and     the AND neuron of seed 003 (w1 = w2 = 1, w0 = -1.5) and its truth table
  tensorfold logic xor     why one neuron cannot compute XOR, and the two-layer network that does`,
    )
    .action(async (name: string, flags: { json?: boolean }) => {
      const { logicCommand } = await import('./commands/logic.js');
      const out = makeOutput(false);
      const result = await logicCommand(name, out, flags.json ?? false);
      if (flags.json) out.line(JSON.stringify(result));
    });

  program
    .command('summary')
    .description('Print the layer table of a built-in model or of a saved model directory.')
    .argument(
      '<model>',
      `a built-in model (${Object.keys(MODELS).join(', ')}), or a saved model's directory or model.json`,
      modelOrPath,
    )
    .action(async (target: string) => {
      const classic = MODELS[target.toLowerCase()];
      if (classic?.task === 'classic-neuron') {
        const { ConfigError } = await import('@tensorfold/core');
        throw new ConfigError(
          `${classic.name} is a classic neuron, not a network of layers, so it has no layer table: 'tensorfold models' describes it, and 'tensorfold train ${classic.name}' prints its weights epoch by epoch.`,
        );
      }
      const { summaryCommand } = await import('./commands/summary.js');
      await summaryCommand(target, makeOutput(false));
    });

  program
    .command('generate-text')
    .description(
      'Continue a text with a character language model saved by `tensorfold train charlm --out DIR`.',
    )
    .argument('<model>', "the saved model's directory or its model.json", modelOrPath)
    .option(
      '--temperature <t>',
      'sampling temperature, > 0: lower is more conservative',
      positiveFloat32('--temperature'),
      1,
    )
    .option('--length <n>', 'characters to generate', integerAtLeast(1, '--length'), 400)
    .option(
      '--seed <n>',
      'seed of the sampling: the same seed gives the same text',
      integerInRange(0, 2 ** 32 - 1, '--seed'),
      0,
    )
    .option('--prompt <text>', 'text to continue (default: a new line)')
    .option('--json', 'print the result as one line of JSON on stdout')
    .addHelpText(
      'after',
      `
Example:
  tensorfold generate-text runs/charlm --temperature 0.5 --length 400 --seed 1`,
    )
    .action(
      async (
        target: string,
        flags: { temperature: number; length: number; seed: number; prompt?: string; json?: boolean },
      ) => {
        const { generateTextCommand } = await import('./commands/generate-text.js');
        const out = makeOutput(flags.json ?? false);
        const result = await generateTextCommand({ ...flags, model: target }, out);
        if (flags.json) (out.data ?? out.line)(JSON.stringify(result));
      },
    );

  program
    .command('models')
    .description('List the built-in models and datasets.')
    .action(() => {
      const out = makeOutput(false);
      out.line('Models:');
      for (const [name, entry] of Object.entries(MODELS)) {
        const { epochs, batchSize, learningRate } = entry.defaults;
        out.line(`  ${name.padEnd(16)} ${entry.summary}`);
        out.line(
          `  ${''.padEnd(16)} ${entry.task}; datasets ${entry.datasets.join(', ')}; defaults: ${epochs} epochs, batch ${batchSize}, lr ${learningRate}; ${entry.packageName}`,
        );
      }
      out.line('Datasets:');
      for (const [name, entry] of Object.entries(DATASETS))
        out.line(`  ${name.padEnd(14)} ${entry.description}`);
    });

  return program;
}

/**
 * `tensorfold train` for a classic neuron (task `classic-neuron`): it learns by its own rule
 * (commands/train-classic.ts), its default dataset is its description's first (not mnist), and the
 * flags only the image path uses are refused when given.
 */
async function trainClassic(model: string, flags: TrainFlags, command: Command, out: Output): Promise<void> {
  const { trainClassicCommand } = await import('./commands/train-classic.js');
  const given = (name: string) => command.getOptionValueSource(name) === 'cli';
  const json = flags.json ?? false;
  const imageOnly = [
    ['batchSize', '--batch-size'],
    ['optimizer', '--optimizer'],
    ['validationSplit', '--validation-split'],
    ['limit', '--limit'],
    ['backend', '--backend'],
  ];
  const result = await trainClassicCommand(
    {
      ...flags,
      model,
      json,
      dataset: given('dataset') ? flags.dataset : MODELS[model].datasets[0],
      imageOnlyFlags: imageOnly.flatMap(([key, flag]) => (given(key) ? [flag] : [])),
    },
    out,
  );
  if (json) (out.data ?? out.line)(JSON.stringify(result));
}

/** The tasks of `@tensorfold/models-rnn`, trained by commands/train-sequence.ts. */
const SEQUENCE_TASKS: readonly string[] = ['forecast', 'classify-text', 'generate-text'];

/**
 * `tensorfold train` for a recurrent model: its default dataset is its description's first (not mnist),
 * and it reports its score beside a baseline's (commands/train-sequence.ts).
 */
async function trainSequence(model: string, flags: TrainFlags, command: Command, out: Output): Promise<void> {
  const { trainSequenceCommand } = await import('./commands/train-sequence.js');
  const given = (name: string) => command.getOptionValueSource(name) === 'cli';
  const json = flags.json ?? false;
  const result = await trainSequenceCommand(
    {
      model,
      dataset: given('dataset') ? flags.dataset : MODELS[model].datasets[0],
      epochs: flags.epochs,
      batchSize: flags.batchSize,
      lr: flags.lr,
      optimizer: flags.optimizer,
      limit: flags.limit,
      seed: flags.seed,
      window: flags.window,
      predict: flags.predict,
      backend: flags.backend,
      out: flags.out,
      json,
    },
    out,
  );
  if (json) (out.data ?? out.line)(JSON.stringify(result));
}
