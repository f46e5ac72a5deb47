import * as tf from '@tensorflow/tfjs-core';
import type { Model } from '../engine/model.js';
import { ConfigError, DataError } from '../errors.js';
import type { BatchSource, TensorContainer } from '../interfaces/dataset.js';
import { seedOrNext } from '../random/global-seed.js';
import { Random } from '../random/random.js';
import { type Callback, CallbackList, History, type Logs, type TrainingParams } from './callbacks.js';
import {
  arrayBatches,
  datasetReader,
  disposeBatch,
  isBatchSource,
  type ModelBatch,
  sliceRows,
  toModelBatch,
} from './data-adapter.js';
import { evaluateBatches } from './evaluate.js';
import { NonFiniteLossError } from './train-step.js';
import { progressCallback, resolveVerbosity, type Verbosity } from './verbosity.js';

/** Validation data: `[x, y]`, `[x, y, sampleWeight]`, or a dataset of batches. */
export type ValidationData =
  | [TensorContainer, TensorContainer]
  | [TensorContainer, TensorContainer, tf.Tensor]
  | BatchSource;

/** Options of `model.fit`. */
export interface FitArgs {
  /** Number of passes over the data. Default 1. */
  epochs?: number;
  /** Samples per gradient step, for tensor data. Default 32. */
  batchSize?: number;
  /**
   * Fraction (0 to 1) of the tensor data held out for validation: the last samples, taken before
   * shuffling, as Keras does; the first `floor(samples * (1 - validationSplit))` train. Default 0.
   */
  validationSplit?: number;
  /** Data to evaluate at the end of each epoch (overrides `validationSplit`). */
  validationData?: ValidationData;
  /** Batch size for validation. Default: `batchSize`. */
  validationBatchSize?: number;
  /** Shuffle tensor data before each epoch. Default `true`. Datasets shuffle themselves. */
  shuffle?: boolean;
  /** Seed of the shuffling order; the order of epoch `e` depends only on `(seed, e)`. Default: from `setSeed`'s generator. */
  seed?: number;
  /** Hooks called during training (`History` is always added and returned). */
  callbacks?: Callback[];
  /** Epoch to start at (0-based), to resume a run. Default 0. */
  initialEpoch?: number;
  /**
   * What `fit` prints, as in Keras. `'auto'` (default): a progress bar when Node's standard output is
   * a terminal, nothing in a browser or when the output goes to a pipe or a file. `0`: nothing. `1`: a
   * progress bar (the `ProgressBar` of `@tensorfold/optim`, on standard output; one line per epoch
   * through `console.log` if that package is not imported). `2`: one line per epoch through
   * `console.log`. Nothing is added when `callbacks` already holds a progress bar or an `EpochLogger`.
   */
  verbose?: Verbosity;
  /** Per-sample weights for tensor data, shape `[samples]`. */
  sampleWeight?: tf.Tensor;
  /**
   * For datasets: batches per epoch. Each epoch goes on where the last one stopped (a repeated
   * dataset is read as one stream), as Keras does. Default: one full pass of the dataset.
   */
  stepsPerEpoch?: number;
  /**
   * For dataset validation data: batches per evaluation. Each evaluation starts from the beginning of
   * the dataset, so every epoch is validated on the same batches, as Keras does. Default: one full pass.
   */
  validationSteps?: number;
}

/** Where `fit`'s batches come from for one epoch. */
interface EpochSource {
  batches(epoch: number): AsyncGenerator<ModelBatch> | Generator<ModelBatch>;
  steps: number | null;
  samples: number | null;
  /** Lets go of what the source keeps between epochs (an open dataset pass). */
  close?(): Promise<void>;
}

