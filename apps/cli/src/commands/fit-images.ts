import { ConfigError, type Model, tf } from '@tensorfold/core';

/** Images made to fit a model's input: the tensors to train and test on, and what was done. */
export interface FittedImages {
  train: tf.Tensor;
  test: tf.Tensor;
  /** What was changed, in words, or `null` when the images already fit. */
  note: string | null;
  /** Frees the tensors made here (not the ones passed in). */
  dispose(): void;
}

/**
 * Pads `train` and `test` images `[n, height, width, channels]` with zeros, evenly on each side, up to the
 * height and width `model` takes: 28x28 MNIST digits become the 32x32 of the classic LeNet-5, as
 * LeCun et al. (1998) and the course text (seed 003) pad them by 2. Images that already fit pass unchanged.
 * @throws ConfigError when the model takes smaller images, or a size that is not an even margin away.
 */
export function fitImagesToModel(model: Model, train: tf.Tensor, test: tf.Tensor): FittedImages {
  const [, height, width] = model.inputs[0].shape; // [batch, height, width, channels]
  const [, h, w] = train.shape;
  if (height == null || width == null || (height === h && width === w))
    return { train, test, note: null, dispose() {} };
  const dy = height - (h as number);
  const dx = width - (w as number);
  if (dy < 0 || dx < 0 || dy % 2 !== 0 || dx % 2 !== 0)
    throw new ConfigError(
      `${model.name} takes ${height}x${width} images and the dataset's are ${h}x${w}; only padding by an even margin (e.g. 28x28 to 32x32) is done here. Pick a model made for ${h}x${w} images.`,
    );
  const pad = (x: tf.Tensor) =>
    tf.pad(x as tf.Tensor4D, [
      [0, 0],
      [dy / 2, dy / 2],
      [dx / 2, dx / 2],
      [0, 0],
    ]);
  const padded = { train: pad(train), test: pad(test) };
  return {
    ...padded,
    note: `padded the ${h}x${w} images to ${height}x${width} with ${dy / 2} zero pixel(s) on each side, as ${model.name} takes`,
    dispose() {
      tf.dispose([padded.train, padded.test]);
    },
  };
}
