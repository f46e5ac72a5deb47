/** Reads the image that `tensorfold explain` shows a model, checked against (or fitted to) its input. */
import { readFileSync } from 'node:fs';
import { DataError, type Model, tf } from '@tensorfold/core/node';
import { decodeImage } from '@tensorfold/data';
import { fitImage } from '@tensorfold/models-cnn';

/**
 * The PNG or JPEG at `path` as `[1, h, w, c]` in [0, 1]. An image whose size or channels the model does not
 * take is a DataError saying what it takes and offering `--resize`; with `resize`, it is resized bilinearly
 * and its channels converted (RGBA drops alpha, RGB to gray by the mean, gray to RGB by repetition).
 * A model without a fixed height or width takes any size (but cannot resize to one).
 */
export function readModelImage(path: string, model: Model, resize: boolean): tf.Tensor4D {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new DataError(`Cannot read the image ${path}: ${(error as Error).message}.`, { cause: error });
  }
  const decoded = decodeImage(bytes, { source: path });
  const image = tf.tidy(() =>
    tf.div(tf.tensor3d(decoded.data, [decoded.height, decoded.width, decoded.channels], 'float32'), 255),
  ); // [h, w, c]
  const [, h, w, c] = model.inputs[0].shape;
  const fits =
    (h == null || decoded.height === h) && (w == null || decoded.width === w) && decoded.channels === c;
  if (fits) return tf.tidy(() => tf.expandDims(image, 0) as tf.Tensor4D);
  try {
    if (!resize)
      throw new DataError(
        `${path} is ${decoded.width}x${decoded.height} with ${decoded.channels} channel(s), but the model takes ${w ?? 'any width'}x${h ?? 'any height'} with ${c}: pass --resize to resize it and convert its channels.`,
      );
    return tf.tidy(() =>
      fitImage(decoded.channels === 4 ? tf.slice(image, [0, 0, 0], [-1, -1, 3]) : image, model),
    );
  } finally {
    image.dispose();
  }
}
