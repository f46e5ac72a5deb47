/**
 * Augmentation previews: a few MNIST digits of the site's subset through `@tensorfold/data`'s seeded
 * augmenter (rotation, zoom, shift, pixel noise, random erasing), as seed 004's augmentation list and
 * seed 002's digits with `ImageDataGenerator` show them.
 */
import { tf } from '@tensorfold/core';
import {
  type Augmentation,
  augmenter,
  gaussianNoise,
  randomErasing,
  randomRotation,
  randomTranslation,
  randomZoom,
} from '@tensorfold/data';
import type { DigitSet } from '../../lib/mnist';
import type { RegularizationState } from './state';

/** Digits previewed, and augmented copies of each. */
export const PREVIEW_DIGITS = 8;
export const COPIES = 3;

/** The augmentations the settings turn on (a zero strength leaves one out), in the order they run. */
export function augmentations(settings: RegularizationState): Augmentation[] {
  const list: Augmentation[] = [];
  if (settings.rotation > 0) list.push(randomRotation({ degrees: settings.rotation }));
  if (settings.zoom > 0) list.push(randomZoom({ range: settings.zoom }));
  if (settings.shift > 0) list.push(randomTranslation({ x: settings.shift, y: settings.shift }));
  if (settings.noise > 0) list.push(gaussianNoise({ stddev: settings.noise, clip: [0, 1] }));
  if (settings.erasing > 0) list.push(randomErasing({ probability: settings.erasing, value: 0 }));
  return list;
}

/** The previews: `originals` `[8 * 784]`, `copies[k]` the k-th augmented batch, and how much they moved. */
export interface Previews {
  originals: Float32Array;
  copies: Float32Array[];
  /** Mean absolute pixel change of the copies against their originals (0: nothing changed). */
  change: number;
  /** The names of the augmentations that ran. */
  names: string[];
}

/** {@link COPIES} augmented batches of the first {@link PREVIEW_DIGITS} digits of `digits`, from `settings.augmentSeed`. */
export async function previews(digits: DigitSet, settings: RegularizationState): Promise<Previews> {
  const list = augmentations(settings);
  const run = augmenter(list, { seed: settings.augmentSeed });
  const n = PREVIEW_DIGITS * 784;
  const batch = tf.tidy(() =>
    tf.div(tf.tensor4d(digits.pixels.subarray(0, n), [PREVIEW_DIGITS, 28, 28, 1], 'int32'), 255),
  ) as tf.Tensor4D; // [8, 28, 28, 1]
  const originals = (await batch.data()) as Float32Array;
  const copies: Float32Array[] = [];
  let change = 0;
  for (let k = 0; k < COPIES; k++) {
    const out = list.length > 0 ? run.apply(batch) : batch.clone(); // [8, 28, 28, 1]
    const values = (await out.data()) as Float32Array;
    out.dispose();
    copies.push(values);
    for (let i = 0; i < n; i++) change += Math.abs(values[i] - originals[i]);
  }
  batch.dispose();
  return { originals, copies, change: change / (n * COPIES), names: list.map((a) => a.name) };
}
