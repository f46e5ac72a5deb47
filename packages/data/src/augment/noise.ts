/**
 * Noise and occlusion: additive Gaussian noise and random erasing.
 */

import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, type Random } from '@tensorfold/core';
import { type Augmentation, assertImageBatch, checkProbability, toRange } from './augmentation.js';
import { type ClipOptions, checkClip } from './color.js';

/** Options of {@link GaussianNoise}. */
export interface NoiseOptions extends ClipOptions {
  /** Standard deviation of the noise, in pixel units. */
  stddev: number;
  /**
   * The value range the noisy pixels are clipped to. Default: none (unlike the color augmentations,
   * noise is left unclipped so that it keeps its spread); pass `[0, 1]` to keep pixels in range.
   */
  clip?: readonly [number, number] | null;
}

/**
 * Adds independent Gaussian noise to every pixel. The noise comes from the seeded generator (not the
 * backend), so it is the same on every backend.
 */
export class GaussianNoise implements Augmentation {
  readonly name = 'gaussianNoise';
  constructor(private readonly options: NoiseOptions) {
    if (!(Number.isFinite(options.stddev) && options.stddev >= 0))
      throw new ConfigError(`stddev must be a finite number >= 0, got ${options.stddev}.`);
    checkClip(options.clip);
  }
  apply(images: tf.Tensor4D, rng: Random): tf.Tensor4D {
    assertImageBatch(images, this.name);
    const noise = new Float32Array(images.size);
    for (let i = 0; i < noise.length; i++) noise[i] = rng.normal(0, this.options.stddev);
    return tf.tidy(() => {
      const out = tf.add(images, tf.tensor(noise, images.shape)) as tf.Tensor4D;
      return this.options.clip ? tf.clipByValue(out, this.options.clip[0], this.options.clip[1]) : out;
    });
  }
}

/** Options of {@link RandomErasing}. */
export interface ErasingOptions {
  /** Chance that an image gets a rectangle erased. Default 0.5. */
  probability?: number;
  /** Erased area as a fraction of the image, `[low, high]`. Default [0.02, 0.33]. */
  area?: readonly [number, number];
  /** Aspect ratio (height / width) range, sampled log-uniformly. Default [0.3, 3.3]. */
  aspectRatio?: readonly [number, number];
  /** The value written into the rectangle. Default 0. */
  value?: number;
}

/** One erased rectangle, in pixels. */
export interface ErasedRegion {
  top: number;
  left: number;
  height: number;
  width: number;
}

/**
 * Random erasing (Zhong et al., 2017): overwrites a random rectangle of each image (with some
 * probability) with a constant, so the model cannot rely on any single part of an object.
 */
export class RandomErasing implements Augmentation {
  readonly name = 'randomErasing';
  private readonly probability: number;
  private readonly area: [number, number];
  private readonly aspect: [number, number];
  constructor(private readonly options: ErasingOptions = {}) {
    this.probability = checkProbability(options.probability ?? 0.5);
    this.area = toRange(options.area ?? [0.02, 0.33], 'area', false, 0);
    if (this.area[1] > 1)
      throw new ConfigError(`area fractions must be at most 1, got [${this.area.join(', ')}].`);
    this.aspect = toRange(options.aspectRatio ?? [0.3, 3.3], 'aspectRatio', false, 1e-6);
    if (options.value !== undefined && !Number.isFinite(options.value))
      throw new ConfigError(`value must be a finite number, got ${options.value}.`);
  }

  /** Draws the rectangle for one `height x width` image, or null when this image is left alone. */
  sample(rng: Random, height: number, width: number): ErasedRegion | null {
    if (rng.uniform() >= this.probability) return null;
    for (let attempt = 0; attempt < 10; attempt++) {
      const area = rng.uniformIn(this.area[0], this.area[1]) * height * width;
      const ratio = Math.exp(rng.uniformIn(Math.log(this.aspect[0]), Math.log(this.aspect[1])));
      const h = Math.round(Math.sqrt(area * ratio));
      const w = Math.round(Math.sqrt(area / ratio));
      if (h >= 1 && w >= 1 && h <= height && w <= width)
        return { top: rng.int(height - h + 1), left: rng.int(width - w + 1), height: h, width: w };
    }
    return null;
  }

  apply(images: tf.Tensor4D, rng: Random): tf.Tensor4D {
    assertImageBatch(images, this.name);
    const [b, h, w] = images.shape;
    const mask = new Float32Array(b * h * w);
    for (let i = 0; i < b; i++) {
      const r = this.sample(rng, h, w);
      if (!r) continue;
      for (let y = r.top; y < r.top + r.height; y++)
        mask.fill(1, i * h * w + y * w + r.left, i * h * w + y * w + r.left + r.width);
    }
    return tf.tidy(() => {
      const m = tf.tensor4d(mask, [b, h, w, 1]);
      return tf.add(tf.mul(images, tf.sub(1, m)), tf.mul(m, this.options.value ?? 0)) as tf.Tensor4D;
    });
  }
}

/** Additive Gaussian noise (see {@link GaussianNoise}). */
export function gaussianNoise(options: NoiseOptions): GaussianNoise {
  return new GaussianNoise(options);
}
/** Random erasing (see {@link RandomErasing}). */
export function randomErasing(options: ErasingOptions = {}): RandomErasing {
  return new RandomErasing(options);
}
