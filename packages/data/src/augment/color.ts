/**
 * Photometric augmentations: brightness, contrast, grayscale.
 */

import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, type Random } from '@tensorfold/core';
import { type Augmentation, assertImageBatch, checkProbability, toRange } from './augmentation.js';

/** The value range pixels are clipped to, or null to leave them unclipped. Default [0, 1]. */
export interface ClipOptions {
  clip?: readonly [number, number] | null;
}

/** Checks a `clip` option. @throws ConfigError unless it is null, undefined or `[low, high]` with finite low <= high. */
export function checkClip(clip: readonly [number, number] | null | undefined): void {
  if (clip === null || clip === undefined) return;
  if (!(Array.isArray(clip) && clip.length === 2 && clip.every(Number.isFinite) && clip[0] <= clip[1]))
    throw new ConfigError(
      `clip must be [low, high] with finite low <= high, or null, got ${JSON.stringify(clip)}.`,
    );
}

function clipped(x: tf.Tensor4D, clip: readonly [number, number] | null | undefined): tf.Tensor4D {
  const range = clip === undefined ? [0, 1] : clip;
  return range ? tf.clipByValue(x, range[0], range[1]) : x;
}

/** A `[batch, 1, 1, 1]` tensor of one random value per image. */
function perImage(rng: Random, b: number, [low, high]: [number, number]): tf.Tensor4D {
  return tf.tensor4d(
    Array.from({ length: b }, () => (low === high ? low : rng.uniformIn(low, high))),
    [b, 1, 1, 1],
  );
}

/** Options of {@link RandomBrightness}. */
export interface BrightnessOptions extends ClipOptions {
  /** Added to every pixel: `d` for [-d, d], or `[low, high]`, in pixel units (0.1 = 10% of [0, 1]). */
  delta: number | readonly [number, number];
}

/** Darkens or brightens each image by adding a random constant. */
export class RandomBrightness implements Augmentation {
  readonly name = 'randomBrightness';
  private readonly delta: [number, number];
  constructor(private readonly options: BrightnessOptions) {
    this.delta = toRange(options.delta, 'delta', true);
    checkClip(options.clip);
  }
  apply(images: tf.Tensor4D, rng: Random): tf.Tensor4D {
    assertImageBatch(images, this.name);
    return tf.tidy(() =>
      clipped(tf.add(images, perImage(rng, images.shape[0], this.delta)), this.options.clip),
    );
  }
}

/** Options of {@link RandomContrast}. */
export interface ContrastOptions extends ClipOptions {
  /** Contrast factor range `[low, high]` (1 = unchanged); `f` means [1 - f, 1 + f]. */
  factor: number | readonly [number, number];
}

/** Scales each image's deviation from its per-channel mean by a random factor. */
export class RandomContrast implements Augmentation {
  readonly name = 'randomContrast';
  private readonly factor: [number, number];
  constructor(private readonly options: ContrastOptions) {
    const f = options.factor;
    this.factor = toRange(typeof f === 'number' ? [1 - f, 1 + f] : f, 'factor', false, 0);
    checkClip(options.clip);
  }
  apply(images: tf.Tensor4D, rng: Random): tf.Tensor4D {
    assertImageBatch(images, this.name);
    return tf.tidy(() => {
      const mean = tf.mean(images, [1, 2], true); // [batch, 1, 1, channels]
      return clipped(
        tf.add(tf.mul(tf.sub(images, mean), perImage(rng, images.shape[0], this.factor)), mean),
        this.options.clip,
      );
    });
  }
}

/** Options of {@link Grayscale}. */
export interface GrayscaleOptions {
  /** Output channels: 1, or 3 (the gray value repeated, so the shape is unchanged). Default 3. */
  channels?: 1 | 3;
  /** Chance that an image is converted (only with `channels: 3`). Default 1. */
  probability?: number;
}

/** Converts RGB images to gray, `0.299 R + 0.587 G + 0.114 B` (ITU-R 601 luma), all or at random. */
export class Grayscale implements Augmentation {
  readonly name = 'grayscale';
  readonly channels: 1 | 3;
  readonly probability: number;
  constructor(options: GrayscaleOptions = {}) {
    this.channels = options.channels ?? 3;
    if (this.channels !== 1 && this.channels !== 3)
      throw new ConfigError(`channels must be 1 or 3, got ${this.channels}.`);
    this.probability = checkProbability(options.probability ?? 1);
    if (this.channels === 1 && this.probability < 1)
      throw new ConfigError(
        'A random grayscale must keep 3 channels (channels: 3), so every image has the same shape.',
      );
  }
  apply(images: tf.Tensor4D, rng: Random): tf.Tensor4D {
    assertImageBatch(images, this.name);
    const [b, , , c] = images.shape;
    if (c !== 3)
      throw new ConfigError(
        `grayscale needs RGB images (3 channels), got ${c}; 1-channel images are gray already.`,
      );
    const pick =
      this.probability < 1 ? Array.from({ length: b }, () => rng.uniform() < this.probability) : null;
    return tf.tidy(() => {
      const gray = tf.sum(tf.mul(images, tf.tensor1d([0.299, 0.587, 0.114])), -1, true); // [batch, h, w, 1]
      if (this.channels === 1) return gray as tf.Tensor4D;
      const rgb = tf.tile(gray, [1, 1, 1, 3]) as tf.Tensor4D;
      return pick ? (tf.where(tf.tensor4d(pick, [b, 1, 1, 1], 'bool'), rgb, images) as tf.Tensor4D) : rgb;
    });
  }
}

/** A random brightness change (see {@link RandomBrightness}). */
export function randomBrightness(options: BrightnessOptions): RandomBrightness {
  return new RandomBrightness(options);
}
/** A random contrast change (see {@link RandomContrast}). */
export function randomContrast(options: ContrastOptions): RandomContrast {
  return new RandomContrast(options);
}
/** Grayscale conversion, all images or at random (see {@link Grayscale}). */
export function grayscale(options: GrayscaleOptions = {}): Grayscale {
  return new Grayscale(options);
}
