import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { initBackend } from '@tensorfold/backend';
import { ConfigError, fileSystem, loadModel, tf, writeAtomically } from '@tensorfold/core/node';
import { Autoencoder, GAN, VAE } from '@tensorfold/models-gan';
import type { Output } from '../output.js';
import { pngGrid } from './png-grid.js';

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
  /** Where the PNG grid goes. */
  out: string;
}

/**
 * `tensorfold generate <saved gan | vae> --count 64 --seed 3 --out samples.png`: decodes latent points
 * into a PNG grid; with `--latent-grid N` a 2-D VAE's latent space is walked over an N x N lattice of
 * standard-normal quantiles (5% to 95%), as Keras's VAE example draws it.
 */
export async function generateCommand(
  options: GenerateOptions,
  out: Output,
): Promise<{ images: number; savedTo: string }> {
  await initBackend({ prefer: 'wasm' });
  await import('@tensorfold/layers');
  const isFile = existsSync(options.model) && statSync(options.model).isFile();
  const model = await loadModel(fileSystem(isFile ? dirname(options.model) : options.model));
  let images: tf.Tensor | undefined;
  try {
    if (options.latentGrid !== undefined) {
      if (!(model instanceof VAE))
        throw new ConfigError(
          `--latent-grid walks a VAE's latent space; ${options.model} holds a ${model.className}. Leave --latent-grid out.`,
        );
      if (model.latentDim !== 2)
        throw new ConfigError(
          `--latent-grid draws a 2-D latent space; this VAE's has ${model.latentDim} dimensions. Train one with --latent 2, or use --count.`,
        );
      images = latentLattice(model, options.latentGrid);
    } else if (model instanceof GAN) {
      // The generator's tanh output, from [-1, 1] back to [0, 1].
      images = tf.tidy(() => tf.div(tf.add((model as GAN).sample(options.count, options.seed), 1), 2));
    } else if (model instanceof VAE) {
      images = model.sample(options.count, options.seed);
    } else {
      throw new ConfigError(
        `${options.model} holds a ${model.className}, which does not generate from latent points; pass a saved GAN, DCGAN or VAE${model instanceof Autoencoder ? ' (an autoencoder only reconstructs its inputs)' : ''}.`,
      );
    }
    const png = await pngGrid(images, options.latentGrid);
    await writeAtomically(options.out, png);
    out.line(`Wrote ${images.shape[0]} images to ${options.out}`);
    return { images: images.shape[0], savedTo: options.out };
  } finally {
    images?.dispose();
    model.dispose();
  }
}

/** Images decoded over a side x side lattice of N(0, 1) quantiles from 5% to 95%, rows top to bottom. */
function latentLattice(model: VAE, side: number): tf.Tensor {
  const quantile = (p: number) => Math.SQRT2 * inverseErf(2 * p - 1);
  const points: number[][] = [];
  for (let row = 0; row < side; row++)
    for (let col = 0; col < side; col++) {
      const at = (i: number) => (side === 1 ? 0.5 : 0.05 + (0.9 * i) / (side - 1));
      points.push([quantile(at(col)), quantile(1 - at(row))]);
    }
  return tf.tidy(() => model.decode(tf.tensor2d(points)));
}

/** The inverse error function (Giles 2010's single-precision approximation). */
function inverseErf(x: number): number {
  let w = -Math.log((1 - x) * (1 + x));
  let p: number;
  if (w < 5) {
    w -= 2.5;
    p = 2.81022636e-8;
    for (const c of [
      3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503, -0.00417768164,
      0.246640727, 1.50140941,
    ])
      p = c + p * w;
  } else {
    w = Math.sqrt(w) - 3;
    p = -0.000200214257;
    for (const c of [
      0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406,
      2.83297682,
    ])
      p = c + p * w;
  }
  return p * x;
}
