/**
 * Trains a DCGAN on the 60,000 MNIST training digits and judges its samples after every epoch with a
 * trained MNIST classifier (tensorfold's LeNet-5): mean confidence, the share classified with confidence
 * > 0.9, the classes covered (>= 5% of the samples each) and the Fréchet distance between the classifier's
 * penultimate features of 2,000 samples and of 2,000 real test digits; 2,000 real training digits are
 * scored the same way first, as the yardstick (`--epochs 0` prints only that). Both the last step's generator and
 * an exponential moving average of its weights (`WeightAverage`, `--ema`) are judged, on the same latent
 * points.
 *
 *   pnpm tensorfold train lenet5 --epochs 12 --seed 1 --lr-schedule cosine --out runs/judge   # the judge
 *   node --conditions=@tensorfold/source --import tsx packages/models-gan/scripts/dcgan-mnist.ts \
 *     --judge runs/judge --epochs 5 [--limit N] [--filters 128] [--latent-dim 100] [--ema 0.999] \
 *     [--minutes M] [--json FILE] [--out DIR] [--resume DIR --initial-epoch N] [--batch-size 64] \
 *     [--learning-rate 2e-4] [--decay-from E] [--label-smoothing 0.1] [--dropout 0.3] \
 *     [--generator-blocks 0] [--discriminator-batch-norm]
 *
 * Both players use Adam (beta1 0.5) at `--learning-rate`. `--decay-from E` holds that rate until the end
 * of epoch E, then lowers both players' rates along a half cosine to 0 at the end of epoch `--epochs`
 * (`cosineDecay` with a constant warm-up; per step, so `--minutes` should leave room for every epoch).
 * `--dropout` is the discriminator's dropout rate after each block (`dcgan({dropout})`; a resumed GAN keeps
 * the rate it was saved with).
 * `--generator-blocks N` adds N stride-1 5x5 convolution blocks at the generator's first resolution
 * (`dcgan({generatorBlocks})`) and `--discriminator-batch-norm` batch-normalizes the discriminator's second
 * convolution (`dcgan({discriminatorBatchNorm: true})`, and then the discriminator learns from real and
 * generated images as separate batches, `compile`'s default for such a discriminator); a resumed run must pass the same two flags as the
 * saved GAN (the averaged generator is rebuilt from them).
 * `--classes` gives the discriminator a 10-way class head trained on the training labels, and the generator
 * CatGAN's class-clarity term, both weighted by `--class-weight` (default 1; `dcgan({classes: 10})`,
 * `compile({classWeight})`); a resumed run must pass `--classes` again.
 * `--minutes M` starts no epoch that the last one's duration says would end after M minutes. `--out DIR`
 * saves, after every epoch, the GAN to DIR/gan and the averaged generator to DIR/generator-average.
 * `--resume DIR --initial-epoch N` goes on from the GAN saved in DIR/gan after epoch N (the saved model has
 * no optimizer state: both Adams, the weight average and the stream of latent points start afresh) and trains epochs N+1 to `--epochs`.
 * Prints one JSON line per epoch (also written to `--json FILE`, rewritten atomically each epoch) and
 * Markdown tables at the end (for BENCHMARKS.md).
 */
import { parseArgs } from 'node:util';
import { backendInfo, describeBackend, initBackend } from '@tensorfold/backend';
import { fileSystem, loadModel, type Model, setSeed, tf, writeAtomically } from '@tensorfold/core/node';
import { loadMnist } from '@tensorfold/data/node';
import '@tensorfold/layers';
import { cosineDecay, type LearningRateSchedule } from '@tensorfold/optim';
import {
  type ClassifierScore,
  classifierScore,
  dcgan,
  dcganGenerator,
  type GAN,
  WeightAverage,
} from '../src/index.js';

const { values } = parseArgs({
  options: {
    judge: { type: 'string' },
    epochs: { type: 'string', default: '5' },
    limit: { type: 'string' },
    'latent-dim': { type: 'string', default: '100' },
    filters: { type: 'string', default: '128' },
    'batch-size': { type: 'string', default: '64' },
    seed: { type: 'string', default: '1' },
    ema: { type: 'string', default: '0.999' },
    minutes: { type: 'string' },
    json: { type: 'string' },
    out: { type: 'string' },
    resume: { type: 'string' },
    'initial-epoch': { type: 'string', default: '0' },
    'learning-rate': { type: 'string', default: '2e-4' },
    'decay-from': { type: 'string' },
    'label-smoothing': { type: 'string', default: '0.1' },
    dropout: { type: 'string', default: '0.3' },
    'generator-blocks': { type: 'string', default: '0' },
    'discriminator-batch-norm': { type: 'boolean', default: false },
    classes: { type: 'boolean', default: false },
    'class-weight': { type: 'string', default: '1' },
  },
});
if (!values.judge)
  throw new Error('Pass --judge DIR: a saved MNIST classifier (see the header of this script).');

