import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Command, InvalidArgumentError, Option } from 'commander';
import { registerBoard } from './board-command.js';
import { DATASET_CATALOG as DATASETS, MODEL_CATALOG as MODELS, OTHER_DATA_HINT } from './catalog.js';
import type { TrainOptions } from './commands/train.js';
import {
  choiceOption,
  DROPOUT_MODELS,
  FILTER_MODELS,
  GAN_MODELS,
  integerAtLeast,
  integerInRange,
  LR_SCHEDULES,
  nonNegativeNumber,
  numberBetween,
  numberFrom,
  oneOf,
  outDirectory,
  positiveFloat32,
  positiveIntegerList,
  positiveNumber,
} from './options.js';
import { type Output, processOutput } from './output.js';
import { writeTo } from './pipe.js';
import { registerTune } from './tune-command.js';
import { userPath } from './user-path.js';

const BACKENDS = ['auto', 'webgpu', 'wasm', 'cpu'] as const;
/** The Boolean functions `tensorfold logic` knows (truth tables in @tensorfold/models-classic). */
const LOGIC_NAMES = ['and', 'or', 'xor', 'nand', 'nor', 'not'] as const;
const { version: VERSION } = createRequire(import.meta.url)('../package.json') as { version: string };

/** The flags of `tensorfold train`. */
type TrainFlags = Omit<TrainOptions, 'model'> &
  import('./commands/train-gan.js').GanTrainOptions & {
    json?: boolean;
    latent?: number;
    window?: number;
    predict?: 'value' | 'change';
  };

/** The flags of `tensorfold compress`. */
type CompressFlags = import('./commands/compress.js').CompressCommandOptions & { json?: boolean };

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

/** Accepts a path that exists (a saved model's directory), as an absolute path; else a usage error. */
function savedModel(value: string): string {
  const path = userPath(value);
  if (existsSync(path)) return path;
  throw new InvalidArgumentError(`"${value}" is not a saved model: no such directory (${path}).`);
}

/**
 * `--dataset`: a built-in dataset's name (any case) or a folder of images with one sub-folder per class
 * (taken from the folder the command was typed in), else a usage error.
 */
