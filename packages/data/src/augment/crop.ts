/**
 * Cropping, padding and resizing.
 */

import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, type Random } from '@tensorfold/core';
import { type Augmentation, assertImageBatch } from './augmentation.js';
import { translation } from './matrix.js';
import { resampleImages } from './resample.js';

/** Options of {@link RandomCrop}. */
export interface CropOptions {
  /** Output `[height, width]`. Default: the input size (useful with `padding`). */
  size?: readonly [number, number];
  /** Pixels of `fillValue` added on every side before cropping (CIFAR-style "pad 4, crop 32"). Default 0. */
  padding?: number;
  /** Value of the padding. Default 0. */
  fillValue?: number;
}

/**
 * Pads each image, then cuts a window of `size` at a random position (integer offsets, exact pixel
 * values): a random shift by up to `padding` pixels when the size is unchanged.
 */
export class RandomCrop implements Augmentation {
  readonly name = 'randomCrop';
  constructor(private readonly options: CropOptions = {}) {
    const { size, padding = 0 } = options;
    if (size && !(size.length === 2 && size.every((s) => Number.isInteger(s) && s >= 1)))
      throw new ConfigError(`size must be [height, width], got ${JSON.stringify(size)}.`);
    if (!(Number.isInteger(padding) && padding >= 0))
      throw new ConfigError(`padding must be an integer >= 0, got ${padding}.`);
  }
  apply(images: tf.Tensor4D, rng: Random): tf.Tensor4D {
    assertImageBatch(images, this.name);
    const [b, h, w] = images.shape;
    const p = this.options.padding ?? 0;
    const [ch, cw] = this.options.size ?? [h, w];
    const H = h + 2 * p;
    const W = w + 2 * p;
    if (ch > H || cw > W)
      throw new ConfigError(
        `Cannot crop ${ch}x${cw} from ${H}x${W} (padded) images; lower size or raise padding.`,
      );
    // Crop pixel (y, x) is padded pixel (y + top, x + left), i.e. input pixel (y + top - p, x + left - p).
    const shifts = Array.from({ length: b }, () =>
      translation(p - rng.int(W - cw + 1), p - rng.int(H - ch + 1)),
    );
    return resampleImages(
      images,
      shifts,
      { interpolation: 'nearest', fillValue: this.options.fillValue ?? 0 },
      [ch, cw],
    );
  }
}

/** Cuts the central `[height, width]` window of every image. */
export class CenterCrop implements Augmentation {
  readonly name = 'centerCrop';
  constructor(private readonly size: readonly [number, number]) {
    if (!(size?.length === 2 && size.every((s) => Number.isInteger(s) && s >= 1)))
      throw new ConfigError(`centerCrop needs [height, width], got ${JSON.stringify(size)}.`);
  }
  apply(images: tf.Tensor4D): tf.Tensor4D {
    assertImageBatch(images, this.name);
    const [b, h, w, c] = images.shape;
    const [ch, cw] = this.size;
    if (ch > h || cw > w) throw new ConfigError(`Cannot center-crop ${ch}x${cw} from ${h}x${w} images.`);
    return tf.slice(images, [0, Math.floor((h - ch) / 2), Math.floor((w - cw) / 2), 0], [b, ch, cw, c]);
  }
}

/** Options of {@link Resize}. */
export interface ResizeOptions {
  /** `'bilinear'` or `'nearest'`. Default `'bilinear'`. */
  method?: 'bilinear' | 'nearest';
  /** Align the corner pixels of input and output. Default `false`. */
  alignCorners?: boolean;
  /**
   * Sample at pixel centers (`(i + 0.5) * scale - 0.5`), as Keras's `Resizing` layer and this package's
   * image-folder loader do: halving bilinearly then averages each 2x2 block. Default `false` (tfjs's
   * default: pixel `i` samples the source at `i * scale`). Cannot be combined with `alignCorners`.
   */
  halfPixelCenters?: boolean;
}

/** Resizes every image to `[height, width]` (e.g. 28x28 MNIST to 32x32 for the original LeNet-5). */
export class Resize implements Augmentation {
  readonly name = 'resize';
  constructor(
    private readonly size: readonly [number, number],
    private readonly options: ResizeOptions = {},
  ) {
    if (!(size?.length === 2 && size.every((s) => Number.isInteger(s) && s >= 1)))
      throw new ConfigError(`resize needs [height, width], got ${JSON.stringify(size)}.`);
    if (options.method !== undefined && options.method !== 'bilinear' && options.method !== 'nearest')
      throw new ConfigError(`method must be 'bilinear' or 'nearest', got '${options.method}'.`);
    if (options.alignCorners && options.halfPixelCenters)
      throw new ConfigError('resize takes alignCorners or halfPixelCenters, not both: pick one.');
  }
  apply(images: tf.Tensor4D): tf.Tensor4D {
    assertImageBatch(images, this.name);
    const size: [number, number] = [this.size[0], this.size[1]];
    const { alignCorners = false, halfPixelCenters = false } = this.options;
    return this.options.method === 'nearest'
      ? tf.image.resizeNearestNeighbor(images, size, alignCorners, halfPixelCenters)
      : tf.image.resizeBilinear(images, size, alignCorners, halfPixelCenters);
  }
}

/** A random crop after optional padding (see {@link RandomCrop}). */
export function randomCrop(options: CropOptions = {}): RandomCrop {
  return new RandomCrop(options);
}
/** A center crop (see {@link CenterCrop}). */
export function centerCrop(size: readonly [number, number]): CenterCrop {
  return new CenterCrop(size);
}
/** A resize (see {@link Resize}). */
export function resize(size: readonly [number, number], options: ResizeOptions = {}): Resize {
  return new Resize(size, options);
}
