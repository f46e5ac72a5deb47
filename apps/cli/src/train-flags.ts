/**
 * Which flags of `tensorfold train` each training path takes, in one table, and the refusal of a flag
 * given to a model whose path would ignore it. The check runs before any data loads, so a mistyped run
 * fails at once, naming the flag, the model, and the models that take the flag.
 *
 * Flags every path takes (`--dataset`, `--epochs`, `--seed`, `--out`, `--json`) are not listed; the GAN
 * flags and `--lr-schedule`/`--decay-from` have their own value-aware checks (commands/train-gan.ts,
 * program.ts) and are not listed either.
 */
import { ConfigError } from '@tensorfold/core';
import { MODEL_CATALOG as MODELS } from './catalog.js';
import { DROPOUT_MODELS, FILTER_MODELS, GAN_MODELS } from './options.js';

/** The training paths of `tensorfold train`, one per kind of model. */
export type TrainPath = 'images' | 'generative' | 'classic' | 'sequence';

/** The tasks of `@tensorfold/models-rnn`, trained by commands/train-sequence.ts. */
export const SEQUENCE_TASKS: readonly string[] = ['forecast', 'classify-text', 'generate-text'];

/** The path that trains a model of `task`: the image path unless another one claims it. */
export function trainPath(task: string): TrainPath {
  if (task === 'classic-neuron') return 'classic';
  if (task === 'generate-images') return 'generative';
  if (SEQUENCE_TASKS.includes(task)) return 'sequence';
  return 'images';
}

/** A flag, its option's key (as commander names it), the paths that take it and, if not all their models do, which. */
interface FlagUse {
  flag: string;
  key: string;
  paths: readonly TrainPath[];
  /** The models that take it, when only some of its paths' models do. Default: all of them. */
  models?: readonly string[];
}

/** The table: which paths (and models) take each flag that not every path takes. */
export const TRAIN_FLAGS: readonly FlagUse[] = [
  { flag: '--batch-size', key: 'batchSize', paths: ['images', 'generative', 'sequence'] },
  { flag: '--optimizer', key: 'optimizer', paths: ['images', 'sequence'] },
  { flag: '--limit', key: 'limit', paths: ['images', 'generative', 'sequence'] },
  { flag: '--validation-split', key: 'validationSplit', paths: ['images'] },
  { flag: '--backend', key: 'backend', paths: ['images', 'generative', 'sequence'] },
  { flag: '--latent', key: 'latent', paths: ['generative'] },
  { flag: '--logdir', key: 'logdir', paths: ['images', 'generative'] },
  { flag: '--force', key: 'force', paths: ['images'] },
  { flag: '--plot', key: 'plot', paths: ['images'] },
  { flag: '--live', key: 'live', paths: ['images'] },
  { flag: '--augment', key: 'augment', paths: ['images'] },
  { flag: '--early-stopping', key: 'earlyStopping', paths: ['images'] },
  { flag: '--history', key: 'history', paths: ['images'] },
  {
    flag: '--filters',
    key: 'filters',
    paths: ['images', 'generative'],
    models: [...FILTER_MODELS, ...GAN_MODELS],
  },
  {
    flag: '--dropout',
    key: 'dropout',
    paths: ['images', 'generative'],
    models: [...DROPOUT_MODELS, ...GAN_MODELS],
  },
  { flag: '--window', key: 'window', paths: ['sequence'] },
  { flag: '--predict', key: 'predict', paths: ['sequence'], models: ['forecaster'] },
];

/** How a refusal names the models of a path. */
const PATH_NAMES: Record<TrainPath, string> = {
  images: 'image classifiers',
  generative: 'generative models',
  classic: 'classic neurons',
  sequence: 'recurrent models',
};

/** What a path does not do, said after a refusal's first clause. */
const PATH_LIMITS: Record<TrainPath, string> = {
  images: '',
  generative: ' (a generative model)',
  classic: ' (a classic neuron, which learns one sample at a time by its own rule)',
  sequence: ' (a recurrent model)',
};

function takes(use: FlagUse, model: string, path: TrainPath): boolean {
  return use.paths.includes(path) && (use.models === undefined || use.models.includes(model));
}

/** The models that take `use`, by path: "the image classifiers (a, b)" or "a among the image classifiers". */
function takers(use: FlagUse): string {
  return use.paths
    .map((path) => {
      const names = Object.values(MODELS)
        .filter((entry) => trainPath(entry.task) === path && takes(use, entry.name, path))
        .map((entry) => entry.name)
        .join(', ');
      return use.models === undefined
        ? `the ${PATH_NAMES[path]} (${names})`
        : `${names} among the ${PATH_NAMES[path]}`;
    })
    .join(' and ');
}

/**
 * Throws a ConfigError naming each flag in `given` (commander keys of the options given on the command
 * line) that `model`'s training path ignores, and the models that take it; returns when there is none.
 */
export function refuseIgnoredFlags(model: string, given: (key: string) => boolean): void {
  const entry = MODELS[model];
  const path = trainPath(entry.task);
  const ignored = TRAIN_FLAGS.filter((use) => given(use.key) && !takes(use, entry.name, path));
  if (ignored.length === 0) return;
  const flags = ignored.map((use) => use.flag);
  // Flags with the same takers share a clause: "--plot, --live apply to the image classifiers (...)".
  const clauses = new Map<string, string[]>();
  for (const use of ignored) clauses.set(takers(use), [...(clauses.get(takers(use)) ?? []), use.flag]);
  const where = [...clauses]
    .map(([who, group]) => `${group.join(', ')} ${group.length === 1 ? 'applies' : 'apply'} to ${who}`)
    .join('; ');
  const one = flags.length === 1;
  throw new ConfigError(
    `${flags.join(', ')} ${one ? 'does' : 'do'} not apply to ${entry.name}${PATH_LIMITS[path]}: ${where}. Drop ${one ? 'it' : 'them'}.`,
  );
}

/**
 * {@link refuseIgnoredFlags} for the options of a training command called directly (not from the
 * command line): `--filters` and `--dropout`, when given, must be the model's.
 */
export function refuseIgnoredWidths(model: string, options: { filters?: number[]; dropout?: number }): void {
  refuseIgnoredFlags(model, (key) => (key === 'filters' || key === 'dropout') && options[key] !== undefined);
}
