/**
 * Benchmarks of @tensorfold/experiments on Fashion-MNIST (wasm backend):
 * 1. runLogger's overhead on training: the same seeded MLP trained with and without a runLogger
 *    (epoch scalars and weight histograms every epoch; with --embeddings N, also the hidden layer's
 *    activations on N test images for the projector, as train --logdir logs 256), interleaved, median of
 *    the repeats.
 * 2. An ensemble of diverse members (two MLPs of other widths and seeds, a small CNN) against its best
 *    member, on the 10,000 test images.
 *
 * pnpm --filter @tensorfold/bench experiments [--train 10000] [--epochs 3] [--repeats 3] [--embeddings 0]
 *   [--no-ensemble]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@tensorfold/backend';
import { type Model, sequential, setSeed, tf } from '@tensorfold/core';
import { loadFashionMnist } from '@tensorfold/data/node';
import { ensemble } from '@tensorfold/experiments';
import { runLogger } from '@tensorfold/experiments/node';
import { conv2d, dense, dropout, flatten, maxPooling2d } from '@tensorfold/layers';
import { adam } from '@tensorfold/optim';
import { medianOf as median } from './steadiness.js';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const trainCount = flag('train', 10000);
const epochs = flag('epochs', 3);
const repeats = flag('repeats', 3);
const embeddingPoints = flag('embeddings', 0);

function mlp(units: number, rate: number): Model {
  return sequential({
    layers: [
      flatten({ inputShape: [28, 28, 1] }),
      dense({ units, activation: 'relu' }),
      dropout({ rate }),
      dense({ units: 10, activation: 'softmax' }),
    ],
  });
}

function cnn(): Model {
  return sequential({
    layers: [
      conv2d({ filters: 16, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
      maxPooling2d({ poolSize: 2 }),
      conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }),
      maxPooling2d({ poolSize: 2 }),
      flatten(),
      dense({ units: 10, activation: 'softmax' }),
    ],
  });
}

function compiled(model: Model): Model {
  model.compile({
    optimizer: adam({ learningRate: 1e-3 }),
    loss: 'sparseCategoricalCrossentropy',
    metrics: ['accuracy'],
  });
  return model;
}

const backend = await initBackend({ require: 'wasm' });
const train = await loadFashionMnist({ split: 'train', limit: trainCount });
const test = await loadFashionMnist({ split: 'test' });
const [x, y, xt, yt] = [train.xs, tf.cast(train.ys, 'float32'), test.xs, tf.cast(test.ys, 'float32')];
console.log(`backend ${backend.name}; ${trainCount} training images, ${epochs} epochs, 10000 test images`);

// 1. runLogger's overhead.
const dir = mkdtempSync(join(tmpdir(), 'tensorfold-bench-runlog-'));
const times: Record<'plain' | 'logged', number[]> = { plain: [], logged: [] };
// Round 0 warms the kernels up and is not counted; the modes alternate so that drift hits both.
for (let r = 0; r <= repeats; r++) {
  for (const mode of r % 2 === 0 ? (['plain', 'logged'] as const) : (['logged', 'plain'] as const)) {
    setSeed(1);
    const model = compiled(mlp(128, 0));
    const embeddings =
      embeddingPoints > 0
        ? {
            embeddings: {
              layer: model.layers[1].name, // the hidden dense layer
              inputs: tf.slice(xt, [0], [embeddingPoints]),
              labels: tf.slice(yt, [0], [embeddingPoints]),
            },
          }
        : {};
    const callbacks =
      mode === 'logged' ? [runLogger(join(dir, `run-${r}`), { histogramsEvery: 1, ...embeddings })] : [];
    const start = performance.now();
    await model.fit(x, y, { epochs, batchSize: 64, validationSplit: 0.1, verbose: 0, seed: 1, callbacks });
    if (r > 0) times[mode].push((performance.now() - start) / 1000);
    if (embeddings.embeddings) tf.dispose([embeddings.embeddings.inputs, embeddings.embeddings.labels]);
    model.optimizer.dispose();
    model.dispose();
  }
}
const overhead = median(times.logged) / median(times.plain) - 1;
console.log(
  `runLogger overhead: plain ${times.plain.map((t) => t.toFixed(2)).join(', ')} s; logged ${times.logged.map((t) => t.toFixed(2)).join(', ')} s; median overhead ${(100 * overhead).toFixed(1)}%`,
);
if (embeddingPoints > 0) {
  // The projector's own cost, timed alone: one epoch end of a logger that writes only the embedding
  // (activations on the sample, tensors.tsv, metadata.tsv, the config), against a plain epoch's time.
  setSeed(1);
  const model = compiled(mlp(128, 0));
  const inputs = tf.slice(xt, [0], [embeddingPoints]);
  const labels = tf.slice(yt, [0], [embeddingPoints]);
  const logger = runLogger(join(dir, 'direct'), {
    histogramsEvery: 0,
    embeddings: { layer: model.layers[1].name, inputs, labels },
  });
  logger.setModel(model);
  await logger.onTrainBegin();
  const snapshots: number[] = [];
  for (let epoch = 0; epoch < 7; epoch++) {
    const start = performance.now();
    await logger.onEpochEnd(epoch, {});
    snapshots.push(performance.now() - start);
  }
  const epochMs = (1000 * median(times.plain)) / epochs;
  console.log(
    `projector snapshot (${embeddingPoints} points x 128 values): ${snapshots.map((t) => t.toFixed(0)).join(', ')} ms; median ${median(snapshots).toFixed(0)} ms = ${((100 * median(snapshots)) / epochMs).toFixed(1)}% of a plain epoch (${epochMs.toFixed(0)} ms)`,
  );
  tf.dispose([inputs, labels]);
  model.optimizer.dispose();
  model.dispose();
}
rmSync(dir, { recursive: true, force: true });
if (process.argv.includes('--no-ensemble')) process.exit(0);

// 2. An ensemble of diverse members against its best member.
const members: { name: string; model: Model }[] = [];
for (const [name, make, seed] of [
  ['mlp-256-dropout', () => mlp(256, 0.3), 2],
  ['mlp-64', () => mlp(64, 0), 3],
  ['cnn-16-32', () => cnn(), 4],
] as const) {
  setSeed(seed);
  const model = compiled(make());
  await model.fit(x, y, { epochs, batchSize: 64, verbose: 0, seed });
  members.push({ name, model });
}
const accuracies: Record<string, number> = {};
for (const { name, model } of members)
  accuracies[name] = (await model.evaluate(xt, yt, { batchSize: 500 })).accuracy;
for (const method of ['mean', 'vote'] as const) {
  const pooled = ensemble(
    members.map((m) => m.model),
    { method },
  );
  pooled.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  accuracies[`ensemble (${method})`] = (await pooled.evaluate(xt, yt, { batchSize: 500 })).accuracy;
}
for (const [name, accuracy] of Object.entries(accuracies))
  console.log(`${name.padEnd(18)} test accuracy ${accuracy.toFixed(4)}`);
