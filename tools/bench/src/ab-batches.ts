/**
 * The training batches the same-process A/B scripts (crossover-ab.ts, float-skip-ab.ts) cycle
 * through: {@link AB_BATCHES} batches of a network's inputs and one-hot labels, MNIST's first
 * training images (pixels / 255) or uniform random pixels with random labels (seeded: the same
 * batches in every run).
 */
import { tf } from '@tensorfold/core';
import { loadMnist } from '@tensorfold/data/node';
import { type NetworkName, TRAINING_INPUT } from './training-models.js';

/** Batches a side cycles through. */
export const AB_BATCHES = 8;

/**
 * {@link AB_BATCHES} batches of `batch` inputs (`[batch, ...inputShape]` of `network`: `[batch, 784]`
 * or `[batch, 28, 28, 1]`) and one-hot labels `[batch, 10]`; `data`: `mnist` or `random`.
 */
export async function abBatches(
  network: NetworkName,
  data: string,
  batch: number,
): Promise<{ x: tf.Tensor; y: tf.Tensor }[]> {
  const shape = TRAINING_INPUT[network].inputShape;
  if (data === 'random') {
    return Array.from({ length: AB_BATCHES }, (_, i) => ({
      x: tf.randomUniform([batch, ...shape], 0, 1, 'float32', 1 + i),
      // (the int32 labels freed: crossover-ab's and float-skip-ab's copies before this kept 8 a call)
      y: tf.tidy(() => tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32', 100 + i) as tf.Tensor1D, 10)),
    }));
  }
  if (data !== 'mnist') throw new Error(`Unknown data ${data}: mnist or random.`);
  const train = await loadMnist({ split: 'train', limit: AB_BATCHES * batch, oneHot: true });
  try {
    return Array.from({ length: AB_BATCHES }, (_, i) => ({
      x: tf.tidy(() => train.xs.slice(i * batch, batch).reshape([batch, ...shape])),
      y: train.ys.slice(i * batch, batch),
    }));
  } finally {
    train.dispose();
  }
}
