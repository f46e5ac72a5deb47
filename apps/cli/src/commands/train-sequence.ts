/**
 * `tensorfold train forecaster | spam | spam-conv1d | charlm`: the recurrent models of
 * `@tensorfold/models-rnn`, each trained on its data and reported beside the baseline it must beat
 * (persistence for a forecast, the majority class for spam, a bigram model for a character model).
 */
import { join, resolve } from 'node:path';
import { backendInfo, describeBackend, initBackend } from '@tensorfold/backend';
import {
  Callback,
  ConfigError,
  fileSystem,
  type Logs,
  makeDirectories,
  type Sequential,
  setSeed,
  tf,
  writeAtomically,
} from '@tensorfold/core/node';
import { adam, sgd } from '@tensorfold/optim';
import { modelEntry } from '../models.js';
import { outDirectoryProblem } from '../out-directory.js';
import type { Output } from '../output.js';
import { loadCorpus, loadLabelledTexts, loadSeries } from '../sequence-datasets.js';

/** Options of the recurrent training path (see `program.ts` for the flags). */
export interface TrainSequenceOptions {
  model: string;
  dataset: string;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  optimizer?: 'adam' | 'sgd';
  /** Training samples: windows (forecaster), mails (spam), characters of the text (charlm). */
  limit?: number;
  seed: number;
  /** Steps per window (forecaster), characters per window (charlm), tokens per mail (spam). */
  window?: number;
  backend?: 'auto' | 'webgpu' | 'wasm' | 'cpu';
  /**
   * Forecaster: what the model learns: `'value'` (default) the next value itself, `'change'` the change
   * from the window's last value (its forecast is persistence plus a learned correction).
   */
  predict?: 'value' | 'change';
  out?: string;
  json: boolean;
}

/** What a run reports (also the `--json` line): the model's score beside its baseline's. */
export interface TrainSequenceResult {
  model: string;
  dataset: string;
  task: string;
  epochs: number;
  seed: number;
  backend: string;
  trainSeconds: number;
  /** The model's test score, named by `metric`. */
  score: number;
  /** The baseline's score on the same test data. */
  baseline: number;
  baselineName: string;
  metric: string;
  /** Further numbers of the run (RMSE, seasonal baseline, perplexities...). */
  details: Record<string, number | string>;
  samples?: Record<string, string>;
  savedTo?: string;
}

class EpochLines extends Callback {
  constructor(
    private readonly out: Output,
    private readonly epochs: number,
  ) {
    super();
  }
  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    const parts = Object.entries(logs).map(([k, v]) => `${k} ${Number(v).toFixed(4)}`);
    this.out.line(`  epoch ${epoch + 1}/${this.epochs}: ${parts.join(', ')}`);
  }
}

/** Runs the recurrent path of `tensorfold train`. */
export async function trainSequenceCommand(
  options: TrainSequenceOptions,
  out: Output,
): Promise<TrainSequenceResult> {
  const entry = modelEntry(options.model);
  if (
    !entry.datasets.includes(options.dataset) &&
    !(entry.task === 'forecast' && options.dataset === 'sp500')
  )
    throw new ConfigError(
      `${entry.name} does not train on "${options.dataset}"; pass --dataset with one of ${entry.datasets.join(', ')}.`,
    );
  if (options.out) {
    const problem = outDirectoryProblem(resolve(options.out));
    if (problem) throw new ConfigError(problem);
  }
  setSeed(options.seed);
  await initBackend(
    options.backend === undefined || options.backend === 'auto'
      ? { prefer: 'wasm' }
      : { require: options.backend },
  );
  const backend = describeBackend(backendInfo());
  const epochs = options.epochs ?? entry.defaults.epochs;
  const batchSize = options.batchSize ?? entry.defaults.batchSize;
  const learningRate = options.lr ?? entry.defaults.learningRate;
  const optimizer = options.optimizer === 'sgd' ? sgd({ learningRate }) : adam({ learningRate });
  const base = {
    model: entry.name,
    dataset: options.dataset,
    task: entry.task,
    epochs,
    seed: options.seed,
    backend,
  };
  const fit = { epochs, batchSize, learningRate, optimizer, base };
  try {
    if (entry.task === 'forecast') return await forecast(options, out, fit);
    if (entry.task === 'classify-text') return await classify(options, out, fit);
    if (entry.task === 'generate-text') return await languageModel(options, out, fit);
    throw new ConfigError(`${entry.name} is not a recurrent model (task ${entry.task}).`);
  } finally {
    optimizer.dispose();
  }
}

