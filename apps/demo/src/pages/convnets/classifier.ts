/**
 * The Convnets page's LeNet-5: built from `@tensorfold/models-cnn`'s description (never a copy of its
 * layers), trained live on the site's MNIST subset, and read back for the pictures: probabilities,
 * every feature map and filter, and Grad-CAM (models-cnn's `gradCam`).
 */
import { ConfigError, type Model, setSeed, tf } from '@tensorfold/core';
import { activations, gradCam, loadWeightsByName } from '@tensorfold/models-cnn';
import { models } from '@tensorfold/models-cnn/descriptions';
import { adam, lambdaCallback } from '@tensorfold/optim';
import type { DigitSet } from '../../lib/mnist';

/** Side of an MNIST image, in pixels. */
export const SIDE = 28;

/** What {@link DigitClassifier.train} is told. */
export interface TrainSettings {
  /** Training images, the first of the subset. */
  samples: number;
  /** Passes over them. */
  epochs: number;
  /** Images per Adam step. */
  batchSize: number;
  /** Adam's step size. */
  learningRate: number;
  /** Seed of the initial weights and of the batch order. */
  seed: number;
}

/** How a training run went. */
export interface TrainReport {
  /** The loss of each batch, in order. */
  losses: number[];
  /** Images the steps went through. */
  trained: number;
  /** Seconds spent in the training steps (drawing the progress excluded). */
  seconds: number;
  /** `trained / seconds`, as the CLI's `--json` line reports it. */
  samplesPerSecond: number;
}

/** One layer's feature maps for one image: `values` is `[height, width, channels]`, channels fastest. */
export interface FeatureMaps {
  name: string;
  height: number;
  width: number;
  channels: number;
  values: Float32Array;
}

/** One conv layer's kernel: `values` is `[size, size, inputs, outputs]`, outputs fastest. */
export interface Filters {
  name: string;
  size: number;
  inputs: number;
  outputs: number;
  values: Float32Array;
}

/** The images of `set` from `start`, `count` of them, as `[count, 28, 28, 1]` in [0, 1]. */
export function digitTensor(set: DigitSet, count: number, start = 0): tf.Tensor4D {
  if (start < 0 || count < 1 || start + count > set.count)
    throw new ConfigError(`The subset holds ${set.count} images; asked for ${count} from ${start}.`);
  const bytes = set.pixels.subarray(start * SIDE * SIDE, (start + count) * SIDE * SIDE);
  return tf.tidy(() => tf.div(tf.tensor4d(bytes, [count, SIDE, SIDE, 1], 'int32'), 255)) as tf.Tensor4D;
}

/** The LeNet-5 description of `@tensorfold/models-cnn` (what the CLI's `train lenet5` builds). */
export function lenetDescription() {
  const found = models.find((m) => m.name === 'lenet5');
  if (!found) throw new ConfigError('@tensorfold/models-cnn no longer describes lenet5.');
  return found;
}

/** A LeNet-5 and what the page reads from it; `dispose()` frees its tensors. */
export class DigitClassifier {
  private constructor(
    readonly model: Model,
    readonly settings: TrainSettings,
    private readonly optimizer: { dispose(): void },
  ) {}

