import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { initBackend } from '@tensorfold/backend';
import {
  ConfigError,
  fileSystem,
  loadModel,
  type Model,
  type tf,
  writeAtomically,
} from '@tensorfold/core/node';
import { Autoencoder, checkTruncation, GAN, VAE } from '@tensorfold/models-gan';
import { encodePng, imageGridPng, latentGridRaster } from '@tensorfold/viz';
import type { Output } from '../output.js';

/** Options of `tensorfold generate`. */
export interface GenerateOptions {
  /** A saved GAN, DCGAN or VAE (its directory or model.json). */
  model: string;
  /** Number of samples. */
  count: number;
  /** Seed of the latent points: the same seed gives the same pictures. */
  seed: number;
  /** Side of a lattice over a 2-D VAE latent space (`--latent-grid 20`: 400 decoded images). */
  latentGrid?: number;
  /**
   * The truncation trick's threshold, in standard deviations (`--truncation 2`): latent values beyond it
   * are redrawn (`sample(count, seed, {truncation})`). Default: none (the untruncated prior).
   */
  truncation?: number;
  /** Where the PNG grid goes. */
  out: string;
}

/**
 * `tensorfold generate <saved gan | vae> --count 64 --seed 3 --out samples.png`: decodes latent points
 * into a PNG grid (drawn by `@tensorfold/viz`), from a truncated normal with `--truncation t`; with `--latent-grid N` a 2-D VAE's latent space is
 * walked over an N x N lattice from -2 to 2 on both axes, as Keras's VAE example draws it.
 */
export async function generateCommand(
  options: GenerateOptions,
  out: Output,
): Promise<{ images: number; savedTo: string }> {
  checkTruncation(options.truncation); // a bad threshold fails before the model loads
  if (options.truncation !== undefined && options.latentGrid !== undefined)
    throw new ConfigError(
      '--truncation applies to sampled latent points (--count); --latent-grid walks a fixed lattice. Pass one of them.',
    );
  await initBackend({ prefer: 'wasm' });
  await import('@tensorfold/layers');
  const isFile = existsSync(options.model) && statSync(options.model).isFile();
  const model = await loadModel(fileSystem(isFile ? dirname(options.model) : options.model));
  try {
    let png: Uint8Array;
    let count: number;
    if (options.latentGrid !== undefined) {
      if (!(model instanceof VAE))
        throw new ConfigError(
          `--latent-grid walks a VAE's latent space; ${options.model} holds a ${model.className}. Leave --latent-grid out.`,
        );
      if (model.latentDim !== 2)
        throw new ConfigError(
          `--latent-grid draws a 2-D latent space; this VAE's has ${model.latentDim} dimensions. Train one with --latent 2, or use --count.`,
        );
      const vae = model;
      // Keras's VAE picture: decoded digits over [-2, 2] on both latent axes, the top row highest.
      const { raster } = await latentGridRaster((z) => vae.decode(z), { n: options.latentGrid, scale: 1 });
      png = encodePng(raster);
      count = options.latentGrid ** 2;
    } else {
      const images = sampleImages(model, options);
      try {
        // GAN images are in [-1, 1] (tanh), VAE images in [0, 1]: the grid finds which.
        png = await imageGridPng(images, { scale: 1, gap: 2 });
        count = images.shape[0];
      } finally {
        images.dispose();
      }
    }
    await writeAtomically(options.out, png);
    out.line(`Wrote ${count} images to ${options.out}`);
    return { images: count, savedTo: options.out };
  } finally {
    model.dispose();
  }
}

/** `options.count` samples of a GAN or VAE, the same for the same seed. */
function sampleImages(model: Model, options: GenerateOptions): tf.Tensor {
  if (model instanceof GAN || model instanceof VAE)
    return model.sample(options.count, options.seed, { truncation: options.truncation });
  throw new ConfigError(
    `${options.model} holds a ${model.className}, which does not generate from latent points; pass a saved GAN, DCGAN or VAE${model instanceof Autoencoder ? ' (an autoencoder only reconstructs its inputs)' : ''}.`,
  );
}
