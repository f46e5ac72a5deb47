/**
 * The Playground's network and its training: an MLP from `@tensorfold/layers` (dense layers, dropout,
 * L1/L2 penalties from `@tensorfold/optim`), trained by SGD one epoch per step on the backend that
 * runs, with the losses and the decision regions read back from the live model.
 */
import { type Model, Random, sequential, setSeed, tf } from '@tensorfold/core';
import { dense, dropout } from '@tensorfold/layers';
import { binaryCrossentropy, l1, l2, sgd } from '@tensorfold/optim';
import { makeDataset, type Points, RADIUS } from './datasets';
import type { PlaygroundState } from './state';

/** Points per data set; half train, half test. */
export const SAMPLES = 200;
/** The decision map is `GRID` x `GRID` cells over the square. */
export const GRID = 48;
/** Each hidden neuron's map is `NEURON_GRID` x `NEURON_GRID` cells. */
export const NEURON_GRID = 20;

/** Binary cross-entropy of probabilities `p` against labels `y` (0/1), clipped as Keras does. */
export function logLoss(p: ArrayLike<number>, y: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < y.length; i++) {
    const q = Math.min(1 - 1e-7, Math.max(1e-7, p[i]));
    sum -= y[i] * Math.log(q) + (1 - y[i]) * Math.log(1 - q);
  }
  return sum / y.length;
}

/** The network of `settings`, compiled; its weights are drawn from `settings.seed`. */
export function buildNetwork(settings: PlaygroundState): Model {
  setSeed(settings.seed);
  const penalty =
    settings.regularization === 'l1'
      ? l1(settings.regularizationRate)
      : settings.regularization === 'l2'
        ? l2(settings.regularizationRate)
        : null;
  const layers = [];
  for (const [i, units] of settings.layers.entries()) {
    layers.push(
      dense({
        units,
        activation: settings.activation,
        kernelRegularizer: penalty,
        ...(i === 0 ? { inputShape: [2] } : {}),
      }),
    );
    if (settings.dropout > 0) layers.push(dropout({ rate: settings.dropout }));
  }
  layers.push(
    dense({
      units: 1,
      activation: 'sigmoid',
      kernelRegularizer: penalty,
      ...(settings.layers.length === 0 ? { inputShape: [2] } : {}),
    }),
  );
  const network = sequential({ layers });
  network.compile({ optimizer: sgd({ learningRate: settings.learningRate }), loss: binaryCrossentropy() });
  return network;
}

/** What one step reports. */
export interface StepResult {
  epoch: number;
  trainLoss: number;
  testLoss: number;
}

/** A network, its data and its history; `dispose()` frees every tensor it holds. */
export class Trainer {
  readonly train: Points;
  readonly test: Points;
  readonly network: Model;
  readonly trainLoss: number[] = [];
  readonly testLoss: number[] = [];
  epoch = 0;
  private readonly order: Random;
  private readonly xs: tf.Tensor2D; // [train, 2], scaled to [-1, 1]
  private readonly ys: tf.Tensor2D; // [train, 1]
  private readonly testXs: tf.Tensor2D; // [test, 2]
  private readonly grid: tf.Tensor2D; // [GRID * GRID, 2], row 0 at the top

  constructor(readonly settings: PlaygroundState) {
    const all = makeDataset(settings.dataset, SAMPLES, settings.noise, settings.seed);
    const half = SAMPLES / 2;
    this.train = { x: all.x.slice(0, half), y: all.y.slice(0, half) };
    this.test = { x: all.x.slice(half), y: all.y.slice(half) };
    this.order = Random.derive(settings.seed, 7);
    this.network = buildNetwork(settings);
    const scale = (x: number[][]) => x.map(([a, b]) => [a / RADIUS, b / RADIUS]);
    this.xs = tf.tensor2d(scale(this.train.x), [half, 2]);
    this.ys = tf.tensor2d(this.train.y, [half, 1]);
    this.testXs = tf.tensor2d(scale(this.test.x), [half, 2]);
    const cells: number[] = [];
    for (let r = 0; r < GRID; r++) {
      for (let c = 0; c < GRID; c++) cells.push(((c + 0.5) / GRID) * 2 - 1, 1 - ((r + 0.5) / GRID) * 2);
    }
    this.grid = tf.tensor2d(cells, [GRID * GRID, 2]);
  }

  /** The losses of the current weights (before any step: the untrained network's). */
  async evaluate(): Promise<StepResult> {
    const [trainP, testP] = await Promise.all([this.predict(this.xs), this.predict(this.testXs)]);
    return {
      epoch: this.epoch,
      trainLoss: logLoss(trainP, this.train.y),
      testLoss: logLoss(testP, this.test.y),
    };
  }

  /** Records the current losses in the history (call once before training to plot the start). */
  async record(): Promise<StepResult> {
    const r = await this.evaluate();
    this.trainLoss.push(r.trainLoss);
    this.testLoss.push(r.testLoss);
    return r;
  }

  /** One epoch of SGD over the training points in a seeded order, `batchSize` at a time. */
  async step(): Promise<StepResult> {
    const n = this.train.y.length;
    const order = this.order.permutation(n);
    for (let start = 0; start < n; start += this.settings.batchSize) {
      const index = tf.tensor1d(order.slice(start, start + this.settings.batchSize), 'int32');
      const bx = tf.gather(this.xs, index); // [batch, 2]
      const by = tf.gather(this.ys, index); // [batch, 1]
      await this.network.trainOnBatch(bx, by);
      tf.dispose([index, bx, by]);
    }
    this.epoch++;
    return this.record();
  }

  /**
   * What every hidden neuron computes over the plane: for each hidden dense layer, its outputs on a
   * `size` x `size` map (`[size * size * units]`, row-major, the neuron fastest), row 0 at the top.
   */
  async neurons(size = NEURON_GRID): Promise<{ units: number; values: Float32Array }[]> {
    const outputs = tf.tidy(() => {
      const cells: number[] = [];
      for (let r = 0; r < size; r++) {
        for (let c = 0; c < size; c++) cells.push(((c + 0.5) / size) * 2 - 1, 1 - ((r + 0.5) / size) * 2);
      }
      let h: tf.Tensor = tf.tensor2d(cells, [size * size, 2]); // [cells, 2]
      const found: tf.Tensor[] = [];
      const layers = this.network.layers;
      for (const layer of layers.slice(0, -1)) {
        h = layer.apply(h) as tf.Tensor; // inference mode: dropout passes its input through
        if ((layer.constructor as { className?: string }).className === 'Dense') found.push(h); // [cells, units]
      }
      return found;
    });
    const values = await Promise.all(outputs.map((t) => t.data() as Promise<Float32Array>));
    const result = outputs.map((t, i) => ({ units: t.shape[1] ?? 1, values: values[i] }));
    tf.dispose(outputs);
    return result;
  }

  /** The probability of the orange class on the `GRID` x `GRID` map, row 0 at the top. */
  regions(): Promise<Float32Array> {
    return this.predict(this.grid);
  }

  private async predict(x: tf.Tensor2D): Promise<Float32Array> {
    const p = this.network.predict(x) as tf.Tensor; // [n, 1]
    const values = (await p.data()) as Float32Array; // never dataSync: WebGPU reads back asynchronously
    p.dispose();
    return values;
  }

  dispose(): void {
    this.network.dispose();
    tf.dispose([this.xs, this.ys, this.testXs, this.grid]);
  }
}
