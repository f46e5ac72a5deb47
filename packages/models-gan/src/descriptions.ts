/**
 * The models of `@tensorfold/models-gan`, described once for the CLI and the demo site. This entry point
 * (`@tensorfold/models-gan/descriptions`) loads no builder until `build` is called.
 */
import type { Model, ModelDescription } from '@tensorfold/core';

const packageName = '@tensorfold/models-gan';

/** Every model of this package. */
export const models: readonly ModelDescription<Model>[] = [
  {
    name: 'dcgan',
    summary:
      'DCGAN: transposed-conv generator with batch norm and tanh, strided-conv LeakyReLU discriminator',
    task: 'generate-images',
    datasets: ['mnist', 'fashion-mnist'],
    defaults: { epochs: 5, batchSize: 64, learningRate: 2e-4 },
    packageName,
    source: 'seed 003 (DCGAN), seed 002 ch. 8 (GAN)',
    // Options (each left out: `dcgan`'s default): latentDim, filters, generatorBlocks,
    // discriminatorBatchNorm, dropout, classes (see DcganArgs).
    async build({
      inputShape,
      latentDim,
      filters,
      generatorBlocks,
      discriminatorBatchNorm,
      dropout,
      classes,
    }) {
      const { dcgan } = await import('./dcgan.js');
      return dcgan({
        imageShape: inputShape as [number, number, number] | undefined,
        latentDim: latentDim as number | undefined,
        filters: filters as number | undefined,
        generatorBlocks: generatorBlocks as number | undefined,
        discriminatorBatchNorm: discriminatorBatchNorm as boolean | undefined,
        dropout: dropout as number | undefined,
        classes: classes as number | undefined,
      });
    },
  },
  {
    name: 'vae',
    summary: 'Variational autoencoder: dense encoder to a Gaussian, reparameterized sampling, dense decoder',
    task: 'generate-images',
    datasets: ['mnist', 'fashion-mnist'],
    defaults: { epochs: 10, batchSize: 128, learningRate: 1e-3 },
    packageName,
    source: 'seed 002 ch. 8, seeds 000/001 ch. 7',
    async build({ inputShape, latentDim }) {
      const { vae } = await import('./vae.js');
      return vae({ inputShape, latentDim: latentDim as number | undefined });
    },
  },
  {
    name: 'autoencoder',
    summary: 'Autoencoder: dense encoder to a 32-number code and a mirrored decoder',
    task: 'generate-images',
    datasets: ['mnist', 'fashion-mnist'],
    defaults: { epochs: 5, batchSize: 128, learningRate: 1e-3 },
    packageName,
    source: 'seed 004 (autoencoders)',
    async build({ inputShape, latentDim }) {
      const { autoencoder } = await import('./autoencoder.js');
      return autoencoder({ inputShape, latentDim: latentDim as number | undefined });
    },
  },
  {
    name: 'denoising-autoencoder',
    summary: 'Denoising autoencoder: Gaussian corruption while training, learns to return the clean image',
    task: 'generate-images',
    datasets: ['mnist', 'fashion-mnist'],
    defaults: { epochs: 5, batchSize: 128, learningRate: 1e-3 },
    packageName,
    source: 'seed 004 (denoising autoencoders)',
    async build({ inputShape, latentDim }) {
      const { denoisingAutoencoder } = await import('./autoencoder.js');
      return denoisingAutoencoder({ inputShape, latentDim: latentDim as number | undefined });
    },
  },
];
