import { resolve } from 'node:path';
import { backendInfo, describeBackend, initBackend } from '@tensorfold/backend';
import {
  Callback,
  ConfigError,
  fileSystem,
  type Logs,
  type Model,
  NonFiniteLossError,
  type Optimizer,
  SerializationError,
  setSeed,
  TensorfoldError,
  TrainingError,
  tf,
} from '@tensorfold/core/node';
import { checkLogdir, runLogger } from '@tensorfold/experiments/node';
import { adam, type ProgressBar, progressBar, sgd } from '@tensorfold/optim';
import { checkImageDataset, loadDataset } from '../datasets.js';
import { InterruptedError } from '../interrupted.js';
import { imageClassifiers, modelEntry } from '../models.js';
import { outDirectoryProblem } from '../out-directory.js';
import type { Output } from '../output.js';
import { refuseIgnoredWidths } from '../train-flags.js';
import { hasNonFiniteWeights, LossTrend, TrainingPosition } from './divergence.js';
import { type FittedImages, fitImagesToModel } from './fit-images.js';
import { penultimateEmbeddings } from './train-embeddings.js';
import {
  augmentedBatches,
  checkDecayFrom,
  checkHistoryFile,
  earlyStoppingCallback,
  learningRateOver,
  writeHistory,
} from './train-extras.js';

/** Options of `tensorfold train` (see `program.ts` for the flags). */
export interface TrainOptions {
  model: string;
  dataset: string;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  optimizer: 'adam' | 'sgd';
  limit?: number;
  validationSplit: number;
  backend: 'auto' | 'webgpu' | 'wasm' | 'cpu';
  seed: number;
  out?: string;
  /** Write the run as TensorBoard event files under this directory (see `@tensorfold/experiments`). */
  logdir?: string;
  /**
   * Save a run whose training diverged (its loss ended far above where it started) over `out`
   * anyway. Default `false`: such a run saves nothing. It fails (exit code 1) either way.
   */
  force?: boolean;
  /** Write learning curves, the test confusion matrix and test mistakes into this directory. */
  plot?: string;
  /** Draw the loss in the terminal while training (a redrawn Unicode chart) instead of the progress bar. */
  live?: boolean;
  json: boolean;
  /** Train on randomly rotated, zoomed and shifted batches (see `train-extras.ts`). */
  augment?: boolean;
  /** Stop after this many epochs without improvement and restore the best weights. */
  earlyStopping?: number;
  /** Write the per-epoch logs to this JSON file. */
  history?: string;
  /**
   * Filters of each conv block of `stackedconvnet`, `vggsmall` or `resnetsmall` (e.g. `[16, 32, 64]`).
   * Default: the builder's own. Other models refuse it.
   */
  filters?: number[];
  /**
   * The learning rate over the run: `'constant'` (default), or `'cosine'`, which decays it from `lr` to 0
   * over every step of the run (epochs x batches per epoch), as Keras's `CosineDecay`.
   */
  lrSchedule?: 'constant' | 'cosine';
  /**
   * With `lrSchedule: 'cosine'`: hold `lr` until the end of this epoch (1-based: `3` holds it through the
   * third), then decay it along the half cosine to 0 over the remaining epochs. Default 0 (decay from the
   * first step).
   */
  decayFrom?: number;
  /**
   * Dropout rate after each conv block of `stackedconvnet` or `vggsmall`, in [0, 1) (vggsmall's head uses
   * `min(2 * dropout, 0.5)`). Default: the builder's own (0.25 for vggsmall). Other models refuse it.
   */
  dropout?: number;
  /**
   * Stops training early when aborted (the CLI aborts it on Ctrl-C): the current batch finishes, then
   * the run tests, reports and saves as usual, with `interrupted: true` in the result. Aborted before
   * training begins (while the backend starts or the data loads), the run throws an `InterruptedError`
   * and trains, tests and saves nothing.
   */
  signal?: AbortSignal;
}

