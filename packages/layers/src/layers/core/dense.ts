import {
  type Activation,
  type CallOptions,
  type Constraint,
  formatShape,
  type Initializer,
  Layer,
  type LayerArgs,
  type LayerInputs,
  type LayerWeight,
  type Regularizer,
  register,
  type Shape,
  ShapeError,
  singleShape,
  tf,
} from '@tensorfold/core';
import {
  type ActivationSpec,
  fusedForm,
  getActivation,
  serializeActivation,
} from '../../activations/registry.js';
import { type ConstraintSpec, getConstraint } from '../../constraints/index.js';
import { getInitializer, type InitializerSpec } from '../../initializers/index.js';
import { positiveInteger } from '../../utils/args.js';
import { hasGradientHistory, isRecordingGradients } from '../../utils/engine.js';
import {
  getRegularizer,
  type RegularizerSpec,
  serializeOption,
  singleTensor,
} from '../../utils/layer-utils.js';
import { trainingFusedDense } from './training-fused-dense.js';

/** Options of {@link Dense} (the names of TensorFlow.js's `tf.layers.dense`). */
export interface DenseArgs extends LayerArgs {
  /** Number of output units (neurons). */
  units: number;
  /** Applied to `x W + b`. Default: none (`'linear'`). */
  activation?: ActivationSpec | null;
  /** Whether to add a bias vector. Default `true`. */
  useBias?: boolean;
  /** Starting kernel. Default `'glorotUniform'` (as Keras). */
  kernelInitializer?: InitializerSpec;
  /** Starting bias. Default `'zeros'`. */
  biasInitializer?: InitializerSpec;
  /** Size of the input's last axis; shorthand for `inputShape: [inputDim]` on a first layer. */
  inputDim?: number;
  /** Penalty on the kernel added to the training loss (e.g. L2 weight decay). */
  kernelRegularizer?: RegularizerSpec | null;
  /** Penalty on the bias. */
  biasRegularizer?: RegularizerSpec | null;
  /** Penalty on the layer's output. */
  activityRegularizer?: RegularizerSpec | null;
  /** Projection applied to the kernel after each update (e.g. `maxNorm`). */
  kernelConstraint?: ConstraintSpec | null;
  /** Projection applied to the bias after each update. */
  biasConstraint?: ConstraintSpec | null;
}

/**
 * A fully connected layer: `output = activation(input · kernel + bias)`, the perceptron layer of
 * the texts. Runs as one fused kernel (matrix product, bias and activation) at inference, and as
 * a fused product-plus-bias followed by the activation while training (as a network's first layer,
 * as plain ops, so the gradient of the input data is never computed).
 *
 * Input shape: `[batch, ..., inputDim]`. Output shape: `[batch, ..., units]`.
 * Weights: `kernel [inputDim, units]`, `bias [units]`.
 *
 * @example
 * const layer = dense({ units: 10, activation: 'softmax' });
 * const probabilities = layer.apply(tf.zeros([2, 784])); // [2, 10]
 */
export class Dense extends Layer {
  static override readonly className = 'Dense';
  readonly units: number;
  readonly activation: Activation;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly kernelRegularizer: Regularizer | null;
  readonly biasRegularizer: Regularizer | null;
  readonly kernelConstraint: Constraint | null;
  readonly biasConstraint: Constraint | null;
  /** The kernel `[inputDim, units]`, once built. */
  kernel: LayerWeight | null = null;
  /** The bias `[units]`, once built (null without `useBias`). */
  bias: LayerWeight | null = null;

