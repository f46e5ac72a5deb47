/**
 * The truncation trick on a trained MNIST generator, judged as `dcgan-mnist.ts` judges each epoch: 2,000
 * samples from latent seed 12345 (the untruncated row is that script's figure for the same generator),
 * scored by the judge (mean confidence, share with confidence > 0.9, class shares, and the Fréchet
 * distance on the judge's penultimate features to the first 2,000 test digits), once per threshold.
 *
 *   node --conditions=@tensorfold/source --import tsx packages/models-gan/scripts/truncation-mnist.ts \
 *     --judge runs/judge --generator runs/dcgan/gan [--truncation none,2,1.5,1,0.75,0.5,0.25] [--json FILE] \
 *     [--count 2000] [--latent-seed 12345]
 *
 * `--generator` is a saved GAN (its generator is used) or a saved generator (`dcgan-mnist.ts`'s
 * `generator-average`). Prints one JSON line per threshold and a Markdown table (for BENCHMARKS.md).
 */
import { parseArgs } from 'node:util';
import { backendInfo, describeBackend, initBackend } from '@tensorfold/backend';
import { fileSystem, loadModel, type Model, tf, writeAtomically } from '@tensorfold/core/node';
import { loadMnist } from '@tensorfold/data/node';
import '@tensorfold/layers';
import { type ClassifierScore, classifierScore, GAN, latentNormal } from '../src/index.js';

const { values } = parseArgs({
  options: {
    judge: { type: 'string' },
    generator: { type: 'string' },
    truncation: { type: 'string', default: 'none,2,1.5,1,0.75,0.5,0.25' },
    json: { type: 'string' },
    count: { type: 'string', default: '2000' },
    'latent-seed': { type: 'string', default: '12345' },
  },
});
if (!values.judge || !values.generator)
  throw new Error(
    'Pass --judge DIR (a saved MNIST classifier) and --generator DIR (a saved GAN or generator).',
  );
const count = Number(values.count);
const latentSeed = Number(values['latent-seed']);
const thresholds = values.truncation.split(',').map((v) => (v === 'none' ? undefined : Number(v)));

await initBackend();
const backend = describeBackend(backendInfo());
console.error(`Backend: ${backend}`);
const judge = (await loadModel(fileSystem(values.judge))) as Model;
const loaded = (await loadModel(fileSystem(values.generator))) as Model;
const generator = loaded instanceof GAN ? loaded.generator : loaded;
const latentDim = generator.inputs[0].shape[1] as number;
const test = await loadMnist({ split: 'test', limit: 2000 });
const real = test.xs; // [2000, 28, 28, 1] in [0, 1], the Fréchet reference

const rows: string[] = [];
const lines: Record<string, unknown>[] = [];
for (const truncation of thresholds) {
  const start = performance.now();
  const samples = tf.tidy(() => {
    const z = latentNormal(count, latentDim, latentSeed, truncation); // [count, latentDim]
    const x = generator.forward([z], { training: false })[0]; // [count, 28, 28, 1] in [-1, 1]
    return tf.div(tf.add(x, 1), 2); // [0, 1], the judge's range
  });
  const score: ClassifierScore = await classifierScore(judge, samples, { realImages: real });
  samples.dispose();
  const line = { truncation: truncation ?? null, seconds: (performance.now() - start) / 1000, ...score };
  console.log(JSON.stringify(line));
  lines.push(line);
  const shares = score.classShares.map((s) => (s * 100).toFixed(1)).join(' / ');
  rows.push(
    `| ${truncation ?? 'none'} | ${(score.meanConfidence * 100).toFixed(1)}% | ${(score.confidentShare * 100).toFixed(1)}% | ${score.classesCovered}/10 (min ${(Math.min(...score.classShares) * 100).toFixed(1)}%) | ${shares} | ${score.frechetDistance?.toFixed(2)} |`,
  );
}
if (values.json)
  await writeAtomically(
    values.json,
    `${JSON.stringify({ backend, generator: values.generator, count, latentSeed, rows: lines }, null, 1)}\n`,
  );
console.log(
  [
    `${values.generator}, ${count} samples from latent seed ${latentSeed}:`,
    '',
    '| truncation | mean confidence | confidence > 0.9 | classes >= 5% | class shares 0-9 (%) | Fréchet (LeNet-5 features) |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n'),
);
test.dispose();
