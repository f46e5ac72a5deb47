/**
 * Seed 000's progression on Fashion-MNIST: `stackedConvNet` with 1, 2, 3 and 4 conv blocks (16, 32, 64, 128
 * filters, same padding on 28x28), trained with augmentation (rotation 10 degrees, zoom and shift 10%) and early
 * stopping on the validation loss (patience 3, min delta 0.001, best weights restored), as in the text; prints
 * a Markdown table of test accuracy per depth.
 *
 * Run from the repository root (LIMIT training images, at most EPOCHS epochs; defaults 6000 and 15):
 *   node --conditions=@tensorfold/source --import tsx packages/models-cnn/scripts/block-table.ts [LIMIT] [EPOCHS]
 */
import { initBackend } from '@tensorfold/backend';
import { setSeed, tf } from '@tensorfold/core/node';
import {
  augmentBatches,
  augmenter,
  batchesFromTensors,
  randomRotation,
  randomTranslation,
  randomZoom,
} from '@tensorfold/data';
import { loadFashionMnist } from '@tensorfold/data/node';
import '@tensorfold/layers';
import { adam, earlyStopping } from '@tensorfold/optim';
import { stackedConvNet } from '../src/builders/stacked-conv-net.js';

const limit = Number(process.argv[2] ?? 6000);
const maxEpochs = Number(process.argv[3] ?? 15);
await initBackend({ require: 'wasm' });
const train = await loadFashionMnist({ split: 'train', limit });
const test = await loadFashionMnist({ split: 'test' });
const n = train.count;
const trainCount = Math.floor(n * 0.9);
const [xTrain, xVal] = tf.split(train.xs, [trainCount, n - trainCount]);
const [yTrain, yVal] = tf.split(train.ys, [trainCount, n - trainCount]);
const rows: string[] = [];
for (const blocks of [1, 2, 3, 4]) {
  setSeed(42);
  const model = stackedConvNet({ blocks, inputShape: [28, 28, 1], numClasses: 10, padding: 'same' });
  model.compile({
    optimizer: adam({ learningRate: 1e-3 }),
    loss: 'sparseCategoricalCrossentropy',
    metrics: ['accuracy'],
  });
  const augment = augmenter(
    [
      randomRotation({ degrees: 10 }),
      randomZoom({ range: [0.9, 1.1] }),
      randomTranslation({ x: 0.1, y: 0.1 }),
    ],
    { seed: 42 },
  );
  const batches = batchesFromTensors({ xs: xTrain, ys: yTrain }, { batchSize: 32, seed: 42 }).map(
    augmentBatches(augment),
  );
  const stopper = earlyStopping({
    monitor: 'val_loss',
    minDelta: 0.001,
    patience: 3,
    restoreBestWeights: true,
  });
  const start = performance.now();
  // biome-ignore lint/suspicious/noExplicitAny: a data Dataset is a core BatchSource
  const history = await model.fit(batches as any, {
    epochs: maxEpochs,
    validationData: [xVal, yVal],
    callbacks: [stopper],
  });
  const seconds = (performance.now() - start) / 1000;
  const result = await model.evaluate(test.xs, test.ys, { batchSize: 1000 });
  const best = Math.min(...history.history.val_loss);
  const row = `| ${blocks} | ${model.countParams().toLocaleString('en-US')} | ${history.epoch.length} | ${best.toFixed(4)} | ${(result.accuracy * 100).toFixed(2)}% | ${Math.round(seconds)} s |`;
  console.log(row);
  rows.push(row);
  model.dispose();
}
console.log(
  `\nFashion-MNIST, ${trainCount} training + ${n - trainCount} validation images, ${test.count} test images:\n`,
);
console.log('| blocks | params | epochs run | best val loss | test accuracy | train time |');
console.log('|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
