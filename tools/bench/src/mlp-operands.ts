/**
 * The MLP 784-512-256-10's large products' operands as one training step on MNIST sees them, for the
 * product benches (pair-lists-products, pool-copy-share, pool-prep-ab, pool-prep-parts,
 * shared-heap-inplace): the first 128 MNIST training images (or, with `'random'`, uniform random
 * pixels, seed 7, and labels, seed 8), Glorot-uniform weights (seeds 1 and 2), the hidden layers'
 * ReLU zeros, and gradients N(0, 0.01) (seeds 3 and 4) masked by ReLU's step. Same seeds, same
 * operands.
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

/**
 * Builds {@link MlpOperands} on the current backend from MNIST's first batch (one MNIST read) or
 * random pixels; intermediates disposed.
 */
export async function mlpOperands(data: 'mnist' | 'random' = 'mnist'): Promise<MlpOperands> {
  const train =
    data === 'mnist' ? await loadMnist({ split: 'train', limit: 128, oneHot: true }) : randomBatch();
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

/** 128 uniform random pixel rows (seed 7) and one-hot labels (seed 8). */
function randomBatch(): { xs: tf.Tensor; ys: tf.Tensor; dispose(): void } {
  const { xs, ys } = tf.tidy(() => ({
    xs: tf.randomUniform([128, 784], 0, 1, 'float32', 7), // [128, 784]
    ys: tf.oneHot(tf.randomUniform([128], 0, 10, 'int32', 8), 10).toFloat(), // [128, 10]
  }));
  return { xs, ys, dispose: () => tf.dispose([xs, ys]) };
}

/** A product of the step: its name, `a`, `b`, transposeA, transposeB. */
export type MlpProduct = [
  name: string,
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  transposeA: boolean,
  transposeB: boolean,
];

/**
 * The step's five large products on `operands`: the two forward ones, the two weight gradients and
 * the second layer's input gradient.
 */
export function mlpProducts({ x, w1, h1, w2, dy1, dy2 }: MlpOperands): MlpProduct[] {
  return [
    ['x . W1', x, w1, false, false], // [128, 784] . [784, 512]
    ['dW1 x^T . dy1', x, dy1, true, false], // [784, 128] . [128, 512]
    ['h1 . W2', h1, w2, false, false], // [128, 512] . [512, 256]
    ['dW2 h1^T . dy2', h1, dy2, true, false], // [512, 128] . [128, 256]
    ['dX2 dy2 . W2^T', dy2, w2, false, true], // [128, 256] . [256, 512]
  ];
}