/** What a training run reports (also the `--json` line). */
export interface TrainResult {
  model: string;
  dataset: string;
  backend: string;
  backendDetail: string;
  epochs: number;
  batchSize: number;
  learningRate: number;
  optimizer: string;
  params: number;
  trainSamples: number;
  testSamples: number;
  /** Training samples per second, over the time spent in training steps (validation excluded). */
  samplesPerSecond: number;
  trainSeconds: number;
  trainLoss: number;
  trainAccuracy: number;
  valLoss?: number;
  valAccuracy?: number;
  testLoss: number;
  testAccuracy: number;
  seed: number;
  savedTo?: string;
  /** The files `--plot` wrote. */
  plots?: string[];
  /** Present (`true`) when `signal` stopped training before the last epoch ended. */
  interrupted?: true;
  /** Where `--history` wrote the per-epoch logs. */
  historyFile?: string;
  /** `--lr-schedule`, when not constant. */
  lrSchedule?: 'cosine';
  /** `--decay-from`, when given. */
  decayFrom?: number;
  /** `--filters`, when given. */
  filters?: number[];
  /** `--dropout`, when given. */
  dropout?: number;
}

/**
 * Measures the time spent training (from each epoch's start to its validation or end) and the samples
 * trained in it, and notes how many samples `fit` trains on per epoch (after its validation split).
 */
class TrainingClock extends Callback {
  seconds = 0;
  /** Samples per epoch, as `fit` counts them after its validation split. */
  samples = 0;
  /** Samples the training steps went through (fewer than epochs x samples when stopped early). */
  trained = 0;
  private start = 0;
  private running = false;

  override onTrainBegin(): void {
    this.samples = this.params.samples ?? 0;
  }

  override onBatchEnd(_batch: number, logs: Logs = {}): void {
    this.trained += logs.size ?? 0;
  }

  override onEpochBegin(): void {
    this.start = performance.now();
    this.running = true;
  }

  override onTestBegin(): void {
    this.stop();
  }

  override onEpochEnd(): void {
    this.stop();
  }

  private stop(): void {
    if (!this.running) return;
    this.seconds += (performance.now() - this.start) / 1000;
    this.running = false;
  }
}

/**
 * Asks `fit` to stop after the current batch once `signal` is aborted. On WASM and CPU a training step
 * never leaves the event loop, so a Ctrl-C would wait for the end of training: every 100 ms this lets
 * the loop run once (a few microseconds), so the signal handler can abort.
 */
class StopOnAbort extends Callback {
  stopped = false;
  private lastYield = performance.now();

  constructor(private readonly signal: AbortSignal) {
    super();
  }

  override async onBatchEnd(): Promise<void> {
    const now = performance.now();
    if (now - this.lastYield >= 100) {
      this.lastYield = now;
      await new Promise((resume) => setImmediate(resume));
    }
    if (!this.signal.aborted) return;
    this.stopped = true;
    this.model.stopTraining = true;
  }
}

/** What an interruption notice needs to know: whether training has begun, and the bar to end first. */
interface RunState {
  training: boolean;
  bar?: ProgressBar;
}

/**
 * `tensorfold train <model> --dataset <name> ...`. When `options.signal` aborts, a notice goes to
 * `out.error` at once, on a line of its own (the progress bar's line is ended first).
 */
export async function trainCommand(options: TrainOptions, out: Output): Promise<TrainResult> {
  const state: RunState = { training: false };
  const notice = () => {
    state.bar?.finish();
    out.error(
      state.training
        ? 'Interrupted: stopping after the current batch, then testing and saving what was trained. Press Ctrl-C again to quit at once.'
        : 'Interrupted: stopping before training begins; nothing will be trained or saved. Press Ctrl-C again to quit at once.',
    );
  };
  options.signal?.addEventListener('abort', notice, { once: true });
  try {
    return await train(options, out, state);
  } finally {
    options.signal?.removeEventListener('abort', notice);
  }
}