/** `model.fit` (see {@link FitArgs}). */
export async function fit(
  model: Model,
  x: TensorContainer | BatchSource,
  y: TensorContainer | undefined,
  args: FitArgs = {},
): Promise<History> {
  model.requireCompiled('fit');
  const epochs = args.epochs ?? 1;
  const initialEpoch = args.initialEpoch ?? 0;
  const batchSize = args.batchSize ?? 32;
  checkPositiveInteger(epochs, 'epochs');
  checkPositiveInteger(batchSize, 'batchSize');
  if (!Number.isInteger(initialEpoch) || initialEpoch < 0)
    throw new ConfigError(`initialEpoch must be an integer >= 0, got ${initialEpoch}.`);

  const owned: tf.Tensor[] = [];
  let train: EpochSource | undefined;
  try {
    const sources = isBatchSource(x)
      ? datasetSources(model, x, args)
      : arraySources(model, x, y, args, batchSize, owned);
    train = sources.train;
    const validation = sources.validation;
    const history = new History();
    const verbose = resolveVerbosity(args.verbose);
    const display = progressCallback(verbose, args.callbacks ?? []);
    // Keras's order: the progress display, the user's callbacks, then History last, so that History
    // records what callbacks add to the logs (a learning-rate schedule's `learning_rate`, say).
    const callbacks = new CallbackList([...(display ? [display] : []), ...(args.callbacks ?? []), history]);
    callbacks.setModel(model);
    const params: TrainingParams = {
      epochs,
      initialEpoch,
      steps: train.steps,
      samples: train.samples,
      batchSize: isBatchSource(x) ? null : batchSize,
      verbose,
      doValidation: validation !== null,
      metrics: metricNames(model, validation !== null),
    };
    callbacks.setParams(params);
    model.history = history;
    model.stopTraining = false;
    model.resumeFromEpoch = null;
    await callbacks.call('onTrainBegin', {});
    params.initialEpoch = resumeEpoch(model, initialEpoch);
    let lastLogs: Logs = {};
    // Reading the running values waits for the device: once per batch only for a callback that wants them.
    const logEachBatch = callbacks.listensTo('onBatchEnd');
    for (let epoch = params.initialEpoch; epoch < epochs; epoch++) {
      model.metricsState.reset();
      await callbacks.call('onEpochBegin', epoch, {});
      let batchIndex = 0;
      let batchLogs: Logs = {};
      for await (const batch of train.batches(epoch)) {
        try {
          await callbacks.call('onBatchBegin', batchIndex, { batch: batchIndex, size: batch.size });
          await model.runTrainStep(batch);
        } catch (error) {
          if (error instanceof NonFiniteLossError) {
            throw new NonFiniteLossError(error.value, ` at epoch ${epoch + 1}, batch ${batchIndex + 1}`);
          }
          throw error;
        } finally {
          disposeBatch(batch);
        }
        if (logEachBatch) batchLogs = await model.metricsState.read();
        await callbacks.call('onBatchEnd', batchIndex, { batch: batchIndex, size: batch.size, ...batchLogs });
        batchIndex++;
        if (model.stopTraining) break;
      }
      if (batchIndex === 0)
        throw new DataError(
          `Epoch ${epoch + 1} got no batches: the dataset is empty or exhausted (call repeat() on it, or lower stepsPerEpoch).`,
        );
      const epochLogs = logEachBatch ? batchLogs : await model.metricsState.read();
      if (validation) {
        const valLogs = await evaluateBatches(model, validation.batches(epoch), callbacks);
        for (const [k, v] of Object.entries(valLogs)) epochLogs[`val_${k}`] = v;
      }
      await callbacks.call('onEpochEnd', epoch, epochLogs);
      lastLogs = epochLogs;
      if (model.stopTraining) break;
    }
    await callbacks.call('onTrainEnd', lastLogs);
    return history;
  } finally {
    tf.dispose(owned);
    await train?.close?.();
  }
}

/** The epoch to start at: `initialEpoch`, or where a callback (e.g. a backup) asked to resume. */
function resumeEpoch(model: Model, initialEpoch: number): number {
  const resume = model.resumeFromEpoch;
  if (resume === null) return initialEpoch;
  if (!Number.isInteger(resume) || resume < 0)
    throw new ConfigError(`model.resumeFromEpoch must be an integer >= 0 or null, got ${resume}.`);
  return resume;
}

function checkPositiveInteger(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 1)
    throw new ConfigError(`${name} must be a positive integer, got ${value}.`);
}

function metricNames(model: Model, validation: boolean): string[] {
  const compiled = model.requireCompiled('fit');
  const names = [
    'loss',
    ...(model.outputNames.length > 1 ? model.outputNames.map((n) => `${n}_loss`) : []),
    ...compiled.metrics.map((m) => m.key),
  ];
  return validation ? [...names, ...names.map((n) => `val_${n}`)] : names;
}

