/**
 * The shipped VAE (2-D latent space, trained by `scripts/train-digits.ts`) and DCGAN generator: decoding a
 * grid of the latent plane, one chosen point, the interpolation between two test digits, and samples.
 */
import { type Model, tf } from '@tensorfold/core';
import { psnr, VAE } from '@tensorfold/models-gan';
import '@tensorfold/layers';
import { DCGAN_LATENT, type Digits } from '../../lib/digits';
import { loadShippedModel } from '../../lib/shipped';

/** Cells per side of the latent grid. */
export const GRID = 10;
/** The grid spans [-SPAN, SPAN] on both latent axes (the prior is N(0, I)). */
export const SPAN = 3;
/** Images of an interpolation. */
export const FRAMES = 8;
/** DCGAN samples drawn (4 x 4). */
export const SAMPLES = 16;

/** Loads the shipped VAE (`models/vae/`). @throws Error when the file holds another kind of model. */
export async function loadVae(): Promise<VAE> {
  const model = await loadShippedModel('vae');
  if (!(model instanceof VAE)) {
    model.dispose();
    throw new Error(`models/vae/ holds a ${model.className}, not a VAE: rerun scripts/train-digits.ts vae.`);
  }
  return model;
}

/** `[GRID * GRID * 784]` pixels in [0, 1]: the decoded grid, row by row, top row at z2 = SPAN. */
export async function latentGrid(vae: VAE): Promise<Float32Array> {
  const z: number[] = [];
  for (let r = 0; r < GRID; r++)
    for (let c = 0; c < GRID; c++)
      z.push(-SPAN + (2 * SPAN * c) / (GRID - 1), SPAN - (2 * SPAN * r) / (GRID - 1));
  return decodeAll(vae, tf.tensor2d(z, [GRID * GRID, 2]));
}

/** `[784]` pixels of the decoded point (z1, z2). */
export async function decodePoint(vae: VAE, z1: number, z2: number): Promise<Float32Array> {
  return decodeAll(vae, tf.tensor2d([z1, z2], [1, 2]));
}

async function decodeAll(vae: VAE, z: tf.Tensor2D): Promise<Float32Array> {
  const images = vae.decode(z); // [n, 28, 28, 1]
  const pixels = (await images.data()) as Float32Array;
  tf.dispose([z, images]);
  return pixels;
}

/** The index of the first shipped test image of `digit`. @throws Error when there is none. */
export function firstOf(digits: Digits, digit: number): number {
  const i = digits.labels.indexOf(digit);
  if (i < 0) throw new Error(`The shipped test images hold no ${digit}.`);
  return i;
}

/** `[FRAMES * 784]`: the decodes along the line from the code of test digit `from` to that of `to`. */
export async function interpolation(
  vae: VAE,
  digits: Digits,
  from: number,
  to: number,
): Promise<Float32Array> {
  const pick = (i: number) => tf.slice(digits.images, [i, 0, 0, 0], [1, 28, 28, 1]);
  const a = pick(firstOf(digits, from));
  const b = pick(firstOf(digits, to));
  const frames = vae.interpolate(a, b, FRAMES); // [FRAMES, 28, 28, 1]
  const pixels = (await frames.data()) as Float32Array;
  tf.dispose([a, b, frames]);
  return pixels;
}

/** The latent means `[2]` of test digit `digit`'s first image. */
export async function codeOf(vae: VAE, digits: Digits, digit: number): Promise<number[]> {
  const x = tf.slice(digits.images, [firstOf(digits, digit), 0, 0, 0], [1, 28, 28, 1]);
  const { mean, logVar } = vae.encode(x);
  const code = Array.from(await mean.data());
  tf.dispose([x, mean, logVar]);
  return code;
}

/** PSNR (dB) of the test images against their reconstructions from the latent means. */
export async function reconstructionPsnr(vae: VAE, digits: Digits): Promise<number> {
  const recon = tf.tidy(() => {
    const { mean, logVar } = vae.encode(digits.images);
    logVar.dispose();
    return vae.decode(mean);
  });
  const value = await psnr(recon, digits.images);
  recon.dispose();
  return value;
}

/** `[SAMPLES * 784]` DCGAN samples in [0, 1] for the latent points of `seed`. */
export async function dcganSamples(generator: Model, seed: number): Promise<Float32Array> {
  const images = tf.tidy(() => {
    const z = tf.randomNormal([SAMPLES, DCGAN_LATENT], 0, 1, 'float32', seed);
    const out = generator.predict(z) as tf.Tensor; // [SAMPLES, 28, 28, 1] in [-1, 1]
    return tf.div(tf.add(out, 1), 2);
  });
  const pixels = (await images.data()) as Float32Array;
  images.dispose();
  return pixels;
}