if (values.minutes !== undefined && !(Number(values.minutes) > 0))
  throw new Error(`--minutes must be a number > 0, got ${values.minutes}; leave it out for no budget.`);

await initBackend();
const backend = describeBackend(backendInfo());
console.error(`Backend: ${backend}`);
setSeed(Number(values.seed));
const judge = (await loadModel(fileSystem(values.judge))) as Model;
const train = await loadMnist({ split: 'train', limit: values.limit ? Number(values.limit) : undefined });
const test = await loadMnist({ split: 'test' });
const judged = await judge.evaluate(test.xs, test.ys, { batchSize: 500 });
console.error(`Judge: ${(judged.accuracy * 100).toFixed(2)}% on the ${test.xs.shape[0]} test digits`);
const real = tf.tidy(() => tf.slice(test.xs, 0, 2000)); // [2000, 28, 28, 1], the Fréchet reference
test.dispose();
// The yardstick: how the judge scores 2,000 real training digits against the same reference.
const realSample = tf.tidy(() => tf.slice(train.xs, 0, Math.min(2000, train.xs.shape[0]))); // [<=2000, 28, 28, 1]
const realScore = await classifierScore(judge, realSample, { realImages: real });
realSample.dispose();
console.error(
  `Real training digits: ${(realScore.confidentShare * 100).toFixed(1)}% with confidence > 0.9, Fréchet ${realScore.frechetDistance?.toFixed(2)}`,
);
const images = tf.tidy(() => tf.sub(tf.mul(train.xs, 2), 1)); // [n, 28, 28, 1] in [-1, 1]
const labels = values.classes ? train.ys : null; // [n] digit classes, for the discriminator's class head
if (labels) train.xs.dispose();
else train.dispose();

const args = {
  latentDim: Number(values['latent-dim']),
  filters: Number(values.filters),
  dropout: Number(values.dropout),
  generatorBlocks: Number(values['generator-blocks']),
  discriminatorBatchNorm: values['discriminator-batch-norm'],
  classes: values.classes ? 10 : 0,
  seed: Number(values.seed),
};
const model = values.resume ? ((await loadModel(fileSystem(`${values.resume}/gan`))) as GAN) : dcgan(args);
if (model.latentDim !== args.latentDim)
  throw new Error(
    `The GAN in ${values.resume} has latent size ${model.latentDim}: pass --latent-dim ${model.latentDim}.`,
  );
const batchSize = Number(values['batch-size']);
const stepsPerEpoch = Math.ceil(images.shape[0] / batchSize);
const initialEpoch = Number(values['initial-epoch']);
const learningRate = Number(values['learning-rate']);
/** Both players' rate: constant, or held until epoch `--decay-from` and then a half cosine to 0. */
function schedule(): number | LearningRateSchedule {
  if (values['decay-from'] === undefined) return learningRate;
  const from = Number(values['decay-from']);
  const epochs = Number(values.epochs);
  if (!(Number.isInteger(from) && from >= 0 && from < epochs))
    throw new Error(`--decay-from must be an epoch in [0, --epochs), got ${values['decay-from']}.`);
  // The optimizers count steps from 0 in this run (a resumed run starts after --initial-epoch).
  const hold = Math.max(0, from - initialEpoch) * stepsPerEpoch;
  const decaySteps = (epochs - Math.max(from, initialEpoch)) * stepsPerEpoch;
  return hold > 0
    ? cosineDecay({
        initialLearningRate: learningRate,
        warmupTarget: learningRate,
        warmupSteps: hold,
        decaySteps,
      })
    : cosineDecay({ initialLearningRate: learningRate, decaySteps });
}
const rate = schedule();
const rateAfter = (steps: number) => (typeof rate === 'number' ? rate : rate.at(steps));
model.compile({
  labelSmoothing: Number(values['label-smoothing']),
  learningRate: rate, // both players' default Adam (beta1 0.5)
  ...(values.classes ? { classWeight: Number(values['class-weight']) } : {}),
});
const decay = Number(values.ema);
const average = decay > 0 ? new WeightAverage(model.generator, { decay }) : null;
const averaged = average ? dcganGenerator(args) : null; // the averaged weights are copied in to sample
const shapes = (m: Model) => JSON.stringify(m.weights.map((w) => w.shape));
if (averaged && shapes(averaged) !== shapes(model.generator))
  throw new Error(
    `The generator in ${values.resume}/gan is not the one --filters, --generator-blocks and --latent-dim describe: pass the flags it was trained with.`,
  );