  constructor(args: DenseArgs) {
    super(
      args.inputShape == null && args.batchInputShape == null && args.inputDim != null
        ? { ...args, inputShape: [args.inputDim] }
        : args,
    );
    this.units = positiveInteger(args.units, 'dense units');
    this.activation = getActivation(args.activation);
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = getInitializer(args.kernelInitializer, 'glorotUniform');
    this.biasInitializer = getInitializer(args.biasInitializer, 'zeros');
    this.kernelRegularizer = getRegularizer(args.kernelRegularizer);
    this.biasRegularizer = getRegularizer(args.biasRegularizer);
    this.activityRegularizer = getRegularizer(args.activityRegularizer);
    this.kernelConstraint = getConstraint(args.kernelConstraint);
    this.biasConstraint = getConstraint(args.biasConstraint);
    this.supportsMasking = true;
    this.inputSpec = { minNdim: 2 };
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = singleShape(inputShape, `Dense layer "${this.name}"`);
    const inputDim = shape[shape.length - 1];
    if (inputDim == null) {
      throw new ShapeError(
        `Dense layer "${this.name}" needs to know the size of its input's last axis, but the input shape is ${formatShape(shape)}. Give the model an inputShape.`,
      );
    }
    this.kernel = this.addWeight('kernel', [inputDim, this.units], this.kernelInitializer, {
      regularizer: this.kernelRegularizer,
      constraint: this.kernelConstraint,
    });
    if (this.useBias) {
      this.bias = this.addWeight('bias', [this.units], this.biasInitializer, {
        regularizer: this.biasRegularizer,
        constraint: this.biasConstraint,
      });
    }
    this.inputSpec = { minNdim: 2, axes: { [-1]: inputDim } };
  }

  call(inputs: LayerInputs, _options: CallOptions): tf.Tensor {
    return tf.tidy(() => {
      const x = singleTensor(inputs, `Dense layer "${this.name}"`);
      const kernel = (this.kernel as LayerWeight).read();
      const inputDim = kernel.shape[0];
      // [batch * ..., inputDim]
      const rows = x.rank === 2 ? x : tf.reshape(x, [-1, inputDim]);
      const bias = this.bias?.read();
      const recording = isRecordingGradients();
      const fused = recording ? null : fusedForm(this.activation);
      // Training: one fused kernel with core's registered gradient (see training-fused-dense.ts).
      const trained = recording ? trainingFusedDense(rows, kernel, bias, this.activation) : null;
      let y: tf.Tensor; // [batch * ..., units]
      if (fused) {
        // Inference: product, bias and activation in one kernel.
        y = tf.fused.matMul({ a: rows as tf.Tensor2D, b: kernel as tf.Tensor2D, bias, ...fused });
      } else if (trained) {
        y = trained;
      } else if (!recording || hasGradientHistory(x)) {
        // Training a hidden layer: fused product and bias (its gradient computes the input's too).
        y = this.activation.apply(
          tf.fused.matMul({ a: rows as tf.Tensor2D, b: kernel as tf.Tensor2D, bias }),
        );
      } else {
        // Training a first layer: plain ops, so the tape skips the gradient of the input data.
        const product = tf.matMul(rows, kernel);
        y = this.activation.apply(bias ? tf.add(product, bias) : product);
      }
      return x.rank === 2 ? y : tf.reshape(y, [...x.shape.slice(0, -1), this.units]);
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = singleShape(inputShape, `Dense layer "${this.name}"`);
    return [...shape.slice(0, -1), this.units];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: serializeActivation(this.activation),
      useBias: this.useBias,
      kernelInitializer: serializeOption(this.kernelInitializer),
      biasInitializer: serializeOption(this.biasInitializer),
      kernelRegularizer: serializeOption(this.kernelRegularizer),
      biasRegularizer: serializeOption(this.biasRegularizer),
      activityRegularizer: serializeOption(this.activityRegularizer),
      kernelConstraint: serializeOption(this.kernelConstraint),
      biasConstraint: serializeOption(this.biasConstraint),
    };
  }
}

register('layer', 'Dense', (config) => new Dense(config as unknown as DenseArgs));

/**
 * A fully connected layer (see {@link Dense}).
 * @example
 * const hidden = dense({ units: 128, activation: 'relu', inputShape: [784] });
 */
export function dense(args: DenseArgs): Dense {
  return new Dense(args);
}
