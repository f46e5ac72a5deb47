/**
 * {@link TestDense} for `@tensorflow/tfjs-layers` (a devDependency used only in tests), registered
 * there under the same class name, so that a model of TestDense layers saved by either library loads
 * in the other. Not exported.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { tf } from '@tensorfold/core';
import type { TestDenseArgs } from './toys.js';

type TfjsLayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;

/** y = activation(x W + b), W uniform in [-0.5, 0.5) from `seed` (tfjs's generator), b zeros. */
export class TfjsTestDense extends tfl.layers.Layer {
  static readonly className = 'TestDense';
  readonly units: number;
  readonly activation: NonNullable<TestDenseArgs['activation']>;
  readonly seed: number;
  private kernel: tfl.LayerVariable | null = null;
  private bias: tfl.LayerVariable | null = null;

  constructor(args: TfjsLayerArgs & Pick<TestDenseArgs, 'units' | 'activation' | 'seed'>) {
    super(args);
    this.units = args.units;
    this.activation = args.activation ?? 'linear';
    this.seed = args.seed ?? 1;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = inputShape as tfl.Shape;
    const inDim = shape[shape.length - 1] as number;
    const uniform = tfl.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: this.seed });
    this.kernel = this.addWeight('kernel', [inDim, this.units], 'float32', uniform);
    this.bias = this.addWeight('bias', [this.units], 'float32', tfl.initializers.zeros());
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs; // [batch, inDim]
      const y = tf.add(tf.matMul(x, this.kernel!.read()), this.bias!.read()); // [batch, units]
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

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = inputShape as tfl.Shape;
    return [...shape.slice(0, -1), this.units];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units, activation: this.activation, seed: this.seed };
  }
}

tf.serialization.registerClass(TfjsTestDense);