/**
 * Fits `model` on `xs`/`ys` for `fit`'s epochs and batch size (validating on `validationData` when
 * given), printing a line per epoch, and returns the seconds it took.
 */
async function fitTimed(
  model: Sequential,
  xs: tf.Tensor,
  ys: tf.Tensor,
  fit: Fit,
  out: Output,
  validationData?: [tf.Tensor, tf.Tensor],
): Promise<number> {
  const start = performance.now();
  await model.fit(xs, ys, {
    epochs: fit.epochs,
    batchSize: fit.batchSize,
    ...(validationData ? { validationData } : {}),
    verbose: 0,
    callbacks: [new EpochLines(out, fit.epochs)],
  });
  return (performance.now() - start) / 1000;
}

type Fit = {
  epochs: number;
  batchSize: number;
  learningRate: number;
  optimizer: ReturnType<typeof adam> | ReturnType<typeof sgd>;
  base: Omit<
    TrainSequenceResult,
    'trainSeconds' | 'score' | 'baseline' | 'baselineName' | 'metric' | 'details'
  >;
};

async function forecast(options: TrainSequenceOptions, out: Output, fit: Fit): Promise<TrainSequenceResult> {
  const rnn = await import('@tensorfold/models-rnn');
  const data = await loadSeries(options.dataset);
  const window = options.window ?? (data.daily ? 60 : 12);
  out.line(`Data: ${data.description}`);
  // Whole series checked once (NaN, gaps); each feature scaled to [0, 1] on the training steps only.
  rnn.checkSeries(data.values, data.daily ? data.dates : undefined);
  const features = data.columns.length;
  const scalings = data.columns.map((_, c) =>
    rnn.minMaxScaling(data.values.slice(0, data.validationStart).map((row) => row[c] as number)),
  );
  const scaling = scalings[0] as (typeof scalings)[number]; // the target's
  const scaled = data.values.map((row) =>
    row.map((v, c) => (v - (scalings[c]?.min ?? 0)) / ((scalings[c]?.max ?? 1) - (scalings[c]?.min ?? 0))),
  );
  const part = (from: number, to: number) => rnn.windows(scaled.slice(Math.max(0, from), to), { window });
  const train = await part(0, data.validationStart);
  const validation = await part(data.validationStart - window, data.testStart);
  const test = await part(data.testStart - window, scaled.length);
  const limited = options.limit === undefined ? null : limitRows(train.xs, train.ys, options.limit);
  const entry = modelEntry(options.model);
  const model = (await entry.build({ inputShape: [window, features] })) as Sequential;
  out.line(
    `Model: ${entry.summary}; window ${window} x ${features} features (${data.columns.join(', ')}), ${fit.epochs} epochs, batch ${fit.batchSize}, lr ${fit.learningRate}, seed ${options.seed}`,
  );
  model.compile({ optimizer: fit.optimizer, loss: 'meanAbsoluteError' });
  const xs = limited?.[0] ?? train.xs;
  const change = options.predict === 'change';
  // With 'change', the targets are y - last value: [samples, 1].
  const ys = change
    ? tf.tidy(() => tf.sub(limited?.[1] ?? train.ys, rnn.naiveForecast(xs as tf.Tensor3D)))
    : (limited?.[1] ?? train.ys);
  const validationYs = change
    ? tf.tidy(() => tf.sub(validation.ys, rnn.naiveForecast(validation.xs)))
    : validation.ys;
  out.line(
    `Training on ${xs.shape[0]} windows, validating on ${validation.xs.shape[0]}, testing on ${test.xs.shape[0]} (${fit.base.backend})`,
  );
  try {
    const trainSeconds = await fitTimed(model, xs, ys, fit, out, [validation.xs, validationYs]);
    const persistence = rnn.naiveForecast(test.xs);
    const output = model.predict(test.xs) as tf.Tensor;
    const predicted = change ? tf.add(output, persistence) : output;
    if (change) output.dispose();
    const [m, p] = [
      await rnn.forecastErrors(predicted, test.ys),
      await rnn.forecastErrors(persistence, test.ys),
    ];
    tf.dispose([predicted, persistence]);
    const details: Record<string, number | string> = {
      window,
      predict: options.predict ?? 'value',
      unit: data.unit,
      modelRmse: round(scaling.inverseScale(m.rmse)),
      persistenceRmse: round(scaling.inverseScale(p.rmse)),
    };
    if (window >= 365) {
      const seasonal = rnn.naiveForecast(test.xs, { method: 'seasonal', period: 365 });
      details.seasonal365Mae = round(scaling.inverseScale((await rnn.forecastErrors(seasonal, test.ys)).mae));
      seasonal.dispose();
    }
    const score = round(scaling.inverseScale(m.mae));
    const baseline = round(scaling.inverseScale(p.mae));
    out.line(
      `Test MAE: ${entry.name} ${score} ${data.unit}, persistence ("next = last") ${baseline} ${data.unit} (RMSE ${details.modelRmse} vs ${details.persistenceRmse})`,
    );
    out.line(
      score < baseline
        ? 'The model beats the naive baseline.'
        : 'The model does NOT beat the naive baseline (a random walk is hard to beat).',
    );
    const result: TrainSequenceResult = {
      ...fit.base,
      trainSeconds: round(trainSeconds, 1),
      score,
      baseline,
      baselineName: 'persistence',
      metric: `test MAE (${data.unit})`,
      details,
    };
    await save(model, options, out, result, {
      window,
      predict: options.predict ?? 'value',
      scaling: { min: scaling.min, max: scaling.max },
    });
    return result;
  } finally {
    model.dispose();
    train.dispose();
    validation.dispose();
    test.dispose();
    if (limited) tf.dispose(limited);
    if (change) tf.dispose([ys, validationYs]);
  }
}