function datasetOption(): Option {
  const names = Object.keys(DATASETS);
  return new Option(
    '--dataset <name>',
    `dataset: ${names.join(', ')}, or a folder of images with one sub-folder per class (or train/ and test/ folders of them)`,
  )
    .default('mnist')
    .argParser((value: string) => {
      if (names.includes(value.toLowerCase())) return value.toLowerCase();
      const path = userPath(value);
      if (existsSync(path) && statSync(path).isDirectory()) return path;
      throw new InvalidArgumentError(
        `Allowed choices are ${names.join(', ')}, or a folder of images with one sub-folder per class ("${value}" is neither). ${OTHER_DATA_HINT}`,
      );
    });
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
    .addOption(datasetOption())
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
    .option(
      '--latent <n>',
      "latent size of a generative model (dcgan, vae, autoencoders); default: the model's own",
      integerAtLeast(1, '--latent'),
    )
    .option('--out <dir>', 'save the trained model to this directory', outDirectory)
    .option(
      '--logdir <dir>',
      'write the run as TensorBoard event files (train/ and validation/ under this directory, with the model graph and, for the projector, the penultimate layer on 256 test images each epoch; tensorfold board DIR or tensorboard --logdir DIR shows them)',
      (value: string) => userPath(value),
    )
    .option(
      '--force',
      'save a run whose loss ended far above where it started (diverged) anyway; it still exits 1',
    )
    .option(
      '--plot <dir>',
      'after training, write learning curves, the test confusion matrix and a grid of test mistakes (SVG and PNG) and history.json to this directory',
    )
    .option('--live', 'draw the loss as a chart in the terminal while training, instead of the progress bar')
    .option('--json', 'print one line of JSON describing the run on stdout, and everything else on stderr')
    .option('--augment', 'train on randomly rotated (10 degrees), zoomed and shifted (10%) images')
    .option(
      '--early-stopping <patience>',
      'stop after this many epochs without improvement of the validation loss (the loss without --validation-split), restoring the best weights',
      integerAtLeast(1, '--early-stopping'),
    )
    .option('--history <file>', 'write the per-epoch logs (loss, accuracy, ...) to this JSON file')
    .option(
      '--filters <list>',
      `filters of each conv block, comma-separated (e.g. 16,32,64); image models ${FILTER_MODELS.join(', ')} only; ${GAN_MODELS.join(', ')}: one even number, the generator's first feature map (e.g. 64)`,
      positiveIntegerList('--filters'),
    )
    .addOption(
      choiceOption(
        '--lr-schedule <name>',
        'learning rate over the run: constant, or cosine (decays from --lr to 0 over all the steps of --epochs, as Keras CosineDecay; image classifiers and generative models)',
        LR_SCHEDULES,
        'constant',
      ),
    )
    .option(
      '--dropout <rate>',
      `dropout rate after each conv block, 0 to <1 (vggsmall's head uses twice it, at most 0.5); image models ${DROPOUT_MODELS.join(', ')} and ${GAN_MODELS.join(', ')} (its discriminator) only (default: the builder's own, 0.25 for vggsmall)`,
      numberFrom(0, 1, '--dropout'),
    )
    .option(
      '--decay-from <epoch>',
      'with --lr-schedule cosine (image classifiers and generative models): hold --lr until the end of this epoch, then decay it along the half cosine to 0 by the last',
      integerAtLeast(0, '--decay-from'),
    )
    .option(
      '--classes',
      `${GAN_MODELS.join(', ')}: a class head on the discriminator, trained on the dataset's labels, and the class-clarity term for the generator`,
    )
    .option(
      '--class-weight <w>',
      `${GAN_MODELS.join(', ')} with --classes: weight of the class terms, >= 0 (default: the GAN's own)`,
      nonNegativeNumber('--class-weight', '3'),
    )
    .option(
      '--generator-blocks <n>',
      `${GAN_MODELS.join(', ')}: stride-1 5x5 conv blocks at the generator's first resolution (default: the builder's own)`,
      integerAtLeast(0, '--generator-blocks'),
    )
    .option(
      '--discriminator-batch-norm',
      `${GAN_MODELS.join(', ')}: batch normalization after the discriminator's second convolution`,
    )
    .option(
      '--label-smoothing <s>',
      `${GAN_MODELS.join(', ')}: real images labelled 1 - s when the discriminator learns, 0 to <1 (default: the GAN's own)`,
      numberFrom(0, 1, '--label-smoothing'),
    )
    .option(
      '--ema <decay>',
      `${GAN_MODELS.join(', ')}: average the generator's weights over the steps with this decay, between 0 and 1 (e.g. 0.999), and save that generator in place of the last step's, which is not kept (the saved discriminator and the reported losses are the last step's)`,
      numberBetween(0, 1, '--ema', '0.999'),
    )
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
A flag the model's kind does not take (--plot for charlm, --optimizer for vae, ...) is refused before the
data loads, naming the models that take it.

Examples:
  tensorfold train lenet5 --dataset mnist --epochs 2 --out runs/lenet5
  tensorfold train mlp --dataset fashion-mnist --lr 0.0005 --validation-split 0.1 --json
  tensorfold train perceptron --dataset fruit       classic neurons: each epoch's weights and mistakes
  tensorfold train adaline --dataset iris           (their default dataset is their first, see 'tensorfold models')
  tensorfold train madaline --dataset xor
  tensorfold train forecaster --dataset seattle-weather --window 60   beside the persistence baseline
  tensorfold train spam --dataset spam-assassin                       BiLSTM (spam-conv1d: a 1D convnet)
  tensorfold train charlm --dataset moby-dick --out runs/charlm       bits/char beside a bigram model
  tensorfold train dcgan --epochs 22 --filters 64 --generator-blocks 1 --discriminator-batch-norm --classes --class-weight 5 --label-smoothing 0.1 --ema 0.999 --lr-schedule cosine --decay-from 14 --seed 2 --out runs/dcgan`,
    )
    .action(async (model: string, flags: TrainFlags, command: Command) => {
      const json = flags.json ?? false;
      const out = makeOutput(json);
      const { checkGanFlags } = await import('./commands/train-gan.js');
      checkGanFlags(model, flags);
      const { refuseIgnoredFlags, trainPath } = await import('./train-flags.js');
      const path = trainPath(MODELS[model].task);
      if (path === 'classic' || path === 'sequence') await refuseSchedule(model, flags);
      // Every flag the model's path would ignore is refused here, before any data loads.
      refuseIgnoredFlags(model, (key) => command.getOptionValueSource(key) === 'cli');
      if (path === 'classic') return trainClassic(model, flags, command, out);
      if (path === 'sequence') return trainSequence(model, flags, command, out);
      if (path === 'generative') {
        const { trainGenerative } = await import('./commands/train-generative.js');
        const result = await trainGenerative({ ...flags, model, json }, out);
        if (json) (out.data ?? out.line)(JSON.stringify(result));
        return;
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
    .option('--diagram <file>', 'also draw the layer graph (as plot_model does) to this .svg or .png file')
    .action(async (target: string, flags: { diagram?: string }) => {
      const classic = MODELS[target.toLowerCase()];
      if (classic?.task === 'classic-neuron') {
        const { ConfigError } = await import('@tensorfold/core');
        throw new ConfigError(
          `${classic.name} is a classic neuron, not a network of layers, so it has no layer table: 'tensorfold models' describes it, and 'tensorfold train ${classic.name}' prints its weights epoch by epoch.`,
        );
      }
      const { summaryCommand } = await import('./commands/summary.js');
      await summaryCommand(target, makeOutput(false), {
        diagram: flags.diagram === undefined ? undefined : userPath(flags.diagram),
      });
    });

  program
    .command('plot')
    .description('Draw the learning curves of a history JSON file, to an SVG or PNG file or in the terminal.')
    .argument(
      '<history>',
      'a history JSON file: {"loss": [...], "val_loss": [...]} (train --plot writes one)',
    )
    .option('--out <file>', 'write the curves to this .svg or .png file')
    .option('--terminal', 'draw the curves in the terminal (the default without --out)')
    .option(
      '--metrics <names>',
      'comma-separated metrics to draw, e.g. loss,accuracy (default: all)',
      (v: string) =>
        v
          .split(',')
          .map((m) => m.trim())
          .filter(Boolean),
    )
    .option('--log-scale', 'log scale for the y axes')
    .addHelpText(
      'after',
      `
Examples:
  tensorfold plot runs/mlp-plots/history.json --out curves.png
  tensorfold plot history.json --terminal --metrics loss`,
    )
    .action(
      async (
        file: string,
        flags: { out?: string; terminal?: boolean; metrics?: string[]; logScale?: boolean },
      ) => {
        const { plotCommand } = await import('./commands/plot.js');
        await plotCommand(
          userPath(file),
          { ...flags, out: flags.out === undefined ? undefined : userPath(flags.out) },
          makeOutput(false),
        );
      },
    );

  program
    .command('generate')
    .description('Draw samples of a saved GAN, DCGAN or VAE into a PNG grid.')
    .argument('<model>', "a saved generative model's directory or model.json", modelOrPath)
    .option('--count <n>', 'how many samples', integerAtLeast(1, '--count'), 64)
    .option(
      '--seed <n>',
      'seed of the latent points (same seed, same pictures)',
      integerInRange(0, 2 ** 32 - 1, '--seed'),
      0,
    )
    .option(
      '--latent-grid <n>',
      "a 2-D VAE's latent space as an N x N lattice of decoded images",
      integerAtLeast(2, '--latent-grid'),
    )
    .option(
      '--truncation <t>',
      'the truncation trick: latent values beyond +-t (standard deviations) are redrawn; less variety, maybe cleaner samples (measure it: it can also hurt)',
      positiveNumber('--truncation', '2'),
    )
    .requiredOption('--out <file.png>', 'where the PNG grid goes', (value: string) => userPath(value))
    .addHelpText(
      'after',
      `
Examples:
  tensorfold train dcgan --dataset mnist --epochs 5 --out runs/dcgan
  tensorfold generate runs/dcgan --count 64 --seed 3 --out samples.png
  tensorfold generate runs/dcgan --count 64 --seed 3 --truncation 2 --out truncated.png
  tensorfold train vae --latent 2 --out runs/vae && tensorfold generate runs/vae --latent-grid 20 --out latent.png`,
    )
    .action(
      async (
        target: string,
        flags: { count: number; seed: number; latentGrid?: number; truncation?: number; out: string },
      ) => {
        const { generateCommand } = await import('./commands/generate.js');
        await generateCommand({ model: target, ...flags }, makeOutput(false));
      },
    );

  program
    .command('finetune')
    .description(
      "Transfer learning: a new head on a saved model's frozen convolutional base (or the shipped 'digits-base'), then optionally fine-tune the base's top.",
    )
    .argument('<base>', "a saved model's directory or model.json, or digits-base (MNIST digits 0-4, shipped)")
    .option(
      '--dataset <name>',
      'mnist, fashion-mnist, or a folder of images with one sub-folder per class',
      'mnist',
    )
    .option('--epochs <n>', 'epochs of the head on the frozen base', integerAtLeast(1, '--epochs'), 5)
    .option('--batch-size <n>', 'samples per step', integerAtLeast(1, '--batch-size'), 32)
    .option('--lr <rate>', "the head's learning rate", positiveFloat32('--lr'), 0.001)
    .option('--unfreeze-from <layer>', 'then train the base from this layer on, with the head')
    .option('--fine-tune-epochs <n>', 'epochs of fine-tuning', integerAtLeast(1, '--fine-tune-epochs'), 3)
    .option('--fine-tune-lr <rate>', 'learning rate of fine-tuning', positiveFloat32('--fine-tune-lr'), 1e-4)
    .option('--limit <n>', 'use only the first N training samples', integerAtLeast(1, '--limit'))
    .option('--seed <n>', 'random seed', integerInRange(0, 2 ** 32 - 1, '--seed'), 42)
    .option('--out <dir>', 'save the model to this directory', outDirectory)
    .option(
      '--resize',
      "resize images of another size than the base's inside the model (a Resizing layer, and gray/RGB conversion), as Keras users put a Resizing layer before a base",
    )
    .option('--json', 'print one line of JSON describing the run')
    .action(async (base: string, flags: Record<string, unknown> & { json?: boolean }) => {
      const out = makeOutput(flags.json ?? false);
      const { finetuneCommand, SHIPPED_BASE } = await import('./commands/finetune.js');
      const result = await finetuneCommand(
        {
          ...(flags as unknown as Omit<import('./commands/finetune.js').FinetuneOptions, 'base'>),
          base: base === SHIPPED_BASE ? base : userPath(base),
          dataset: DATASETS[String(flags.dataset).toLowerCase()]
            ? String(flags.dataset).toLowerCase()
            : userPath(String(flags.dataset)),
        },
        out,
      );
      if (flags.json) out.line(JSON.stringify(result));
    });

  program
    .command('explain')
    .description(
      'What a saved convnet sees in one image: Grad-CAM heatmap over it, feature maps, filter patterns (PNG and SVG pictures).',
    )
    .argument('<model>', "a saved model's directory or model.json")
    .argument('<image>', 'a PNG or JPEG image')
    .option('--gradcam', 'the Grad-CAM heatmap of the predicted class (or --class), at the image size')
    .option('--activations', 'the feature maps of every image layer (or --layer)')
    .option(
      '--filters',
      'the input patterns that the first 16 (or --count) filters of the last conv layer (or --layer) respond to most',
    )
    .option('--layer <name>', 'the layer to explain')
    .option('--class <n>', "Grad-CAM's class, 0-based", integerAtLeast(0, '--class'))
    .option('--steps <n>', 'gradient ascent steps of --filters', integerAtLeast(1, '--steps'), 30)
    .option('--resize', "resize the image (and convert its channels) to the model's input")
    .option('--count <n>', 'how many filters --filters draws', integerAtLeast(1, '--count'), 16)
    .option('--data', 'also write the raw numbers as JSON files ({shape, data})')
    .requiredOption('--out <dir>', 'the folder to write the pictures (.png and .svg) and explain.json to')
    .action(async (modelPath: string, image: string, flags: Record<string, unknown>) => {
      const { explainCommand } = await import('./commands/explain.js');
      await explainCommand(
        {
          ...(flags as unknown as import('./commands/explain.js').ExplainOptions),
          model: userPath(modelPath),
          image: userPath(image),
          out: userPath(String(flags.out)),
        },
        makeOutput(false),
      );
    });

  program
    .command('quantize')
    .description(
      'Quantize the weights of a saved model (smaller files); with --dataset, test accuracy before and after.',
    )
    .argument('<saved>', "a saved model's directory", savedModel)
    .addOption(choiceOption('--dtype <type>', 'dtype', ['uint8', 'uint16', 'float16', 'int8'], 'uint8'))
    .requiredOption('--out <dir>', 'write the quantized model to this directory', outDirectory)
    .option(
      '--dataset <name>',
      `test both models on this dataset: ${Object.keys(DATASETS).join(', ')}`,
      oneOf(Object.keys(DATASETS), '--dataset'),
    )
    .option('--json', 'print one line of JSON describing the result on stdout')
    .addHelpText(
      'after',
      `
uint8, uint16 and float16 files load unchanged in tfjs-layers and tensorfold; int8 (one scale per output
channel) loads with loadQuantized or loadForInference from @tensorfold/compress, and runs on the int8
kernels with \`tensorfold evaluate DIR\`.

Examples:
  tensorfold quantize runs/lenet5 --dtype uint8 --out runs/lenet5-uint8 --dataset mnist`,
    )
    .action(
      async (target: string, flags: { dtype: 'uint8'; out: string; dataset?: string; json?: boolean }) => {
        const { quantizeCommand } = await import('./commands/quantize.js');
        const out = makeOutput(flags.json ?? false);
        const result = await quantizeCommand(target, flags, out);
        if (flags.json) (out.data ?? out.line)(JSON.stringify(result));
      },
    );

  program
    .command('compress')
    .description(
      'Decompose the Conv2D (tucker, cp) or Dense (svd, tt) layers of a saved model, fine-tune, and compare.',
    )
    .argument('<saved>', "a saved model's directory", savedModel)
    .addOption(choiceOption('--method <name>', 'method', ['tucker', 'cp', 'svd', 'tt'], 'tucker'))
    .option(
      '--energy <share>',
      'share of the energy the ranks keep, in (0, 1)',
      numberFrom(0, 1, '--energy'),
      0.9,
    )
    .option(
      '--rank <n>',
      'one rank for every decomposed layer, instead of --energy',
      integerAtLeast(1, '--rank'),
    )
    .option(
      '--layers <names>',
      'decompose only these layers (comma-separated names; default: every layer the method takes)',
      (value: string) =>
        value
          .split(',')
          .map((n) => n.trim())
          .filter(Boolean),
    )
    .option(
      '--finetune-epochs <n>',
      'epochs of fine-tuning after decomposing',
      integerInRange(0, 1000, '--finetune-epochs'),
      1,
    )
    .addOption(choiceOption('--dataset <name>', 'dataset', Object.keys(DATASETS), 'mnist', OTHER_DATA_HINT))
    .option('--limit <n>', 'fine-tune on the first N training samples only', integerAtLeast(1, '--limit'))
    .option('--seed <n>', 'random seed, 0 to 4294967295', integerInRange(0, 2 ** 32 - 1, '--seed'), 42)
    .option('--out <dir>', 'save the compressed model to this directory', outDirectory)
    .option('--json', 'print one line of JSON describing the result on stdout')
    .addHelpText(
      'after',
      `
Examples:
  tensorfold compress runs/lenet5 --method tucker --energy 0.9 --finetune-epochs 2 --dataset mnist --out runs/lenet5-tucker
  tensorfold compress runs/mlp --method svd --rank 16 --out runs/mlp-svd`,
    )
    .action(async (target: string, flags: CompressFlags) => {
      const { compressCommand } = await import('./commands/compress.js');
      const out = makeOutput(flags.json ?? false);
      const result = await compressCommand(target, flags, out);
      if (flags.json) (out.data ?? out.line)(JSON.stringify(result));
    });

  program
    .command('export')
    .description('Write a saved model as an ONNX file, for ONNX Runtime, Triton and other ONNX tools.')
    .argument('<saved>', "a saved model's directory", savedModel)
    .requiredOption('--onnx <file>', 'the ONNX file to write', (value: string) => userPath(value))
    .option('--json', 'print one line of JSON describing the result on stdout')
    .addHelpText(
      'after',
      `
Examples:
  tensorfold export runs/lenet5 --onnx lenet5.onnx`,
    )
    .action(async (target: string, flags: { onnx: string; json?: boolean }) => {
      const { exportCommand } = await import('./commands/export.js');
      const out = makeOutput(flags.json ?? false);
      const result = await exportCommand(target, flags, out);
      if (flags.json) (out.data ?? out.line)(JSON.stringify(result));
    });

  program
    .command('evaluate')
    .description(
      'Test accuracy and inference speed of a saved image classifier; int8 files (quantize --dtype int8) also on the int8 kernels, beside float32.',
    )
    .argument('<saved>', "a saved model's directory", savedModel)
    .addOption(choiceOption('--dataset <name>', 'dataset', Object.keys(DATASETS), 'mnist', OTHER_DATA_HINT))
    .option('--int8', 'also run a float32 model on the int8 kernels (Int8Dense, Int8Conv2D)')
    .option('--limit <n>', 'test on the first N test images only', integerAtLeast(1, '--limit'))
    .option('--json', 'print one line of JSON describing the result on stdout')
    .addHelpText(
      'after',
      `
Examples:
  tensorfold quantize runs/lenet5 --dtype int8 --out runs/lenet5-int8
  tensorfold evaluate runs/lenet5-int8 --dataset mnist
  tensorfold evaluate runs/mlp --int8 --dataset mnist --limit 2000`,
    )
    .action(
      async (target: string, flags: { dataset: string; int8?: boolean; limit?: number; json?: boolean }) => {
        const { evaluateCommand } = await import('./commands/evaluate.js');
        const out = makeOutput(flags.json ?? false);
        const result = await evaluateCommand(target, flags, out);
        if (flags.json) (out.data ?? out.line)(JSON.stringify(result));
      },
    );

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

  registerTune(program, makeOutput);
  registerBoard(program, makeOutput);
  return program;
}

