import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { ConfigError, DataError, ShapeError } from '@tensorfold/core';

/** How `Transform` samples between pixels: the nearest pixel, or a bilinear mix of the four around. */
export type TransformInterpolation = 'nearest' | 'bilinear';

/**
 * What `Transform` reads outside the image (TensorFlow's `fill_mode`, with `abcd` the image row):
 * `'constant'` (`kkkk|abcd|kkkk`, k = the fill value), `'reflect'` (`dcba|abcd|dcba`), `'wrap'`
 * (`abcd|abcd|abcd`) or `'nearest'` (`aaaa|abcd|dddd`).
 */
export type TransformFillMode = 'constant' | 'reflect' | 'wrap' | 'nearest';

/** Everything a `Transform` kernel needs to know about one call, checked. */
export interface TransformSpec {
  /** Images in the batch. */
  batch: number;
  /** Input height and width, in pixels. */
  height: number;
  width: number;
  /** Channels per pixel. */
  channels: number;
  /** Output height and width, in pixels (`outputShape`, or the input size). */
  outHeight: number;
  outWidth: number;
  interpolation: TransformInterpolation;
  fillMode: TransformFillMode;
  /** The value read outside the image in `'constant'` mode (and where the projection is infinite). */
  fillValue: number;
  /** Whether one transform row serves every image (`transforms` is `[1, 8]`). */
  sharedTransform: boolean;
}

const INTERPOLATIONS: readonly string[] = ['nearest', 'bilinear'];
const FILL_MODES: readonly string[] = ['constant', 'reflect', 'wrap', 'nearest'];

/**
 * Checks the inputs and attributes of a `Transform` kernel call (what `tf.image.transform` passes)
 * and returns its {@link TransformSpec}.
 *
 * @throws ShapeError when `image` is not `[batch, height, width, channels]` or `transforms` is not
 *   `[batch, 8]` or `[1, 8]`; DataError for an image that is neither float32 nor int32; ConfigError
 *   for an unknown `interpolation` or `fillMode`, or an `outputShape` that is not two integers >= 1.
 */
export function transformSpec(image: TensorInfo, transforms: TensorInfo, attrs: NamedAttrMap): TransformSpec {
  if (image.shape.length !== 4) {
    throw new ShapeError(
      `Transform takes a batch of images [batch, height, width, channels], got shape [${image.shape}]; ` +
        'add a batch axis with tf.expandDims(image, 0).',
    );
  }
  const [batch, height, width, channels] = image.shape;
  const [rows, columns] = transforms.shape;
  if (transforms.shape.length !== 2 || columns !== 8 || (rows !== batch && rows !== 1)) {
    throw new ShapeError(
      `Transform takes one 8-number transform row per image ([${batch}, 8]) or one for all ([1, 8]), ` +
        `got shape [${transforms.shape}].`,
    );
  }
  if (image.dtype !== 'float32' && image.dtype !== 'int32') {
    throw new DataError(
      `Transform resamples float32 or int32 images, got ${image.dtype}; cast the image first.`,
    );
  }
  const interpolation = String(attrs.interpolation ?? 'nearest');
  if (!INTERPOLATIONS.includes(interpolation)) {
    throw new ConfigError(
      `Transform's interpolation must be 'nearest' or 'bilinear', got '${interpolation}'.`,
    );
  }
  const fillMode = String(attrs.fillMode ?? 'constant');
  if (!FILL_MODES.includes(fillMode)) {
    throw new ConfigError(
      `Transform's fillMode must be 'constant', 'reflect', 'wrap' or 'nearest', got '${fillMode}'.`,
    );
  }
  const outputShape = attrs.outputShape as number[] | null | undefined;
  if (
    outputShape != null &&
    !(
      Array.isArray(outputShape) &&
      outputShape.length === 2 &&
      outputShape.every((size) => Number.isInteger(size) && size >= 1)
    )
  ) {
    throw new ConfigError(
      `Transform's outputShape must be [height, width] in pixels, got ${JSON.stringify(outputShape)}.`,
    );
  }
  const [outHeight, outWidth] = outputShape ?? [height, width];
  return {
    batch,
    height,
    width,
    channels,
    outHeight,
    outWidth,
    interpolation: interpolation as TransformInterpolation,
    fillMode: fillMode as TransformFillMode,
    fillValue: Number(attrs.fillValue ?? 0),
    sharedTransform: rows === 1,
  };
}

/** The output shape of a `Transform` call: `[batch, outHeight, outWidth, channels]`. */
export function transformOutputShape(spec: TransformSpec): [number, number, number, number] {
  return [spec.batch, spec.outHeight, spec.outWidth, spec.channels];
}