async function train(options: TrainOptions, out: Output, state: RunState): Promise<TrainResult> {
  const entry = modelEntry(options.model);
  if (entry.task !== 'classify-images') {
    throw new ConfigError(
      `"${entry.name}" is a ${entry.task} model; this command trains image classifiers (${imageClassifiers().join(', ')}).`,
    );
  }
  checkImageDataset(entry.name, options.dataset);
  refuseIgnoredWidths(entry.name, options);
  const epochs = options.epochs ?? entry.defaults.epochs;
  const batchSize = options.batchSize ?? entry.defaults.batchSize;
  const learningRate = options.lr ?? entry.defaults.learningRate;
  checkDecayFrom(options.decayFrom, options.lrSchedule, epochs);
  // Refuse a place the model cannot be saved to now, not after the training it would throw away.
  const outProblem = options.out === undefined ? null : outDirectoryProblem(options.out);
  if (outProblem) throw new ConfigError(outProblem);
  if (options.history !== undefined) checkHistoryFile(options.history);
  if (options.logdir !== undefined) await checkLogdir(options.logdir);
  setSeed(options.seed);

  // An explicit --backend is used exactly (over TENSORFOLD_BACKEND) or fails saying why; auto picks.
  await initBackend(options.backend === 'auto' ? {} : { require: options.backend });
  const backend = backendInfo();
  const backendDetail = describeBackend(backend);
  out.line(`Backend: ${backendDetail}`);
  for (const skipped of backend.skipped) out.line(`  (not ${skipped.name}: ${skipped.reason})`);

  const data = await loadDataset(options.dataset, { limit: options.limit });
  let model: Model | undefined;
  let images: FittedImages | undefined;
  let optimizer: Optimizer | undefined;
  let projected: ReturnType<typeof penultimateEmbeddings> = null;
  let result: TrainResult;
  let completed = false;
  try {
    out.line(`Data: ${data.description} (${data.train.count} training, ${data.test.count} test samples)`);
    checkValidationSplit(options.validationSplit, data.train.count, options.limit !== undefined);
    model = (await entry.build({
      numClasses: data.numClasses,
      inputShape: data.train.x.shape.slice(1),
      ...(options.filters !== undefined ? { filters: options.filters } : {}),
      ...(options.dropout !== undefined ? { dropout: options.dropout } : {}),
    })) as Model;
    const params = model.countParams();
    out.line(`Model: ${model.name}, ${params.toLocaleString('en-US')} parameters`);
    images = fitImagesToModel(model, data.train.x, data.test.x);
    if (images.note) out.line(`Data: ${images.note}`);
    const validation = options.validationSplit > 0;
    const trainCount = validation
      ? Math.floor(data.train.count * (1 - options.validationSplit))
      : data.train.count;
    const stepsPerEpoch = Math.ceil(trainCount / batchSize);
    const rate = learningRateOver(
      options.lrSchedule,
      learningRate,
      epochs * stepsPerEpoch,
      (options.decayFrom ?? 0) * stepsPerEpoch,
    );
    optimizer =
      options.optimizer === 'sgd' ? sgd({ learningRate: rate, momentum: 0.9 }) : adam({ learningRate: rate });
    model.compile({ optimizer, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });

    const clock = new TrainingClock();
    const stopper = options.signal ? new StopOnAbort(options.signal) : null;
    // Nothing trained yet: a model of one batch must not be tested, reported or saved over --out.
    if (options.signal?.aborted)
      throw new InterruptedError('Interrupted before training began: nothing was trained, tested or saved.');
    const position = new TrainingPosition();
    const trend = new LossTrend();
    const bar = progressBar({ stream: out.progress });
    state.bar = bar;
    state.training = true;
    let history: Awaited<ReturnType<Model['fit']>>;
    const extras = options.earlyStopping ? [earlyStoppingCallback(options.earlyStopping, validation)] : [];
    if (options.logdir !== undefined) {
      // The penultimate layer's features on test images, for the board's projector (and TensorBoard's).
      projected = penultimateEmbeddings(model, images.test, data.test.y, data.classNames);
      const embeddings = projected ? { embeddings: projected.args } : {};
      extras.push(
        runLogger(options.logdir, { hparams: runHparams(options, batchSize, learningRate), ...embeddings }),
      );
    }
    const callbacks = [
      clock,
      position,
      trend,
      ...extras,
      ...(stopper ? [stopper] : []),
      options.live ? await liveChart(out) : bar,
    ];
    try {
      if (options.augment) {
        // Augmented batches come from a dataset, so the validation split is taken here (the last part, as fit does).
        const n = data.train.count;
        const [xTrain, xVal] = tf.split(images.train, validation ? [trainCount, n - trainCount] : [n]);
        const [yTrain, yVal] = tf.split(data.train.y, validation ? [trainCount, n - trainCount] : [n]);
        try {
          history = await model.fit(augmentedBatches(xTrain, yTrain, batchSize, options.seed), {
            epochs,
            ...(validation ? { validationData: [xVal, yVal] as [tf.Tensor, tf.Tensor] } : {}),
            callbacks,
          });
        } finally {
          tf.dispose([xTrain, yTrain, ...(validation ? [xVal, yVal] : [])]);
        }
      } else {
        history = await model.fit(images.train, data.train.y, {
          epochs,
          batchSize,
          validationSplit: validation ? options.validationSplit : undefined,
          seed: options.seed,
          callbacks,
        });
      }
    } catch (error) {
      bar.finish(); // the error goes on a line of its own
      if (error instanceof NonFiniteLossError) {
        const what = `the loss became ${error.value} at epoch ${position.epoch}, batch ${position.batch}`;
        throw divergedError(what, learningRate, entry.defaults.learningRate, options, error);
      }
      if (error instanceof WebAssembly.RuntimeError)
        throw wasmFailure(error, batchSize, entry.defaults.batchSize);
      throw error;
    }
    // Nothing is tested, reported or saved from weights that are NaN or infinite.
    if (await hasNonFiniteWeights(model)) {
      bar.finish();
      const what = `the weights became NaN or infinite by epoch ${position.epoch}, batch ${position.batch}`;
      throw divergedError(what, learningRate, entry.defaults.learningRate, options);
    }
    const last = (key: string) => history.history[key]?.at(-1);
    // A finite loss can still have run away (sgd --lr 1e10): such a run saves nothing unless --force.
    const diverged = trend.divergence(last('loss') as number | undefined);
    if (diverged && !options.force)
      throw divergedError(diverged, learningRate, entry.defaults.learningRate, options, undefined, true);
    const test = await model.evaluate(images.test, data.test.y, { batchSize: 1000 });
    const trainSamples = clock.samples;
    result = {
      model: options.model,
      dataset: options.dataset,
      backend: backend.name,
      backendDetail,
      epochs: history.epoch.length,
      batchSize,
      learningRate,
      optimizer: options.optimizer,
      params,
      trainSamples,
      testSamples: data.test.count,
      samplesPerSecond: round(clock.trained / clock.seconds, 1),
      trainSeconds: round(clock.seconds, 2),
      trainLoss: round(last('loss') as number, 4),
      trainAccuracy: round(last('accuracy') as number, 4),
      ...(last('val_loss') !== undefined
        ? {
            valLoss: round(last('val_loss') as number, 4),
            valAccuracy: round(last('val_accuracy') as number, 4),
          }
        : {}),
      testLoss: round(test.loss, 4),
      testAccuracy: round(test.accuracy, 4),
      seed: options.seed,
      ...(options.lrSchedule === 'cosine' ? { lrSchedule: 'cosine' as const } : {}),
      ...(options.decayFrom !== undefined ? { decayFrom: options.decayFrom } : {}),
      ...(options.filters !== undefined ? { filters: options.filters } : {}),
      ...(options.dropout !== undefined ? { dropout: options.dropout } : {}),
      ...(stopper?.stopped ? { interrupted: true as const } : {}),
    };
    if (stopper?.stopped) out.line(`Training was interrupted after ${history.epoch.length} epoch(s).`);
    out.line(
      `Test accuracy: ${(result.testAccuracy * 100).toFixed(2)}% (loss ${result.testLoss.toFixed(4)}) on ${data.test.count} images`,
    );
    out.line(`Throughput: ${result.samplesPerSecond.toLocaleString('en-US')} samples/s on ${backend.name}`);
    if (options.history !== undefined) {
      await writeHistory(options.history, history);
      result.historyFile = resolve(options.history);
      out.line(`Wrote the per-epoch logs to ${result.historyFile}`);
    }
    if (options.out) {
      const dir = resolve(options.out);
      await saveModel(model, dir);
      result.savedTo = dir;
      out.line(
        `Saved the model to ${dir} (model.json + weights; loads in tensorfold and @tensorflow/tfjs-layers)`,
      );
    }
    if (options.plot) {
      const { writeTrainingPlots } = await import('./training-plots.js');
      result.plots = await writeTrainingPlots(options.plot, {
        history,
        model,
        test: { ...data.test, x: images.test },
        classNames: data.classNames,
      });
      out.line(`Wrote plots to ${resolve(options.plot)} (learning curves, confusion matrix, test mistakes)`);
    }
    if (diverged) {
      completed = true;
      throw new TrainingError(
        `Training diverged: ${diverged}, and the model was saved${result.savedTo ? ` to ${result.savedTo}` : ''} anyway as --force asked. Lower the learning rate (it was ${shortNumber(learningRate)}; the default is ${entry.defaults.learningRate}).`,
      );
    }
    completed = true;
  } finally {
    // After a failure the backend may be broken (a WASM heap that ran out): freeing must not replace
    // the error that says what happened.
    releaseAll(
      [
        () => model?.dispose(),
        () => optimizer?.dispose(),
        () => images?.dispose(),
        () => projected?.dispose(),
        () => data.dispose(),
      ],
      completed,
    );
  }
  return result;
}

