/**
 * A minimal dense layer and data for tests, so optim's tests need no other tensorfold package
 * (layers live in @tensorfold/layers, which optim must not depend on). Not exported.
 */
import {
  type CallOptions,
  type Initializer,
  Layer,
  type LayerArgs,
  type LayerInputs,
  Random,
  type Regularizer,
  register,
  type Shape,
  tf,
} from '@tensorfold/core';

/** Uniform in [-limit, limit) from a seed. */
export class TestUniform implements Initializer {
  readonly className = 'TestUniform';
  constructor(
    readonly seed: number,
    readonly limit = 0.5,
  ) {}
  apply(shape: number[]): tf.Tensor {
    const rng = new Random(this.seed);
    const n = shape.reduce((a, b) => a * b, 1);
    const v = new Float32Array(n);
    for (let i = 0; i < n; i++) v[i] = rng.uniformIn(-this.limit, this.limit);
    return tf.tensor(v, shape);
  }
  getConfig() {
    return { seed: this.seed, limit: this.limit };
  }
}

const zeros: Initializer = { className: 'Zeros', apply: (s) => tf.zeros(s), getConfig: () => ({}) };

export interface TestDenseArgs extends LayerArgs {
  units: number;
  activation?: 'linear' | 'sigmoid' | 'relu' | 'softmax';
  seed?: number;
  kernelRegularizer?: Regularizer;
  biasRegularizer?: Regularizer;
}

/** y = activation(x W + b). */
export class TestDense extends Layer {
  static override readonly className = 'TestDense';
  readonly units: number;
  readonly activation: NonNullable<TestDenseArgs['activation']>;
  readonly seed: number;
  private readonly kernelRegularizer?: Regularizer;
  private readonly biasRegularizer?: Regularizer;

  constructor(args: TestDenseArgs) {
    super(args);
    this.units = args.units;
    this.activation = args.activation ?? 'linear';
    this.seed = args.seed ?? 1;
    this.kernelRegularizer = args.kernelRegularizer;
    this.biasRegularizer = args.biasRegularizer;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = inputShape as Shape;
    const inDim = shape[shape.length - 1] as number;
    this.addWeight('kernel', [inDim, this.units], new TestUniform(this.seed), {
      regularizer: this.kernelRegularizer,
    });
    this.addWeight('bias', [this.units], zeros, { regularizer: this.biasRegularizer });
  }

  call(inputs: LayerInputs, _options: CallOptions): tf.Tensor {
    return tf.tidy(() => {
      const y = tf.add(tf.matMul(inputs as tf.Tensor, this.weights[0].read()), this.weights[1].read());
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
    return { ...super.getConfig(), units: this.units, activation: this.activation, seed: this.seed };
  }
}

register('layer', 'TestDense', (c) => new TestDense(c as unknown as TestDenseArgs));

/** Three Gaussian blobs in 2-D with one-hot and class-id targets. */
export function blobs(n: number, seed = 1): { x: tf.Tensor2D; oneHot: tf.Tensor2D; labels: tf.Tensor1D } {
  const rng = new Random(seed);
  const centers = [
    [-2, -2],
    [2, -2],
    [0, 2],
  ];
  const xs = new Float32Array(n * 2);
  const ids = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    xs[2 * i] = rng.normal(centers[c][0], 0.6);
    xs[2 * i + 1] = rng.normal(centers[c][1], 0.6);
    ids[i] = c;
  }
  const labels = tf.tensor1d(ids, 'int32');
  return { x: tf.tensor2d(xs, [n, 2]), oneHot: tf.oneHot(labels, 3) as tf.Tensor2D, labels };
}

/** Zeroes each input element with probability `rate` in training, from its own tracked generator. */
export class TestDropout extends Layer {
  static override readonly className = 'TestDropout';
  readonly rng: Random;
  constructor(
    readonly rate: number,
    seed: number,
    args: LayerArgs = {},
  ) {
    super(args);
    this.rng = this.trackRandom(new Random(seed));
  }
  call(inputs: LayerInputs, options: CallOptions): tf.Tensor {
    const x = inputs as tf.Tensor;
    if (!options.training) return tf.clone(x);
    const mask = new Float32Array(x.size);
    for (let i = 0; i < mask.length; i++) mask[i] = this.rng.uniform() < this.rate ? 0 : 1 / (1 - this.rate);
    return tf.tidy(() => tf.mul(x, tf.tensor(mask, x.shape)));
  }
}