  /** A fresh LeNet-5 from the description, its weights drawn from `settings.seed`, compiled with Adam. */
  static async create(settings: TrainSettings): Promise<DigitClassifier> {
    setSeed(settings.seed);
    const model = (await lenetDescription().build({ inputShape: [SIDE, SIDE, 1], numClasses: 10 })) as Model;
    const optimizer = adam({ learningRate: settings.learningRate });
    model.compile({ optimizer, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    return new DigitClassifier(model, settings, optimizer);
  }

  /**
   * Trains on the first `settings.samples` images of `train` with `fit` (seeded shuffle). `onBatch` is
   * called after each step with the batch losses so far; every ~100 ms the browser gets to draw (that
   * pause is not counted in `seconds`).
   */
  async train(train: DigitSet, onBatch?: (losses: readonly number[]) => void): Promise<TrainReport> {
    const { samples, epochs, batchSize, seed } = this.settings;
    const xs = digitTensor(train, samples); // [samples, 28, 28, 1]
    const ys = tf.tensor1d(train.labels.subarray(0, samples), 'int32'); // [samples]
    const losses: number[] = [];
    let trained = 0;
    let paused = 0;
    let lastPause = performance.now();
    const start = performance.now();
    try {
      await this.model.fit(xs, ys, {
        epochs,
        batchSize,
        seed,
        shuffle: true,
        verbose: 0,
        callbacks: [
          lambdaCallback({
            onBatchEnd: async (_batch, logs) => {
              trained += logs?.size ?? 0;
              losses.push(logs?.loss ?? Number.NaN);
              onBatch?.(losses);
              if (performance.now() - lastPause > 100) {
                const before = performance.now();
                await new Promise((done) => setTimeout(done, 0));
                lastPause = performance.now();
                paused += lastPause - before;
              }
            },
          }),
        ],
      });
    } finally {
      tf.dispose([xs, ys]);
    }
    const seconds = (performance.now() - start - paused) / 1000;
    return { losses, trained, seconds, samplesPerSecond: trained / seconds };
  }

  /**
   * Puts the weights saved at `source` into the network, by layer name (a `model.json` URL or an IO
   * handler): the ones `scripts/train-digits.ts lenet5` trains (`public/models/lenet5/`). A file for
   * another network changes nothing.
   */
  async loadWeights(source: string | tf.io.IOHandler): Promise<void> {
    await loadWeightsByName(this.model, typeof source === 'string' ? tf.io.http(source) : source);
  }

  /** The fraction of the first `count` images of `test` classified right. */
  async accuracy(test: DigitSet, count = test.count): Promise<number> {
    const xs = digitTensor(test, count);
    const p = this.model.predict(xs, { batchSize: 250 }) as tf.Tensor; // [count, 10]
    const guess = tf.argMax(p, 1);
    const found = await guess.data();
    tf.dispose([xs, p, guess]);
    let right = 0;
    for (let i = 0; i < count; i++) if (found[i] === test.labels[i]) right++;
    return right / count;
  }

  /** The ten class probabilities of one image (`784` values in [0, 1], row-major). */
  async classify(image: Float32Array): Promise<Float32Array> {
    const p = tf.tidy(() => this.model.predict(tf.tensor4d(image, [1, SIDE, SIDE, 1])) as tf.Tensor);
    const values = (await p.data()) as Float32Array;
    p.dispose();
    return values;
  }

  /** Every feature map of every image layer (conv and pooling) for one image, first layer first. */
  async featureMaps(image: Float32Array): Promise<FeatureMaps[]> {
    const input = tf.tensor3d(image, [SIDE, SIDE, 1]);
    const maps = activations(this.model, input); // { c1: [1, 28, 28, 8], s2: ..., c3: ..., s4: ... }
    input.dispose();
    const result: FeatureMaps[] = [];
    for (const [name, t] of Object.entries(maps)) {
      const [, height, width, channels] = t.shape;
      result.push({ name, height, width, channels, values: (await t.data()) as Float32Array });
    }
    tf.dispose(Object.values(maps));
    return result;
  }

  /** Every filter of every conv layer, from the live weights. */
  async filters(): Promise<Filters[]> {
    const result: Filters[] = [];
    for (const layer of this.model.layers) {
      const kernel = layer.trainableWeights[0]?.read();
      if (kernel?.rank !== 4) continue; // [size, size, inputs, outputs]
      const [size, , inputs, outputs] = kernel.shape;
      // A copy: training may assign the variable a new value while this one is read back.
      const copy = kernel.clone();
      const values = (await copy.data()) as Float32Array;
      copy.dispose();
      result.push({ name: layer.name, size, inputs, outputs, values });
    }
    return result;
  }

  /** Grad-CAM of `classIndex` at `layerName`, resized to the image: `[28 * 28]` in [0, 1]. */
  async gradCam(image: Float32Array, classIndex: number, layerName: string): Promise<Float32Array> {
    const input = tf.tensor3d(image, [SIDE, SIDE, 1]);
    const cam = gradCam(this.model, input, classIndex, { layerName, size: 'input' }); // [28, 28]
    input.dispose();
    const values = (await cam.data()) as Float32Array;
    cam.dispose();
    return values;
  }

  dispose(): void {
    this.model.dispose();
    this.optimizer.dispose();
  }
}