/**
 * The error of a training step that broke the WASM backend. Its heap holds at most 4 GiB, and a large
 * batch's activations and gradients exceed it (LeNet-5 fails between 10,000 and 20,000 images a batch);
 * tfjs-wasm then reports a bad memory access rather than an allocation failure.
 */
function wasmFailure(error: Error, batchSize: number, defaultBatchSize: number): TrainingError {
  return new TrainingError(
    `The WASM backend failed during a training step (${error.message}), most likely out of memory: its heap holds at most 4 GiB, and a batch of ${batchSize} needs more. Pass a smaller --batch-size (the default is ${defaultBatchSize}).`,
    { cause: error },
  );
}

/**
 * Runs every release in `releases`. When `rethrow` is set the first failure is thrown once all have run;
 * otherwise (the run already failed with its own error) failures are dropped.
 */
function releaseAll(releases: Array<() => void>, rethrow: boolean): void {
  let failure: { error: unknown } | null = null;
  for (const release of releases) {
    try {
      release();
    } catch (error) {
      failure ??= { error };
    }
  }
  if (failure && rethrow) throw failure.error;
}

/**
 * Refuses a `--validation-split` that leaves no sample on one side, in the flags' words (fit's own error
 * speaks of its options). `fit` trains on the first `floor(samples * (1 - split))`, as Keras does.
 */
