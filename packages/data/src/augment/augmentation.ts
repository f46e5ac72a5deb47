/**
 * The augmentation protocol and the augmenter that runs a list of them on image batches with a
 * seeded generator, so the same seed gives the same augmented images on every run and backend.
 */

import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, Random, ShapeError, seedOrNext } from '@tensorfold/core';

/**
 * One image transformation applied to a batch `[batch, height, width, channels]`. Random ones draw
 * their parameters (one set per image) from the generator they are given.
 */
export interface Augmentation {
  /** A short name, e.g. `'randomRotation'`. */
  readonly name: string;
  /** The transformed batch (a new tensor; the input is left alone). */
  apply(images: tf.Tensor4D, rng: Random): tf.Tensor4D;
}

/** Checks that `images` is a batch of images. */
export function assertImageBatch(images: tf.Tensor, what: string): asserts images is tf.Tensor4D {
  if (!(images instanceof tf.Tensor) || images.rank !== 4) {
    const got = images instanceof tf.Tensor ? `[${images.shape.join(', ')}]` : typeof images;
    throw new ShapeError(
      `${what} needs a batch of images [batch, height, width, channels], got ${got}; add a batch axis with tf.expandDims(image, 0).`,
    );
  }
}

/** A number or a `[low, high]` range, checked and turned into a range. */
export function toRange(
  value: number | readonly [number, number],
  name: string,
  symmetric: boolean,
  min = Number.NEGATIVE_INFINITY,
): [number, number] {
  const range: [number, number] =
    typeof value === 'number' ? (symmetric ? [-value, value] : [value, value]) : [value[0], value[1]];
  if (!(Number.isFinite(range[0]) && Number.isFinite(range[1]) && range[0] <= range[1]))
    throw new ConfigError(
      `${name} must be a number or [low, high] with low <= high, got ${JSON.stringify(value)}.`,
    );
  if (range[0] < min) throw new ConfigError(`${name} must be >= ${min}, got ${JSON.stringify(value)}.`);
  return range;
}

/** Checks a probability. */
export function checkProbability(p: number, name = 'probability'): number {
  if (!(p >= 0 && p <= 1)) throw new ConfigError(`${name} must be in [0, 1], got ${p}.`);
  return p;
}

/** Options of {@link Augmenter}. */
export interface AugmenterOptions {
  /** Seed of the random parameters. Default: drawn from core's `setSeed` generator. */
  seed?: number;
}

/**
 * Runs augmentations in order on image batches. Its generator advances with every batch, so
 * successive batches get new random transformations; {@link Augmenter.reset} replays them.
 *
 * @example
 * const augment = augmenter([randomFlip(), randomRotation({ degrees: 10 }), randomZoom({ range: [0.9, 1.1] })], { seed: 1 });
 * const train = fromTensors({ xs, ys }).shuffle(1000, 1).batch(32).map(augmentBatches(augment));
 */
export class Augmenter {
  readonly augmentations: readonly Augmentation[];
  readonly seed: number;
  private rng: Random;

  constructor(augmentations: readonly Augmentation[], options: AugmenterOptions = {}) {
    if (!Array.isArray(augmentations) || augmentations.some((a) => typeof a?.apply !== 'function')) {
      throw new ConfigError(
        'An augmenter needs an array of augmentations (randomFlip(), randomRotation(...)...).',
      );
    }
    this.augmentations = [...augmentations];
    this.seed = seedOrNext(options.seed);
    this.rng = new Random(this.seed);
  }

  /** Augments one batch `[batch, height, width, channels]` (a new tensor). */
  apply(images: tf.Tensor4D): tf.Tensor4D {
    assertImageBatch(images, 'Augmenter.apply');
    // A failing augmentation must not shift the stream: keep the generator as it was (spare normal included).
    const saved = Object.assign(Object.create(Object.getPrototypeOf(this.rng)), this.rng) as Random;
    try {
      return tf.tidy(() => {
        let out: tf.Tensor4D = tf.cast(images, 'float32');
        for (const a of this.augmentations) out = a.apply(out, this.rng);
        return out;
      });
    } catch (error) {
      this.rng = saved;
      throw error;
    }
  }

  /** Restarts the random stream: the next batches get the same transformations as the first ones did. */
  reset(): void {
    this.rng = new Random(this.seed);
  }
}

/** A new {@link Augmenter}. */
export function augmenter(augmentations: readonly Augmentation[], options: AugmenterOptions = {}): Augmenter {
  return new Augmenter(augmentations, options);
}

/**
 * A function for `Dataset.map` that augments the images under `key` of each batch element (default
 * `'xs'`) and passes the other entries through.
 */
export function augmentBatches<T extends Record<string, tf.Tensor>>(
  aug: Augmenter,
  key = 'xs',
): (batch: T) => T {
  return (batch) => {
    const images = batch[key];
    if (!images)
      throw new ConfigError(
        `The batch has no "${key}" entry to augment (keys: ${Object.keys(batch).join(', ')}).`,
      );
    return { ...batch, [key]: aug.apply(images as tf.Tensor4D) };
  };
}
