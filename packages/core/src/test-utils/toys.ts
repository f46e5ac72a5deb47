/**
 * Minimal layers, an optimizer, a loss and a metric, so the engine's tests do not depend on the
 * packages built on top of it. Not exported from the package.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type CallOptions, Layer, type LayerArgs, type LayerInputs } from '../engine/layer.js';
import type { Shape } from '../engine/shape.js';
import type { Initializer } from '../interfaces/initializer.js';
import type { Metric } from '../interfaces/metric.js';
import type { NamedTensor, Optimizer, VariableGradient } from '../interfaces/optimizer.js';
import type { Regularizer } from '../interfaces/regularizer.js';
import { seedOrNext } from '../random/global-seed.js';
import { Random } from '../random/random.js';
import { register } from '../registry.js';

export class ToyUniform implements Initializer {
  readonly className = 'ToyUniform';
  readonly seed: number;
  constructor(config: { seed?: number } = {}) {
    this.seed = seedOrNext(config.seed);
  }
  private rng: Random | null = null;
  apply(shape: number[]): tf.Tensor {
    this.rng ??= new Random(this.seed);
    const n = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) values[i] = this.rng.uniformIn(-0.5, 0.5);
    return tf.tensor(values, shape);
  }
  getConfig() {
    return { seed: this.seed };
  }
}

export class ToyL2 implements Regularizer {
  readonly className = 'ToyL2';
  constructor(readonly l2 = 0.01) {}
  apply(x: tf.Tensor): tf.Scalar {
    return tf.tidy(() => tf.mul(this.l2, tf.sum(tf.square(x))) as tf.Scalar);
  }
  getConfig() {
    return { l2: this.l2 };
  }
}

export interface ToyDenseArgs extends LayerArgs {
  units: number;
  activation?: 'linear' | 'sigmoid' | 'relu' | 'softmax';
  useBias?: boolean;
  seed?: number;
  kernelRegularizer?: Regularizer;
}

/** y = activation(x W + b). */
export class ToyDense extends Layer {
  static override readonly className = 'ToyDense';
  readonly units: number;
  readonly activation: NonNullable<ToyDenseArgs['activation']>;
  readonly useBias: boolean;
  private readonly init: ToyUniform;
  private readonly kernelRegularizer?: Regularizer;

  constructor(args: ToyDenseArgs) {
    super(args);
    this.units = args.units;
    this.activation = args.activation ?? 'linear';
    this.useBias = args.useBias ?? true;
    this.init = new ToyUniform({ seed: args.seed });
    this.kernelRegularizer = args.kernelRegularizer;
    this.inputSpec = { minNdim: 2 };
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = inputShape as Shape;
    const inDim = shape[shape.length - 1] as number;
    this.addWeight('kernel', [inDim, this.units], this.init, { regularizer: this.kernelRegularizer });
    if (this.useBias)
      this.addWeight('bias', [this.units], {
        className: 'Zeros',
        apply: (s) => tf.zeros(s),
        getConfig: () => ({}),
      });
    this.inputSpec = { minNdim: 2, axes: { [-1]: inDim } };
  }

  call(inputs: LayerInputs, _options: CallOptions): tf.Tensor {
    return tf.tidy(() => {
      const x = inputs as tf.Tensor;
      let y = tf.matMul(x, this.weights[0].read());
      if (this.useBias) y = tf.add(y, this.weights[1].read());
      switch (this.activation) {
        case 'sigmoid':
          return tf.sigmoid(y);
        case 'relu':
          return tf.relu(y);
        case 'softmax':
          return tf.softmax(y);
        default:
          return y;
      }
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = inputShape as Shape;
    return [...shape.slice(0, -1), this.units];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: this.activation,
      useBias: this.useBias,
      seed: this.init.seed,
    };
  }
}

/** Sums its inputs (residual connections). */
export class ToyAdd extends Layer {
  static override readonly className = 'ToyAdd';
  call(inputs: LayerInputs): tf.Tensor {
    return tf.addN(inputs as tf.Tensor[]);
  }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return (inputShape as Shape[])[0];
  }
}

