/**
 * Geometric augmentations: rotation, translation, zoom (scaling), shear and their composition into
 * one general affine transform, resampled once per batch (see `resampleImages`); and flips.
 */

import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, type Random } from '@tensorfold/core';
import { type Augmentation, assertImageBatch, checkProbability, toRange } from './augmentation.js';
import { about, IDENTITY, type Matrix3, multiply, rotation, scaling, shear, translation } from './matrix.js';
import { checkSampling, gatherPixels, resampleImages, type SamplingOptions } from './resample.js';

/** How transformed images are resampled and what fills the area that comes from outside the image. */
export type ResampleOptions = SamplingOptions;

/**
 * Applies one forward transform per image (input pixel to output pixel, as 3x3 matrices about the
 * origin, x = column, y = row). The output has the input's size.
 */
export function transformImages(
  images: tf.Tensor4D,
  matrices: readonly Matrix3[],
  options: ResampleOptions = {},
): tf.Tensor4D {
  assertImageBatch(images, 'transformImages');
  if (matrices.length !== images.shape[0])
    throw new ConfigError(`transformImages got ${matrices.length} matrices for ${images.shape[0]} images.`);
  return resampleImages(images, matrices, options);
}

/**
 * A deterministic affine transform of every image, e.g. to show one transformation exactly.
 * `matrix` is `[a, b, c, d, e, f]`: input `(x, y)` goes to `(a x + b y + c, d x + e y + f)` relative to
 * the image center.
 */
export class AffineTransform implements Augmentation {
  readonly name = 'affineTransform';
  private readonly matrix: Matrix3;
  constructor(
    matrix: readonly [number, number, number, number, number, number],
    private readonly options: ResampleOptions = {},
  ) {
    if (!Array.isArray(matrix) || matrix.length !== 6 || matrix.some((v) => !Number.isFinite(v)))
      throw new ConfigError('affineTransform needs [a, b, c, d, e, f], six finite numbers.');
    checkSampling(options);
    if (Math.abs(matrix[0] * matrix[4] - matrix[1] * matrix[3]) < 1e-12)
      throw new ConfigError(
        `affineTransform [${matrix.join(', ')}] is not invertible (a*e - b*d = 0 collapses the image onto a line or a point).`,
      );
    this.matrix = [matrix[0], matrix[1], matrix[2], matrix[3], matrix[4], matrix[5], 0, 0, 1];
  }
  apply(images: tf.Tensor4D): tf.Tensor4D {
    const [, h, w] = images.shape;
    const m = about(this.matrix, (w - 1) / 2, (h - 1) / 2);
    return transformImages(
      images,
      Array.from({ length: images.shape[0] }, () => m),
      this.options,
    );
  }
}

/** Options of {@link RandomAffine}: each part is off unless given. */
export interface RandomAffineOptions extends ResampleOptions {
  /** Rotation in degrees, counterclockwise: `d` for [-d, d], or `[low, high]`. */
  degrees?: number | readonly [number, number];
  /** Horizontal shift as a fraction of the width: `f` for [-f, f], or `[low, high]`. */
  translateX?: number | readonly [number, number];
  /** Vertical shift as a fraction of the height (positive moves down). */
  translateY?: number | readonly [number, number];
  /** Scale factor range `[low, high]` (> 1 zooms in); a number `z` means [1 - z, 1 + z]. */
  zoom?: number | readonly [number, number];
  /** Zoom width and height independently. Default `false` (keeps the aspect ratio). */
  independentZoom?: boolean;
  /** Shear angle in degrees: `d` for [-d, d], or `[low, high]`. */
  shearDegrees?: number | readonly [number, number];
}

/**
 * Random rotation, translation, zoom and shear composed into one affine transform per image and
 * resampled once (as Keras's `ImageDataGenerator` does), which is faster and blurs less than
 * applying them one by one.
 */
