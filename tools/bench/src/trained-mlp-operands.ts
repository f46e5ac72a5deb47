/**
 * The MLP 784-512-256-10's large products' operands as a training step sees them after `steps` steps
 * of the suite's own training (mlpNetwork, Adam 1e-3, categorical cross-entropy, batch 128, the
 * bench's cycle of MNIST batches or random pixels, training-data.ts): for row-lists-products, whose
 * row/pair list ratios move as the network trains (h1 fills in; the gradients' zeros follow the
 * ReLUs'). The operands are those of the next batch's step, from the trained weights: `h1 = relu(x W1
 * + b1)`, `h2 = relu(h1 W2 + b2)`, `dy2 = ((softmax - y) / 128 . W3^T) * step(h2)`, `dy1 = (dy2 .
 * W2^T) * step(h1)` (the gradients at each hidden layer's pre-activation, as the step's backward pass
 * multiplies them). The weights start from the layers' own (unseeded) initialization, so the shares
 * move by a few hundredths from run to run (`h1`'s 0.45-0.55 after 200 steps on MNIST).
 */
import { type Sequential, tf } from '@tensorfold/core';
import { adam, categoricalCrossentropy } from '@tensorfold/optim';
import type { MlpOperands } from './mlp-operands.js';
import { mlpNetwork } from './networks.js';
import { batchAt, type DataKind, disposeBatches, trainingBatches } from './training-data.js';

/** {@link MlpOperands} after `steps` training steps on `data`; the model, its optimizer's state and the batches freed. */
export async function trainedMlpOperands(data: DataKind, steps: number): Promise<MlpOperands> {
  const [operands] = await trainedMlpOperandCycle(data, steps, 1);
  return operands;
}

/**
 * {@link MlpOperands} of the `count` batches that follow `steps` training steps on `data` (the
 * bench's cycle: batch `steps`, `steps + 1`, ...; random pixels have one batch), all from the same
 * trained weights: for benches that feed a kernel a new batch each call, as training does (a kernel's
 * data-dependent branches cost more on fresh data than on one batch repeated, which the branch
 * predictor learns). The model, its optimizer's state and the batches freed.
 */
export async function trainedMlpOperandCycle(
  data: DataKind,
  steps: number,
  count: number,
): Promise<MlpOperands[]> {
  const model: Sequential = mlpNetwork();
  const optimizer = adam({ learningRate: 1e-3 });
  model.compile({ optimizer, loss: categoricalCrossentropy() });
  const { data: batches, remove } = await trainingBatches(data, 128, [784]);
  try {
    for (let step = 0; step < steps; step++) {
      const { x, y } = batchAt(batches, step);
      await model.trainOnBatch(x, y);
    }
    const weights = model.getWeights() as tf.Tensor2D[]; // W1 [784, 512], b1, W2 [512, 256], b2, W3 [256, 10], b3
    const cycle = Array.from({ length: count }, (_, i) => operandsOf(weights, batchAt(batches, steps + i)));
    tf.dispose(weights);
    return cycle;
  } finally {
    model.dispose();
    optimizer.dispose(); // (Adam's moments: the model does not own them)
    disposeBatches(batches);
    remove();
  }
}

/** The step's operands for one batch from the weights `[W1, b1, W2, b2, W3, b3]` (copies: the caller keeps its own). */
function operandsOf(weights: tf.Tensor2D[], batch: { x: tf.Tensor; y: tf.Tensor }): MlpOperands {
  const tensors = tf.tidy(() => {
    const [w1, b1, w2, b2, w3, b3] = weights;
    const x = tf.clone(batch.x) as tf.Tensor2D; // [128, 784]
    const y = tf.clone(batch.y) as tf.Tensor2D; // [128, 10]
    const h1 = tf.relu(tf.add(tf.matMul(x, w1), b1)) as tf.Tensor2D; // [128, 512]
    const h2 = tf.relu(tf.add(tf.matMul(h1, w2), b2)) as tf.Tensor2D; // [128, 256]
    const p = tf.softmax(tf.add(tf.matMul(h2, w3), b3)); // [128, 10]
    const dLogits = tf.div(tf.sub(p, y), 128); // [128, 10]
    const dy2 = tf.mul(tf.matMul(dLogits, w3, false, true), tf.step(h2)) as tf.Tensor2D; // [128, 256]
    const dy1 = tf.mul(tf.matMul(dy2, w2, false, true), tf.step(h1)) as tf.Tensor2D; // [128, 512]
    return { x, y, w1: tf.clone(w1), w2: tf.clone(w2), h1, h2, dy1, dy2 };
  });
  return { ...tensors, dispose: () => tf.dispose(Object.values(tensors)) };
}

/**
 * A bench's `--trained steps` option: `steps` (0 where the option is absent; else a positive integer,
 * or an error naming the option) and `rest`, the other arguments in order.
 */
export function trainedOption(args: readonly string[]): { steps: number; rest: string[] } {
  const at = args.indexOf('--trained');
  if (at < 0) return { steps: 0, rest: [...args] };
  const steps = Number(args[at + 1]);
  if (!(Number.isInteger(steps) && steps > 0))
    throw new Error(`--trained takes a number of steps, not ${args[at + 1]}.`);
  return { steps, rest: args.filter((_, i) => i !== at && i !== at + 1) };
}