/**
 * `tensorfold train` for a classic neuron (task `classic-neuron`): it learns by its own rule
 * (commands/train-classic.ts) and its default dataset is its description's first (not mnist); the
 * flags it does not take were refused before (train-flags.ts).
 */
async function trainClassic(model: string, flags: TrainFlags, command: Command, out: Output): Promise<void> {
  const { trainClassicCommand } = await import('./commands/train-classic.js');
  const given = (name: string) => command.getOptionValueSource(name) === 'cli';
  const json = flags.json ?? false;
  const result = await trainClassicCommand(
    {
      ...flags,
      model,
      json,
      dataset: given('dataset') ? flags.dataset : MODELS[model].datasets[0],
    },
    out,
  );
  if (json) (out.data ?? out.line)(JSON.stringify(result));
}

/**
 * Refuses `--lr-schedule cosine` and `--decay-from` for a model whose training path keeps `--lr` constant
 * (a classic neuron, a recurrent model), naming the models that take them.
 */
async function refuseSchedule(model: string, flags: TrainFlags): Promise<void> {
  const given = [
    ...(flags.lrSchedule === 'cosine' ? ['--lr-schedule cosine'] : []),
    ...(flags.decayFrom !== undefined ? ['--decay-from'] : []),
  ];
  if (given.length === 0) return;
  const takers = (task: string) =>
    Object.values(MODELS)
      .filter((entry) => entry.task === task)
      .map((entry) => entry.name)
      .join(', ');
  const { ConfigError } = await import('@tensorfold/core');
  throw new ConfigError(
    `${given.join(' and ')} ${given.length === 1 ? 'applies' : 'apply'} to the image classifiers (${takers('classify-images')}) and the generative models (${takers('generate-images')}); ${model} trains at a constant --lr: drop ${given.length === 1 ? 'it' : 'them'}.`,
  );
}

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