export class RandomAffine implements Augmentation {
  readonly name: string = 'randomAffine';
  private readonly degrees: [number, number];
  private readonly tx: [number, number];
  private readonly ty: [number, number];
  private readonly zoom: [number, number];
  private readonly shearDegrees: [number, number];
  constructor(protected readonly options: RandomAffineOptions = {}) {
    checkSampling(options);
    this.degrees = toRange(options.degrees ?? 0, 'degrees', true);
    this.tx = toRange(options.translateX ?? 0, 'translateX', true);
    this.ty = toRange(options.translateY ?? 0, 'translateY', true);
    const zoom = options.zoom ?? 0;
    this.zoom = toRange(typeof zoom === 'number' ? [1 - zoom, 1 + zoom] : zoom, 'zoom', false);
    if (this.zoom[0] <= 0) throw new ConfigError(`zoom factors must be > 0, got [${this.zoom.join(', ')}].`);
    this.shearDegrees = toRange(options.shearDegrees ?? 0, 'shearDegrees', true, -89);
    if (this.shearDegrees[1] >= 90) throw new ConfigError('shearDegrees must stay below 90.');
  }

  /** The forward transform of one image of size `height x width`, drawing its parameters from `rng`. */
  sample(rng: Random, height: number, width: number): Matrix3 {
    const draw = ([low, high]: [number, number]) => (low === high ? low : rng.uniformIn(low, high));
    const angle = (draw(this.degrees) * Math.PI) / 180;
    const dx = draw(this.tx) * width;
    const dy = draw(this.ty) * height;
    const zx = draw(this.zoom);
    const zy = this.options.independentZoom ? draw(this.zoom) : zx;
    const sh = (draw(this.shearDegrees) * Math.PI) / 180;
    let m = IDENTITY;
    if (sh !== 0) m = multiply(shear(sh), m);
    if (zx !== 1 || zy !== 1) m = multiply(scaling(zx, zy), m);
    if (angle !== 0) m = multiply(rotation(angle), m);
    m = about(m, (width - 1) / 2, (height - 1) / 2);
    if (dx !== 0 || dy !== 0) m = multiply(translation(dx, dy), m);
    return m;
  }

  apply(images: tf.Tensor4D, rng: Random): tf.Tensor4D {
    assertImageBatch(images, this.name);
    const [b, h, w] = images.shape;
    const matrices = Array.from({ length: b }, () => this.sample(rng, h, w));
    return transformImages(images, matrices, this.options);
  }
}

/** Options of {@link RandomRotation}. */
export interface RotationOptions extends ResampleOptions {
  /** Angle in degrees, counterclockwise: `d` for [-d, d], or `[low, high]`. */
  degrees: number | readonly [number, number];
}

/** Rotates each image about its center by a random angle. */
export class RandomRotation extends RandomAffine {
  override readonly name = 'randomRotation';
  constructor(options: RotationOptions) {
    super({ ...options, degrees: options.degrees });
  }
}

/** Options of {@link RandomTranslation}. */
export interface TranslationOptions extends ResampleOptions {
  /** Horizontal shift as a fraction of the width: `f` for [-f, f], or `[low, high]`. Default 0. */
  x?: number | readonly [number, number];
  /** Vertical shift as a fraction of the height (positive moves down). Default 0. */
  y?: number | readonly [number, number];
}

/** Shifts each image by a random offset; the uncovered area is filled. */
export class RandomTranslation extends RandomAffine {
  override readonly name = 'randomTranslation';
  constructor(options: TranslationOptions) {
    super({ ...options, translateX: options.x ?? 0, translateY: options.y ?? 0 });
  }
}

/** Options of {@link RandomZoom}. */
export interface ZoomOptions extends ResampleOptions {
  /** Scale factor range `[low, high]` (> 1 zooms in, < 1 zooms out); `z` means [1 - z, 1 + z]. */
  range: number | readonly [number, number];
  /** Scale width and height independently. Default `false`. */
  independent?: boolean;
}

