import { initBackend } from '@tensorfold/backend';
import { ConfigError, type Model, type ModelDescription } from '@tensorfold/core/node';
import {
  checkLogdir,
  choice,
  floatRange,
  type HpParam,
  intRange,
  type SearchSpace,
  type Trial,
  type TuneStrategy,
  tune,
} from '@tensorfold/experiments/node';
import { adam } from '@tensorfold/optim';
import { loadDataset } from '../datasets.js';
import { imageClassifiers, modelEntry } from '../models.js';
import type { Output } from '../output.js';
import { fitImagesToModel } from './fit-images.js';

/** Options of `tensorfold tune` (see `tune-command.ts` for the flags). */
export interface TuneOptions {
  model: string;
  /** Dataset name (default: the model's first). */
  dataset?: string;
  /** Trials (trainings, for hyperband). */
  trials: number;
  /** At most this many epochs per trial (default: the model's own). */
  epochs?: number;
  /** Use only the first N training samples. */
  limit?: number;
  /** Fraction of the training data held out to choose the hyperparameters. */
  validationSplit: number;
  logdir?: string;
  seed: number;
  strategy: TuneStrategy;
  /** Epochs without improvement of val_accuracy after which a trial stops. */
  patience: number;
  backend: 'auto' | 'webgpu' | 'wasm' | 'cpu';
  json: boolean;
}

/** What `tensorfold tune` reports (also the `--json` line). */
export interface TuneReport {
  model: string;
  dataset: string;
  trials: Trial[];
  best: Trial;
  testAccuracy: number;
  testLoss: number;
}

/** The model options the search also tries, where the model's builder takes them: its search range. */
const MODEL_OPTIONS: Record<string, { probe: [number, number]; range: HpParam }> = {
  dropout: { probe: [0.1, 0.4], range: choice([0.1, 0.25, 0.4]) },
  blocks: { probe: [1, 2], range: intRange(1, 3) },
};

/** The model's configuration without layer names (which differ between any two builds). */
function structure(model: Model): string {
  return JSON.stringify(model.getConfig()).replace(/"name":"[^"]*"/g, '');
}

/**
 * The options of {@link MODEL_OPTIONS} that change what `entry` builds: a model built with each of two
 * values must differ (a builder that ignores an option builds the same model).
 */
export async function tunableOptions(
  entry: ModelDescription,
  base: Record<string, unknown>,
): Promise<string[]> {
  const found: string[] = [];
  for (const [name, { probe }] of Object.entries(MODEL_OPTIONS)) {
    try {
      const [a, b] = [
        (await entry.build({ ...base, [name]: probe[0] })) as Model,
        (await entry.build({ ...base, [name]: probe[1] })) as Model,
      ];
      if (structure(a) !== structure(b)) found.push(name);
      a.dispose();
      b.dispose();
    } catch {
      // a builder that refuses the option's values does not take it
    }
  }
  return found;
}

/** `tensorfold tune <model> --dataset ... --trials N`: a search, a table of trials, the best's test accuracy. */
export async function tuneCommand(options: TuneOptions, out: Output): Promise<TuneReport> {
  const entry = modelEntry(options.model);
  if (entry.task !== 'classify-images')
    throw new ConfigError(
      `"${entry.name}" is a ${entry.task} model; tune searches image classifiers (${imageClassifiers().join(', ')}).`,
    );
  const dataset = options.dataset ?? entry.datasets[0];
  if (options.logdir) await checkLogdir(options.logdir);
  await initBackend({ require: options.backend === 'auto' ? undefined : options.backend });
  const data = await loadDataset(dataset, { limit: options.limit });
  try {
    out.line(`Data: ${data.description} (${data.train.count} training, ${data.test.count} test samples)`);
    const base = { numClasses: data.numClasses, inputShape: data.train.x.shape.slice(1) };
    const probe = (await entry.build(base)) as Model;
    const images = fitImagesToModel(probe, data.train.x, data.test.x);
    probe.dispose();
    try {
      const own = await tunableOptions(entry, base);
      const lr = entry.defaults.learningRate;
      const space: SearchSpace = {
        learningRate: floatRange(lr / 10, lr * 10, { log: true }),
        batchSize: choice([32, 64, 128]),
      };
      for (const name of own) space[name] = MODEL_OPTIONS[name].range;
      out.line(`Searching ${Object.keys(space).join(', ')} (${options.strategy}, ${options.trials} trials)`);
      const result = await tune({
        build: async (hp) => {
          const opts: Record<string, unknown> = { ...base };
          for (const name of own) opts[name] = hp[name];
          const model = (await entry.build(opts)) as Model;
          model.compile({
            optimizer: adam({ learningRate: hp.learningRate as number }),
            loss: 'sparseCategoricalCrossentropy',
            metrics: ['accuracy'],
          });
          return model;
        },
        space,
        objective: 'val_accuracy',
        strategy: options.strategy,
        maxTrials: options.trials,
        seed: options.seed,
        logdir: options.logdir,
        data: { x: images.train, y: data.train.y, validationSplit: options.validationSplit },
        fit: { epochs: options.epochs ?? entry.defaults.epochs },
        patience: options.patience,
        onTrial: (t) => out.line(row(t, Object.keys(space))),
      });
      out.line(
        `Best: trial ${result.best.id}, val_accuracy ${result.best.score.toFixed(4)}, ${format(result.best.hyperparameters)}`,
      );
      const test = await result.evaluateBest(images.test, data.test.y);
      out.line(`Test accuracy of the best: ${test.accuracy.toFixed(4)} (loss ${test.loss.toFixed(4)})`);
      result.bestModel.optimizer.dispose();
      result.bestModel.dispose();
      return {
        model: entry.name,
        dataset,
        trials: result.trials,
        best: result.best,
        testAccuracy: test.accuracy,
        testLoss: test.loss,
      };
    } finally {
      images.dispose();
    }
  } finally {
    data.dispose();
  }
}

function format(hp: Record<string, unknown>): string {
  return Object.entries(hp)
    .map(([k, v]) => `${k}=${typeof v === 'number' && !Number.isInteger(v) ? v.toPrecision(3) : v}`)
    .join(' ');
}

function row(t: Trial, names: string[]): string {
  const values = names.map((n) => {
    const v = t.hyperparameters[n];
    return `${n}=${typeof v === 'number' && !Number.isInteger(v) ? v.toPrecision(3) : v}`;
  });
  return `trial ${String(t.id).padStart(3)}  val_accuracy ${t.score.toFixed(4)}  epochs ${t.epochs}/${t.budget} (best ${t.bestEpoch + 1})  ${values.join(' ')}`;
}
