/**
 * The MLP 784-512-256-10's large products' operands as one training step on MNIST sees them, for the
 * product benches (pair-lists-products, pool-copy-share, shared-heap-inplace): the first 128 MNIST
 * training images, Glorot-uniform weights (seeds 1 and 2), the hidden layers' ReLU zeros, and
 * gradients N(0, 0.01) (seeds 3 and 4) masked by ReLU's step. Same seeds, same operands.
 */
import { tf } from '@tensorfold/core';
import { loadMnist } from '@tensorfold/data/node';

/** The operands; `dispose()` frees all eight (nothing else is left behind). */
export interface MlpOperands {
  /** The batch's pixels in [0, 1]. [128, 784] */
  x: tf.Tensor2D;
  /** Its one-hot labels. [128, 10] */
  y: tf.Tensor2D;
  /** [784, 512] */
  w1: tf.Tensor2D;
  /** [512, 256] */
  w2: tf.Tensor2D;
  /** relu(x . W1). [128, 512] */
  h1: tf.Tensor2D;
  /** relu(h1 . W2). [128, 256] */
  h2: tf.Tensor2D;
  /** The first layer's output gradient, zero where h1 is. [128, 512] */
  dy1: tf.Tensor2D;
  /** The second layer's output gradient, zero where h2 is. [128, 256] */
  dy2: tf.Tensor2D;
  dispose(): void;
}

/** Builds {@link MlpOperands} on the current backend (one MNIST read; intermediates disposed). */
export async function mlpOperands(): Promise<MlpOperands> {
  const train = await loadMnist({ split: 'train', limit: 128, oneHot: true });
  const tensors = tf.tidy(() => {
    const glorot = (i: number, o: number, seed: number) =>
      tf.randomUniform(
        [i, o],
        -Math.sqrt(6 / (i + o)),
        Math.sqrt(6 / (i + o)),
        'float32',
        seed,
      ) as tf.Tensor2D;
    const x = tf.reshape(train.xs, [128, 784]) as tf.Tensor2D; // [128, 784]
    const y = tf.clone(train.ys) as tf.Tensor2D; // [128, 10]
    const w1 = glorot(784, 512, 1); // [784, 512]
    const w2 = glorot(512, 256, 2); // [512, 256]
    const h1 = tf.relu(tf.matMul(x, w1)) as tf.Tensor2D; // [128, 512]
    const h2 = tf.relu(tf.matMul(h1, w2)) as tf.Tensor2D; // [128, 256]
    const dy2 = tf.mul(tf.randomNormal([128, 256], 0, 0.01, 'float32', 3), tf.step(h2)) as tf.Tensor2D; // [128, 256]
    const dy1 = tf.mul(tf.randomNormal([128, 512], 0, 0.01, 'float32', 4), tf.step(h1)) as tf.Tensor2D; // [128, 512]
    return { x, y, w1, w2, h1, h2, dy1, dy2 };
  });
  train.dispose();
  return { ...tensors, dispose: () => tf.dispose(Object.values(tensors)) };
}
