import { initBackend } from '@tensorfold/backend';
import { loadModel, memoryIO, setSeed, tf } from '@tensorfold/core';
import { loadMnist } from '@tensorfold/data/node';
import { adam } from '@tensorfold/optim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Autoencoder, autoencoder, denoisingAutoencoder } from './autoencoder.js';
import { psnr } from './sample-quality.js';
import { VAE, vae } from './vae.js';

let digits: tf.Tensor; // [2000, 28, 28, 1] in [0, 1]
let testDigits: tf.Tensor; // [500, 28, 28, 1]

beforeAll(async () => {
  await initBackend({ require: 'wasm' });
  const train = await loadMnist({ split: 'train', limit: 2000 });
  const test = await loadMnist({ split: 'test', limit: 500 });
  digits = train.xs;
  testDigits = test.xs;
  train.ys.dispose();
  test.ys.dispose();
});

afterAll(() => tf.dispose([digits, testDigits]));

describe('vae', () => {
  it('learns MNIST: the negative ELBO falls, the KL term is logged apart, and test loss is near train loss', async () => {
    setSeed(1);
    const model = vae({ latentDim: 2, hiddenUnits: [128], seed: 2 });
    const optimizer = adam({ learningRate: 1e-3 });
    model.compile({ optimizer });
    const history = await model.fit(digits, { epochs: 4, batchSize: 64, seed: 3 });
    const { loss, reconstruction_loss: reconstruction, kl_loss: kl } = history.history;
    expect(Object.keys(history.history).sort()).toEqual(['kl_loss', 'loss', 'reconstruction_loss']);
    expect(loss[3]).toBeLessThan(loss[0] - 20); // nats per image
    for (let e = 0; e < 4; e++) expect(loss[e]).toBeCloseTo(reconstruction[e] + kl[e], 3);
    expect(kl[3]).toBeGreaterThan(0.5); // the code carries information
    const test = await model.evaluate(testDigits, { batchSize: 250 });
    expect(Math.abs(test.loss - loss[3]) / loss[3]).toBeLessThan(0.15);
    model.dispose();
    optimizer.dispose();
  }, 300_000);

  it('encodes, decodes, samples and interpolates with the shapes of its latent space, per seed', () => {
    setSeed(4);
    const model = vae({ latentDim: 3, hiddenUnits: [16], seed: 5 });
    const x = tf.slice(digits, [0], [4]);
    const { mean, logVar } = model.encode(x);
    expect(mean.shape).toEqual([4, 3]);
    expect(logVar.shape).toEqual([4, 3]);
    const decoded = model.decode(mean);
    expect(decoded.shape).toEqual([4, 28, 28, 1]);
    const a = model.sample(5, 6);
    const b = model.sample(5, 6);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    const first = tf.slice(digits, [0], [1]);
    const last = tf.slice(digits, [1], [1]);
    const walk = model.interpolate(first, last, 7);
    expect(walk.shape).toEqual([7, 28, 28, 1]);
    // The walk's ends are the two digits' decoded means.
    const ends = model.decode(tf.concat([model.encode(first).mean, model.encode(last).mean]));
    const walkEnds = tf.gather(walk, [0, 6]);
    expect(tf.max(tf.abs(tf.sub(ends, walkEnds))).dataSync()[0]).toBeLessThan(1e-6);
    tf.dispose([x, mean, logVar, decoded, a, b, first, last, walk, ends, walkEnds]);
    model.dispose();
  });

  it('saves with its sampling layer and loads back as a VAE that decodes the same', async () => {
    setSeed(7);
    const model = vae({ latentDim: 2, hiddenUnits: [16], seed: 8, beta: 0.5 });
    const io = memoryIO();
    await model.save(io);
    const loaded = (await loadModel(io)) as VAE;
    expect(loaded).toBeInstanceOf(VAE);
    expect(loaded.beta).toBe(0.5);
    const z = tf.tensor2d([
      [0.5, -1],
      [2, 0],
    ]);
    const a = model.decode(z);
    const b = loaded.decode(z);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([z, a, b]);
    model.dispose();
    loaded.dispose();
  });

  it('says what a VAE encoder must output', async () => {
    const plain = autoencoder({ latentDim: 2, hiddenUnits: [8] });
    expect(() => new VAE({ encoder: plain.encoder, decoder: plain.decoder })).toThrow(
      /two outputs, \[mean, logVar\]; it has 1/,
    );
    plain.dispose();
  });
});

describe('autoencoders', () => {
  it('a denoising autoencoder gains PSNR on noisy test digits, and reloads the same', async () => {
    setSeed(9);
    const model = denoisingAutoencoder({ latentDim: 32, hiddenUnits: [128], noise: 0.5, seed: 10 });
    const optimizer = adam({ learningRate: 2e-3 });
    model.compile({ optimizer, loss: 'binaryCrossentropy' });
    await model.fit(digits, digits, { epochs: 8, batchSize: 64, seed: 11 });
    // The corruption it was trained against: Gaussian noise of standard deviation 0.5.
    const noisy = tf.tidy(() => tf.add(testDigits, tf.randomNormal(testDigits.shape, 0, 0.5, 'float32', 12)));
    const denoised = model.predict(noisy) as tf.Tensor;
    const before = await psnr(noisy, testDigits);
    const after = await psnr(denoised, testDigits);
    // A short run on 2,000 digits; the benchmark's full run is held to the 6 dB.
    expect(after - before).toBeGreaterThan(4);
    const io = memoryIO();
    await model.save(io);
    const loaded = await loadModel(io);
    expect([model.noise, (loaded as Autoencoder).noise]).toEqual([0.5, 0.5]);
    const again = loaded.predict(noisy) as tf.Tensor;
    expect(Array.from(again.dataSync())).toEqual(Array.from(denoised.dataSync()));
    tf.dispose([noisy, denoised, again]);
    model.dispose();
    loaded.dispose();
    optimizer.dispose();
  }, 300_000);

  it('refuses an encoder and a decoder of different code sizes', () => {
    const a = autoencoder({ latentDim: 4, hiddenUnits: [8] });
    const b = autoencoder({ latentDim: 5, hiddenUnits: [8] });
    expect(() => autoencoder({ encoder: a.encoder, decoder: b.decoder })).toThrow(
      /code has shape \[4\] but the decoder takes \[5\]/,
    );
    a.dispose();
    b.dispose();
  });
});
