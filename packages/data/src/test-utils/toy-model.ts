/**
 * A linear model for testing `fit` with datasets and cross-validation, without depending on the
 * `layers` and `optim` packages. Not exported.
 */

import * as tf from '@tensorflow/tfjs-core';
import {
  type CallOptions,
  Layer,
  type LayerInputs,
  type Optimizer,
  type Shape,
  sequential,
  type VariableGradient,
} from '@tensorfold/core';

/** y = x W + b, weights start at zero. */
export class ToyLinear extends Layer {
  static override readonly className = 'ToyLinear';
  constructor(readonly units: number) {
    super({});
  }
  override build(inputShape: Shape | Shape[]): void {
    const shape = inputShape as Shape;
    const zeros = { className: 'Zeros', apply: (s: number[]) => tf.zeros(s), getConfig: () => ({}) };
    this.addWeight('kernel', [shape[shape.length - 1] as number, this.units], zeros);
    this.addWeight('bias', [this.units], zeros);
  }
  call(inputs: LayerInputs, _options: CallOptions): tf.Tensor {
    return tf.tidy(() =>
      tf.add(tf.matMul(inputs as tf.Tensor, this.weights[0].read()), this.weights[1].read()),
    );
  }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return [...(inputShape as Shape).slice(0, -1), this.units];
  }
}

/** Plain gradient descent. */
export class ToySgd implements Optimizer {
  readonly className = 'ToySgd';
  iterations = 0;
  constructor(public learningRate = 0.1) {}
  applyGradients(gradients: readonly VariableGradient[]): void {
    tf.tidy(() => {
      for (const { variable, gradient } of gradients)
        variable.assign(tf.sub(variable, tf.mul(gradient, this.learningRate)));
    });
    this.iterations++;
  }
  async getWeights() {
    return [];
  }
  async setWeights(): Promise<void> {}
  getConfig() {
    return { learningRate: this.learningRate };
  }
  dispose(): void {}
}

/** Per-sample squared error. */
export function mse(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.mean(tf.squaredDifference(yTrue, yPred), -1);
}

/** A compiled linear regression model with `inputs` features and one output. */
export function linearModel(inputs: number, learningRate = 0.1) {
  const model = sequential({ layers: [] });
  const layer = new ToyLinear(1);
  model.add(layer);
  model.build([null, inputs]);
  model.compile({ optimizer: new ToySgd(learningRate), loss: mse });
  return model;
}