function limitRows(xs: tf.Tensor, ys: tf.Tensor, limit: number): [tf.Tensor, tf.Tensor] {
  // The last `limit` windows: the most recent training data.
  const n = xs.shape[0] as number;
  const from = Math.max(0, n - limit);
  return tf.tidy(() => [tf.slice(xs, from), tf.slice(ys, from)]);
}

async function classify(options: TrainSequenceOptions, out: Output, fit: Fit): Promise<TrainSequenceResult> {
  const { padSequences, Tokenizer } = await import('@tensorfold/data');
  const data = await loadLabelledTexts(options.dataset, options.seed, options.limit);
  const length = options.window ?? 200;
  out.line(`Data: ${data.description}`);
  const tokenizer = new Tokenizer({ numWords: 10_000, oovToken: '<oov>' }).fitOnTexts(data.train.texts);
  const pad = (texts: string[]) =>
    padSequences(tokenizer.textsToSequences(texts), { maxLength: length, truncating: 'post' });
  const xs = pad(data.train.texts);
  const ys = tf.tensor2d(data.train.labels, [data.train.labels.length, 1]);
  const testXs = pad(data.test.texts);
  const testYs = tf.tensor2d(data.test.labels, [data.test.labels.length, 1]);
  const entry = modelEntry(options.model);
  const model = (await entry.build({
    vocabulary: tokenizer.vocabularySize,
    inputShape: [length],
  })) as Sequential;
  out.line(
    `Model: ${entry.summary}; vocabulary ${tokenizer.vocabularySize}, ${length} tokens per mail, ${fit.epochs} epochs, batch ${fit.batchSize}, seed ${options.seed}`,
  );
  model.compile({ optimizer: fit.optimizer, loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  try {
    const trainSeconds = await fitTimed(model, xs, ys, fit, out);
    const logs = await model.evaluate(testXs, testYs, { batchSize: 256 });
    const accuracy = round(Number(logs.accuracy), 4);
    const spamShare = data.train.labels.filter((l) => l === 1).length / data.train.labels.length;
    const majority = spamShare >= 0.5 ? 1 : 0;
    const baseline = round(
      data.test.labels.filter((l) => l === majority).length / data.test.labels.length,
      4,
    );
    out.line(
      `Test accuracy: ${entry.name} ${(accuracy * 100).toFixed(2)}%, always-"${data.classNames[majority]}" baseline ${(baseline * 100).toFixed(2)}%, on ${data.test.labels.length} mails; trained in ${trainSeconds.toFixed(1)} s`,
    );
    const result: TrainSequenceResult = {
      ...fit.base,
      trainSeconds: round(trainSeconds, 1),
      score: accuracy,
      baseline,
      baselineName: `majority class (${data.classNames[majority]})`,
      metric: 'test accuracy',
      details: {
        tokens: length,
        vocabulary: tokenizer.vocabularySize,
        testLoss: round(Number(logs.loss), 4),
      },
    };
    await save(model, options, out, result, { tokenizer: tokenizer.toJSON(), tokens: length });
    return result;
  } finally {
    model.dispose();
    tf.dispose([xs, ys, testXs, testYs]);
  }
}

async function languageModel(
  options: TrainSequenceOptions,
  out: Output,
  fit: Fit,
): Promise<TrainSequenceResult> {
  const rnn = await import('@tensorfold/models-rnn');
  const corpus = await loadCorpus(options.dataset, options.limit);
  const steps = options.window ?? 40;
  out.line(`Data: ${corpus.description}`);
  const vocabulary = rnn.charVocabulary(corpus.train);
  const encoded = vocabulary.encode(corpus.train);
  const { xs, ys } = rnn.charWindows(encoded.ids, { steps, stride: 3 });
  const entry = modelEntry(options.model);
  const model = (await entry.build({ vocabulary: vocabulary.size, inputShape: [steps] })) as Sequential;
  out.line(
    `Model: ${entry.summary}; ${vocabulary.size - 2} characters, windows of ${steps} every 3 characters (${xs.shape[0]}), ${fit.epochs} epochs, batch ${fit.batchSize}, seed ${options.seed}`,
  );
  model.compile({ optimizer: fit.optimizer, loss: 'sparseCategoricalCrossentropy' });
  try {
    const trainSeconds = await fitTimed(model, xs, ys, fit, out);
    const score = await rnn.bitsPerCharacter(model, corpus.heldOut, { vocabulary, steps });
    const bigram = rnn.bigramModel(corpus.train, vocabulary).score(corpus.heldOut, steps);
    out.line(
      `Held-out bits per character: ${entry.name} ${score.bitsPerCharacter.toFixed(3)} (perplexity ${score.perplexity.toFixed(2)}), bigram ${bigram.bitsPerCharacter.toFixed(3)} (perplexity ${bigram.perplexity.toFixed(2)}), on ${score.characters.toLocaleString('en-US')} characters (${score.unknown} outside the vocabulary)`,
    );
    const samples: Record<string, string> = {};
    const seedText = corpus.heldOut.slice(0, steps);
    for (const temperature of [0.2, 0.5, 1.0, 1.2]) {
      const { text } = await rnn.generate(model, seedText, {
        vocabulary,
        length: 120,
        temperature,
        seed: options.seed,
      });
      samples[String(temperature)] = text;
      out.line(`Sample at temperature ${temperature}: ${JSON.stringify(seedText + text)}`);
    }
    const result: TrainSequenceResult = {
      ...fit.base,
      trainSeconds: round(trainSeconds, 1),
      score: round(score.bitsPerCharacter, 4),
      baseline: round(bigram.bitsPerCharacter, 4),
      baselineName: 'bigram (add-one)',
      metric: 'held-out bits per character',
      details: {
        perplexity: round(score.perplexity, 3),
        bigramPerplexity: round(bigram.perplexity, 3),
        heldOutCharacters: score.characters,
        unknownCharacters: score.unknown,
        steps,
      },
      samples,
    };
    await save(model, options, out, result, { vocabulary: vocabulary.toJSON(), steps });
    return result;
  } finally {
    model.dispose();
    tf.dispose([xs, ys]);
  }
}

/** The file beside `model.json` that says how to feed the model (window, vocabulary, scaling...). */
export const SEQUENCE_JSON = 'sequence.json';

async function save(
  model: Sequential,
  options: TrainSequenceOptions,
  out: Output,
  result: TrainSequenceResult,
  extra: Record<string, unknown>,
): Promise<void> {
  if (!options.out) return;
  const dir = resolve(options.out);
  await makeDirectories(dir);
  await model.save(fileSystem(dir));
  await writeAtomically(
    join(dir, SEQUENCE_JSON),
    `${JSON.stringify({ model: result.model, task: result.task, dataset: result.dataset, ...extra })}\n`,
  );
  result.savedTo = dir;
  out.line(`Saved the model to ${dir} (model.json + weights + ${SEQUENCE_JSON})`);
}

function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