const budget = values.minutes ? Number(values.minutes) * 60 : Number.POSITIVE_INFINITY;

/** The judge's score of 2,000 samples of `generator` from fixed latent points. */
async function judgeGenerator(generator: Model): Promise<ClassifierScore> {
  const z = tf.randomNormal([2000, args.latentDim], 0, 1, 'float32', 12345); // [2000, latentDim]
  const samples = tf.tidy(() => {
    const x = generator.forward([z], { training: false })[0]; // [2000, 28, 28, 1] in [-1, 1]
    return tf.div(tf.add(x, 1), 2); // [0, 1], the judge's range
  });
  z.dispose();
  const score = await classifierScore(judge, samples, { realImages: real });
  samples.dispose();
  return score;
}

const row = (epoch: number, s: ClassifierScore, extra: string) =>
  `| ${epoch} | ${extra}${(s.meanConfidence * 100).toFixed(1)}% | ${(s.confidentShare * 100).toFixed(1)}% | ${s.classesCovered}/10 (min ${(Math.min(...s.classShares) * 100).toFixed(1)}%) | ${s.frechetDistance?.toFixed(2)} |`;
const rows: string[] = [];
const averageRows: string[] = [];
const lines: Record<string, unknown>[] = [];
const started = performance.now();
let last = 0;
const first = initialEpoch + 1;
for (let epoch = first; epoch <= Number(values.epochs); epoch++) {
  const elapsed = (performance.now() - started) / 1000;
  if (epoch > first && elapsed + last > budget) {
    console.error(
      `Stopping before epoch ${epoch}: ${Math.round(elapsed)} s spent, the last epoch took ${Math.round(last)} s, the budget is ${budget} s.`,
    );
    break;
  }
  const start = performance.now();
  const fitArgs = { epochs: 1, batchSize, seed: epoch, callbacks: average ? [average] : [] };
  const history = await (labels ? model.fit(images, labels, fitArgs) : model.fit(images, fitArgs));
  last = (performance.now() - start) / 1000;
  const score = await judgeGenerator(model.generator);
  let averageScore: ClassifierScore | undefined;
  if (average && averaged) {
    average.copyInto(averaged);
    averageScore = await judgeGenerator(averaged);
  }
  const line = {
    epoch,
    seconds: Math.round(last),
    d_loss: history.history.d_loss[0],
    g_loss: history.history.g_loss[0],
    ...(labels ? { d_class: history.history.d_class[0], g_class: history.history.g_class[0] } : {}),
    learning_rate: rateAfter((epoch - initialEpoch) * stepsPerEpoch),
    ...score,
    average: averageScore,
  };
  console.log(JSON.stringify(line));
  lines.push(line);
  rows.push(
    row(epoch, score, `${line.d_loss.toFixed(3)} | ${line.g_loss.toFixed(3)} | ${Math.round(last)} | `),
  );
  if (averageScore) averageRows.push(row(epoch, averageScore, ''));
  if (values.json)
    await writeAtomically(
      values.json,
      `${JSON.stringify({ backend, judgeAccuracy: judged.accuracy, realScore, options: values, epochs: lines }, null, 1)}\n`,
    );
  if (values.out) {
    await model.save(fileSystem(`${values.out}/gan`));
    if (averaged) await averaged.save(fileSystem(`${values.out}/generator-average`));
  }
}
const columns = '| mean confidence | confidence > 0.9 | classes >= 5% | Fréchet (LeNet-5 features) |';
console.log(
  [
    "The last step's generator:",
    '',
    `| epoch | d_loss | g_loss | s ${columns}`,
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n'),
);
if (averageRows.length > 0)
  console.log(
    [
      '',
      `The averaged generator (decay ${decay}):`,
      '',
      `| epoch ${columns}`,
      '| --- | --- | --- | --- | --- |',
      ...averageRows,
    ].join('\n'),
  );