/** Scales each image about its center (zoom in or out) by a random factor, keeping the image size. */
export class RandomZoom extends RandomAffine {
  override readonly name = 'randomZoom';
  constructor(options: ZoomOptions) {
    super({ ...options, zoom: options.range, independentZoom: options.independent });
  }
}

/** Options of {@link RandomShear}. */
export interface ShearOptions extends ResampleOptions {
  /** Shear angle in degrees: `d` for [-d, d], or `[low, high]`. */
  degrees: number | readonly [number, number];
}

/** Slants each image horizontally by a random shear angle. */
export class RandomShear extends RandomAffine {
  override readonly name = 'randomShear';
  constructor(options: ShearOptions) {
    super({ ...options, degrees: 0, shearDegrees: options.degrees });
  }
}

/** Options of {@link RandomFlip}. */
export interface FlipOptions {
  /** `'horizontal'` (mirror left-right), `'vertical'` (upside down) or `'both'`. Default `'horizontal'`. */
  mode?: 'horizontal' | 'vertical' | 'both';
  /** Chance that an image is flipped (each direction separately for `'both'`). Default 0.5. */
  probability?: number;
}

/** Mirrors each image with some probability (exact: pixels move, values do not change). */
export class RandomFlip implements Augmentation {
  readonly name = 'randomFlip';
  readonly mode: 'horizontal' | 'vertical' | 'both';
  readonly probability: number;
  constructor(options: FlipOptions = {}) {
    this.mode = options.mode ?? 'horizontal';
    if (!['horizontal', 'vertical', 'both'].includes(this.mode))
      throw new ConfigError(`mode must be 'horizontal', 'vertical' or 'both', got '${this.mode}'.`);
    this.probability = checkProbability(options.probability ?? 0.5);
  }
  apply(images: tf.Tensor4D, rng: Random): tf.Tensor4D {
    assertImageBatch(images, this.name);
    const [b, h, w] = images.shape;
    const horizontal = this.mode !== 'vertical';
    const vertical = this.mode !== 'horizontal';
    // Draw per image: horizontal first, then vertical, so 'both' reuses the single-mode streams' order.
    const flipX = Array.from({ length: b }, () => horizontal && rng.uniform() < this.probability);
    const flipY = Array.from({ length: b }, () => vertical && rng.uniform() < this.probability);
    if (!flipX.some(Boolean) && !flipY.some(Boolean)) return tf.clone(images);
    const index = new Int32Array(b * h * w);
    for (let i = 0; i < b; i++) {
      for (let y = 0; y < h; y++) {
        const sy = flipY[i] ? h - 1 - y : y;
        for (let x = 0; x < w; x++)
          index[(i * h + y) * w + x] = (i * h + sy) * w + (flipX[i] ? w - 1 - x : x);
      }
    }
    return gatherPixels(images, index, [b, h, w]);
  }
}

/** A random rotation (see {@link RandomRotation}). */
export function randomRotation(options: RotationOptions): RandomRotation {
  return new RandomRotation(options);
}
/** A random shift (see {@link RandomTranslation}). */
export function randomTranslation(options: TranslationOptions): RandomTranslation {
  return new RandomTranslation(options);
}
/** A random zoom (see {@link RandomZoom}). */
export function randomZoom(options: ZoomOptions): RandomZoom {
  return new RandomZoom(options);
}
/** A random shear (see {@link RandomShear}). */
export function randomShear(options: ShearOptions): RandomShear {
  return new RandomShear(options);
}
/** Random rotation, shift, zoom and shear in one resampling (see {@link RandomAffine}). */
export function randomAffine(options: RandomAffineOptions): RandomAffine {
  return new RandomAffine(options);
}
/** A fixed affine transform about the image center (see {@link AffineTransform}). */
export function affineTransform(
  matrix: readonly [number, number, number, number, number, number],
  options: ResampleOptions = {},
): AffineTransform {
  return new AffineTransform(matrix, options);
}
/** A random flip (see {@link RandomFlip}). */
export function randomFlip(options: FlipOptions = {}): RandomFlip {
  return new RandomFlip(options);
}