function arraySources(
  model: Model,
  x: TensorContainer,
  y: TensorContainer | undefined,
  args: FitArgs,
  batchSize: number,
  owned: tf.Tensor[],
): { train: EpochSource; validation: EpochSource | null } {
  if (y === undefined && !model.hasCustomStep('train'))
    throw new DataError(
      'fit(x, y) needs targets y when x is tensors; pass a dataset of {xs, ys} batches otherwise.',
    );
  let {
    xs,
    ys,
    sampleWeight: sw,
    size: samples,
  } = toModelBatch(model.inputNames, model.outputNames, x, y, args.sampleWeight);
  let validation: EpochSource | null = null;
  if (args.validationData) {
    validation = validationSource(
      model,
      args.validationData,
      args.validationBatchSize ?? batchSize,
      args.validationSteps,
    );
  } else if (args.validationSplit) {
    const split = args.validationSplit;
    if (!(split > 0 && split < 1))
      throw new ConfigError(`validationSplit must be between 0 and 1 (exclusive), got ${split}.`);
    // Keras's and tfjs-layers' rounding: the training part is floor(samples * (1 - split)).
    const trainCount = Math.floor(samples * (1 - split));
    const valCount = samples - trainCount;
    if (valCount === 0 || trainCount === 0) {
      throw new DataError(
        `validationSplit ${split} of ${samples} samples leaves ${trainCount} for training and ${valCount} for validation; both need at least one: pick a fraction that leaves samples on both sides, or pass validationData.`,
      );
    }
    const vx = sliceRows(xs, trainCount, valCount);
    const vy = sliceRows(ys, trainCount, valCount);
    const vsw = sw ? tf.slice(sw, [trainCount], [valCount]) : undefined;
    xs = sliceRows(xs, 0, trainCount);
    ys = sliceRows(ys, 0, trainCount);
    sw = sw ? tf.slice(sw, [0], [trainCount]) : undefined;
    owned.push(...vx, ...vy, ...xs, ...ys, ...(vsw ? [vsw] : []), ...(sw ? [sw] : []));
    validation = tensorSource(vx, vy, vsw, valCount, args.validationBatchSize ?? batchSize, null);
    samples = trainCount;
  }
  const shuffle = args.shuffle ?? true;
  const seed = seedOrNext(args.seed);
  return { train: tensorSource(xs, ys, sw, samples, batchSize, shuffle ? seed : null), validation };
}

function tensorSource(
  xs: tf.Tensor[],
  ys: tf.Tensor[],
  sw: tf.Tensor | undefined,
  samples: number,
  batchSize: number,
  seed: number | null,
): EpochSource {
  return {
    steps: Math.ceil(samples / batchSize),
    samples,
    batches: (epoch) =>
      arrayBatches(
        xs,
        ys,
        sw,
        samples,
        batchSize,
        seed === null ? null : Random.derive(seed, epoch).permutation(samples),
      ),
  };
}

function validationSource(
  model: Model,
  data: ValidationData,
  batchSize: number,
  steps?: number,
): EpochSource {
  if (isBatchSource(data)) return datasetSource(model, data, steps, false);
  if (!Array.isArray(data) || data.length < 2)
    throw new ConfigError('validationData must be [x, y], [x, y, sampleWeight] or a dataset.');
  const { xs, ys, sampleWeight, size } = toModelBatch(
    model.inputNames,
    model.outputNames,
    data[0],
    data[1],
    data[2],
    ['validation x', 'validation y', 'validation sampleWeight'],
  );
  return tensorSource(xs, ys, sampleWeight, size, batchSize, null);
}

function datasetSources(
  model: Model,
  x: BatchSource,
  args: FitArgs,
): { train: EpochSource; validation: EpochSource | null } {
  if (args.validationSplit) {
    throw new ConfigError(
      'validationSplit works on tensors only; for a dataset pass validationData (e.g. a held-out dataset).',
    );
  }
  const validation = args.validationData
    ? validationSource(
        model,
        args.validationData,
        args.validationBatchSize ?? args.batchSize ?? 32,
        args.validationSteps,
      )
    : null;
  return { train: datasetSource(model, x, args.stepsPerEpoch, true), validation };
}

/** Batches from a dataset (see {@link datasetReader} for `continuePass`). */
function datasetSource(
  model: Model,
  source: BatchSource,
  steps: number | undefined,
  continuePass: boolean,
): EpochSource {
  const reader = datasetReader(source, model.inputNames, model.outputNames, steps, continuePass);
  return {
    steps: steps ?? (typeof source.size === 'number' ? source.size : null),
    samples: null,
    batches: () => reader.batches(),
    close: () => reader.close(),
  };
}
