/**
 * Trains the convolutional VAE of keras.io's "Variational AutoEncoder" example (fchollet, 2020; latent
 * 2: conv 32 and 64 at stride 2, dense 16 -> mean and log-variance; dense 7x7x64, transposed convs 64
 * and 32 at stride 2, a 3x3 sigmoid transposed conv; Adam 1e-3, batch 128) with tensorfold's `vae`, on
 * the 60,000 MNIST training digits, and reports after every epoch the training means Keras logs
 * (loss, reconstruction_loss, kl_loss per image, in nats) and the same terms on the 10,000 test digits
 * (one latent sample per image: the negative ELBO per image is the test loss).
 *
 *   nice -n 19 node --conditions=@tensorfold/source --import tsx packages/models-gan/scripts/vae-keras-mnist.ts \
 *     --epochs 3 [--limit N] [--latent-dim 2] [--seed 1] [--json FILE]
 *
 * Keras's example trains on all 70,000 digits (training and test together) for 30 epochs, so it has no
 * held-out figure; compare its logged training means with this script's training columns.
 * Prints one JSON line per epoch (also written to `--json FILE`, rewritten atomically each epoch) and a
 * Markdown table at the end (for BENCHMARKS.md).
 */
import { parseArgs } from 'node:util';
import { backendInfo, describeBackend, initBackend } from '@tensorfold/backend';
import { input, Model, type SymbolicTensor, setSeed, writeAtomically } from '@tensorfold/core/node';
import { loadMnist } from '@tensorfold/data/node';
import { conv2d, conv2dTranspose, dense, flatten, reshape } from '@tensorfold/layers';
import '@tensorfold/optim';
import { vae } from '../src/index.js';

const { values } = parseArgs({
  options: {
    epochs: { type: 'string', default: '3' },
    limit: { type: 'string' },
    'latent-dim': { type: 'string', default: '2' },
    'batch-size': { type: 'string', default: '128' },
    seed: { type: 'string', default: '1' },
    json: { type: 'string' },
  },
});
const latentDim = Number(values['latent-dim']);

await initBackend();
const backend = describeBackend(backendInfo());
console.error(`Backend: ${backend}`);
setSeed(Number(values.seed));
const train = await loadMnist({ split: 'train', limit: values.limit ? Number(values.limit) : undefined });
const test = await loadMnist({ split: 'test' });

/** Keras's encoder: [batch, 28, 28, 1] -> [mean, logVar], [batch, latentDim] each. */
function kerasEncoder(): Model {
  const x = input({ shape: [28, 28, 1], name: 'encoder_input' });
  let h = conv2d({ filters: 32, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }).apply(
    x,
  ) as SymbolicTensor; // [batch, 14, 14, 32]
  h = conv2d({ filters: 64, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }).apply(
    h,
  ) as SymbolicTensor; // [batch, 7, 7, 64]
  h = dense({ units: 16, activation: 'relu' }).apply(flatten().apply(h)) as SymbolicTensor; // [batch, 16]
  const mean = dense({ units: latentDim, name: 'z_mean' }).apply(h) as SymbolicTensor;
  const logVar = dense({ units: latentDim, name: 'z_log_var' }).apply(h) as SymbolicTensor;
  return new Model({ inputs: x, outputs: [mean, logVar], name: 'encoder' });
}

/** Keras's decoder: [batch, latentDim] -> [batch, 28, 28, 1] in [0, 1]. */
function kerasDecoder(): Model {
  const z = input({ shape: [latentDim], name: 'decoder_input' });
  let h = dense({ units: 7 * 7 * 64, activation: 'relu' }).apply(z) as SymbolicTensor;
  h = reshape({ targetShape: [7, 7, 64] }).apply(h) as SymbolicTensor; // [batch, 7, 7, 64]
  h = conv2dTranspose({ filters: 64, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }).apply(
    h,
  ) as SymbolicTensor; // [batch, 14, 14, 64]
  h = conv2dTranspose({ filters: 32, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }).apply(
    h,
  ) as SymbolicTensor; // [batch, 28, 28, 32]
  const out = conv2dTranspose({ filters: 1, kernelSize: 3, padding: 'same', activation: 'sigmoid' }).apply(
    h,
  ) as SymbolicTensor; // [batch, 28, 28, 1]
  return new Model({ inputs: z, outputs: out, name: 'decoder' });
}

const model = vae({ encoder: kerasEncoder(), decoder: kerasDecoder(), seed: Number(values.seed) });
model.compile();
const rows: string[] = [];
const lines: Record<string, number>[] = [];
const f = (v: number) => v.toFixed(2);
for (let epoch = 1; epoch <= Number(values.epochs); epoch++) {
  const start = performance.now();
  const history = await model.fit(train.xs, {
    epochs: 1,
    batchSize: Number(values['batch-size']),
    seed: epoch,
  });
  const seconds = (performance.now() - start) / 1000;
  const held = await model.evaluate(test.xs, { batchSize: 500 });
  const line = {
    epoch,
    seconds: Math.round(seconds),
    loss: history.history.loss[0],
    reconstruction_loss: history.history.reconstruction_loss[0],
    kl_loss: history.history.kl_loss[0],
    test_loss: held.loss,
    test_reconstruction_loss: held.reconstruction_loss,
    test_kl_loss: held.kl_loss,
  };
  console.log(JSON.stringify(line));
  lines.push(line);
  if (values.json)
    await writeAtomically(
      values.json,
      `${JSON.stringify({ backend, options: values, epochs: lines }, null, 1)}\n`,
    );
  rows.push(
    `| ${epoch} | ${f(line.loss)} | ${f(line.reconstruction_loss)} | ${f(line.kl_loss)} | ${f(line.test_reconstruction_loss)} | ${f(line.test_kl_loss)} | ${f(-line.test_loss)} | ${Math.round(seconds)} |`,
  );
}
console.log(
  [
    '| epoch | loss | reconstruction | KL | test reconstruction | test KL | test ELBO | s |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n'),
);
