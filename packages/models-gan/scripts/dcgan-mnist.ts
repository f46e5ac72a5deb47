/**
 * Trains a DCGAN on the 60,000 MNIST training digits and judges its samples after every epoch with a
 * trained MNIST classifier (tensorfold's LeNet-5): mean confidence, the share classified with confidence
 * > 0.9, the classes covered (>= 5% of the samples each) and the Fréchet distance between the classifier's
 * penultimate features of 2,000 samples and of 2,000 real test digits.
 *
 *   pnpm tensorfold train lenet5 --epochs 6 --out runs/judge      # the judge (>= 99% on the test digits)
 *   node --conditions=@tensorfold/source --import tsx packages/models-gan/scripts/dcgan-mnist.ts \
 *     --judge runs/judge --epochs 5 [--limit N] [--filters 128] [--latent-dim 100] [--out runs/dcgan]
 *
 * Prints one JSON line per epoch and a Markdown table at the end (for BENCHMARKS.md).
 */
import { parseArgs } from 'node:util';
import { backendInfo, describeBackend, initBackend } from '@tensorfold/backend';
import { fileSystem, loadModel, type Model, setSeed, tf } from '@tensorfold/core/node';
import { loadMnist } from '@tensorfold/data/node';
import '@tensorfold/layers';
import '@tensorfold/optim';
import { classifierScore, dcgan } from '../src/index.js';

const { values } = parseArgs({
  options: {
    judge: { type: 'string' },
    epochs: { type: 'string', default: '5' },
    limit: { type: 'string' },
    'latent-dim': { type: 'string', default: '100' },
    filters: { type: 'string', default: '128' },
    'batch-size': { type: 'string', default: '64' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string' },
  },
});
if (!values.judge)
  throw new Error('Pass --judge DIR: a saved MNIST classifier (see the header of this script).');

await initBackend();
console.error(`Backend: ${describeBackend(backendInfo())}`);
setSeed(Number(values.seed));
const judge = (await loadModel(fileSystem(values.judge))) as Model;
const train = await loadMnist({ split: 'train', limit: values.limit ? Number(values.limit) : undefined });
const test = await loadMnist({ split: 'test', limit: 2000 });
const judged = await judge.evaluate(test.xs, test.ys, { batchSize: 500 });
console.error(`Judge: ${(judged.accuracy * 100).toFixed(2)}% on 2,000 test digits`);
const images = tf.tidy(() => tf.sub(tf.mul(train.xs, 2), 1)); // [n, 28, 28, 1] in [-1, 1]
train.dispose();

const model = dcgan({
  latentDim: Number(values['latent-dim']),
  filters: Number(values.filters),
  seed: Number(values.seed),
});
model.compile({ labelSmoothing: 0.1 });
const rows: string[] = [];
for (let epoch = 1; epoch <= Number(values.epochs); epoch++) {
  const start = performance.now();
  const history = await model.fit(images, {
    epochs: 1,
    batchSize: Number(values['batch-size']),
    seed: epoch,
  });
  const seconds = (performance.now() - start) / 1000;
  const samples = tf.tidy(() => tf.div(tf.add(model.sample(2000, 12345), 1), 2)); // [0, 1], fixed latents
  const score = await classifierScore(judge, samples, { realImages: test.xs });
  samples.dispose();
  const line = {
    epoch,
    seconds: Math.round(seconds),
    d_loss: history.history.d_loss[0],
    g_loss: history.history.g_loss[0],
    ...score,
  };
  console.log(JSON.stringify(line));
  rows.push(
    `| ${epoch} | ${line.d_loss.toFixed(3)} | ${line.g_loss.toFixed(3)} | ${(score.meanConfidence * 100).toFixed(1)}% | ${(score.confidentShare * 100).toFixed(1)}% | ${score.classesCovered}/10 (min ${(Math.min(...score.classShares) * 100).toFixed(1)}%) | ${score.frechetDistance?.toFixed(2)} | ${Math.round(seconds)} |`,
  );
}
if (values.out) await model.save(fileSystem(values.out));
console.log(
  [
    '| epoch | d_loss | g_loss | mean confidence | confidence > 0.9 | classes >= 5% | Fréchet (LeNet-5 features) | s |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n'),
);