function checkValidationSplit(split: number, samples: number, limited: boolean): void {
  if (split <= 0) return;
  const trainCount = Math.floor(samples * (1 - split));
  const validationCount = samples - trainCount;
  if (trainCount >= 1 && validationCount >= 1) return;
  throw new ConfigError(
    `--validation-split ${split} of ${samples} training samples leaves ${trainCount} for training and ${validationCount} for validation; both need at least one: pass a smaller --validation-split${limited ? ' or a larger --limit' : ''}.`,
  );
}

/**
 * The error of a run whose training diverged: what happened and where, that nothing was saved, and what
 * to change on the command line.
 */
function divergedError(
  what: string,
  learningRate: number,
  defaultRate: number,
  options: TrainOptions,
  cause?: unknown,
  forceable = false,
): TrainingError {
  const saved = options.out
    ? `Nothing was saved; ${resolve(options.out)} is as it was${forceable ? ' (--force saves such a run anyway)' : ''}.`
    : 'Nothing was saved.';
  const optimizer = options.optimizer === 'sgd' ? ', or try --optimizer adam' : '';
  return new TrainingError(
    `Training diverged: ${what}. ${saved} Lower the learning rate: pass --lr ${shortNumber(learningRate / 10)} or less (it was ${shortNumber(learningRate)}; the default is ${defaultRate})${optimizer}.`,
    { cause },
  );
}

/**
 * Saves to `dir` (with the optimizer's state unless `includeOptimizer` is false), turning a file-system
 * failure (disk full, permissions) into a typed error.
 */
export async function saveModel(model: Model, dir: string, includeOptimizer = true): Promise<void> {
  try {
    await model.save(fileSystem(dir), { includeOptimizer });
  } catch (error) {
    if (error instanceof TensorfoldError) throw error;
    throw new SerializationError(
      `The trained model could not be saved to ${dir} (${(error as Error).message}); free space or fix the permissions, or pass another --out.`,
      { cause: error },
    );
  }
}

/** `x` in at most 3 significant digits, with an exponent when very large or small (`1e+19`, `0.005`). */
function shortNumber(x: number): string {
  const r = Number(x.toPrecision(3));
  return r >= 1e4 || r < 1e-4 ? r.toExponential() : String(r);
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** `--live`: the loss (training and validation) redrawn on the progress stream after each epoch. */
async function liveChart(out: Output): Promise<Callback> {
  const { liveHistory } = await import('@tensorfold/viz');
  return liveHistory({ stream: out.progress, metrics: ['loss'], width: 50, height: 8 });
}

/** What a run's TensorBoard log records as its hyperparameters. */
export function runHparams(
  options: Pick<TrainOptions, 'model' | 'dataset' | 'optimizer' | 'seed'>,
  batchSize: number,
  learningRate: number,
): Record<string, string | number> {
  return {
    model: options.model,
    dataset: options.dataset,
    optimizer: options.optimizer,
    learning_rate: learningRate,
    batch_size: batchSize,
    seed: options.seed,
  };
}
