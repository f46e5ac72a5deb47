/**
 * `pnpm --filter @tensorfold/bench train-vgg-fashion <out dir> [--epochs 3] [--limit 20000] [--filters 16,32] [--dense 128]`
 *
 * Trains a small VGG-style net (`vggSmall` of models-cnn: blocks of two 3x3 conv + batch norm + ReLU,
 * max-pool, dropout; dense head) on Fashion-MNIST on the WASM backend (seed 42, Adam 1e-3, batch 64),
 * prints its test accuracy on the 10,000 test images, and saves it to `<out dir>` for the CLI's
 * `quantize` and `compress` commands (`--dataset fashion-mnist`). The model of issue 18's VGG rows in
 * BENCHMARKS.md; small so that it trains in minutes on a shared CPU.
 */
import { resolve } from 'node:path';
import { initBackend } from '@tensorfold/backend';
import { saveModel, setSeed } from '@tensorfold/core';
import '@tensorfold/core/node';
import { loadFashionMnist } from '@tensorfold/data/node';
import { vggSmall } from '@tensorfold/models-cnn';
import { adam } from '@tensorfold/optim';

function option(args: string[], name: string, fallback: string): string {
  const at = args.indexOf(name);
  return at >= 0 ? args.splice(at, 2)[1] : fallback;
}

async function main() {
  const args = process.argv.slice(2);
  const epochs = Number(option(args, '--epochs', '3'));
  const limit = Number(option(args, '--limit', '20000'));
  const filters = option(args, '--filters', '16,32').split(',').map(Number);
  const denseUnits = Number(option(args, '--dense', '128'));
  const out = args[0];
  if (!out) throw new Error('Give the directory to save the model to.');
  await initBackend({ require: 'wasm' });
  setSeed(42);
  const train = await loadFashionMnist({ split: 'train', limit });
  const test = await loadFashionMnist({ split: 'test' });
  const model = vggSmall({ filters, denseUnits });
  model.compile({
    optimizer: adam({ learningRate: 1e-3 }),
    loss: 'sparseCategoricalCrossentropy',
    metrics: ['accuracy'],
  });
  const start = performance.now();
  await model.fit(train.batches({ batchSize: 64, seed: 42 }), { epochs, verbose: 1 });
  const seconds = (performance.now() - start) / 1000;
  const logs = await model.evaluate(test.xs, test.ys, { batchSize: 1000 });
  console.log(
    `vggSmall filters ${filters.join(',')} dense ${denseUnits}: ${model.countParams()} params, ` +
      `${epochs} epochs on ${train.count} images in ${seconds.toFixed(0)} s, test accuracy ${(Number(logs.accuracy) * 100).toFixed(2)}%`,
  );
  await saveModel(model, `file://${resolve(out)}`);
  train.dispose();
  test.dispose();
}

await main();