/** Multiplies by 2 when training, by 1 otherwise (to test the training flag). */
export class ToyTrainingDoubler extends Layer {
  static override readonly className = 'ToyTrainingDoubler';
  call(inputs: LayerInputs, options: CallOptions): tf.Tensor {
    return options.training ? tf.mul(inputs as tf.Tensor, 2) : tf.clone(inputs as tf.Tensor);
  }
}

/** Plain gradient descent. */
export class ToySGD implements Optimizer {
  readonly className = 'ToySGD';
  iterations = 0;
  constructor(public learningRate = 0.1) {}
  applyGradients(gradients: readonly VariableGradient[]): void {
    tf.tidy(() => {
      for (const { variable, gradient } of gradients)
        variable.assign(tf.sub(variable, tf.mul(gradient, this.learningRate)));
    });
    this.iterations++;
  }
  async getWeights(): Promise<NamedTensor[]> {
    return [{ name: 'iter', tensor: tf.scalar(this.iterations) }];
  }
  async setWeights(weights: NamedTensor[]): Promise<void> {
    const iter = weights.find((w) => w.name === 'iter');
    if (iter) this.iterations = (await iter.tensor.data())[0];
  }
  getConfig() {
    return { learningRate: this.learningRate };
  }
  dispose(): void {}
}

/** Per-sample mean squared error. */
export function toyMse(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.mean(tf.squaredDifference(yTrue, yPred), -1);
}

/** Binary accuracy at threshold 0.5, weighted. */
export class ToyBinaryAccuracy implements Metric {
  private correct = tf.keep(tf.scalar(0));
  private count = tf.keep(tf.scalar(0));
  constructor(readonly name = 'acc') {}
  update(yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight?: tf.Tensor): void {
    const [c, n] = tf.tidy(() => {
      const hits = tf.cast(tf.equal(tf.greater(yPred, 0.5), tf.greater(yTrue, 0.5)), 'float32');
      const perSample = tf.mean(hits, -1);
      const w = sampleWeight ? tf.reshape(sampleWeight, perSample.shape) : tf.onesLike(perSample);
      return [
        tf.keep(tf.add(this.correct, tf.sum(tf.mul(perSample, w)))),
        tf.keep(tf.add(this.count, tf.sum(w))),
      ];
    });
    this.correct.dispose();
    this.count.dispose();
    this.correct = c as tf.Scalar;
    this.count = n as tf.Scalar;
  }
  result(): tf.Scalar {
    return tf.divNoNan(this.correct, this.count) as tf.Scalar;
  }
  reset(): void {
    this.correct.dispose();
    this.count.dispose();
    this.correct = tf.keep(tf.scalar(0));
    this.count = tf.keep(tf.scalar(0));
  }
  dispose(): void {
    this.correct.dispose();
    this.count.dispose();
  }
}

register('layer', 'ToyDense', (c) => new ToyDense(c as unknown as ToyDenseArgs));
register('layer', 'ToyAdd', (c) => new ToyAdd(c));
register('layer', 'ToyTrainingDoubler', (c) => new ToyTrainingDoubler(c));
register('optimizer', 'ToySGD', (c) => new ToySGD((c.learningRate as number) ?? 0.1));
register('loss', 'toyMse', () => ({
  name: 'toyMse',
  className: 'toyMse',
  call: toyMse,
  getConfig: () => ({}),
}));
register('metric', 'binaryAccuracy', (c) => new ToyBinaryAccuracy((c.name as string) ?? 'binary_accuracy'));

/** Two separable blobs: label 1 when x0 + x1 > 0. */
export function separableData(n: number, seed = 1): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const rng = new Random(seed);
  const xs = new Float32Array(n * 2);
  const ys = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    const a = rng.normal(label ? 1.5 : -1.5, 0.5);
    const b = rng.normal(label ? 1.5 : -1.5, 0.5);
    xs[2 * i] = a;
    xs[2 * i + 1] = b;
    ys[i] = label;
  }
  return { x: tf.tensor2d(xs, [n, 2]), y: tf.tensor2d(ys, [n, 1]) };
}
