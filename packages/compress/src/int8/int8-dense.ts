/**
 * `Int8Dense`: a Dense layer for inference on int8 weights (one scale per unit) and int8 activations
 * quantized on the fly (one scale per row), summed in int32 (see int8-ops.ts).
 */
import {
  type Activation,
  ConfigError,
  type LayerInputs,
  type LayerWeight,
  register,
  type Shape,
  ShapeError,
  tf,
} from '@tensorfold/core';
import { serializeActivation } from '@tensorfold/layers';
import { Int8Layer, type Int8LayerArgs } from './int8-layer.js';
import { type FusedInt8Activation, int8MatMul } from './int8-ops.js';

/** Options of {@link Int8Dense}. */
export interface Int8DenseArgs extends Int8LayerArgs {
  /** Number of output units. */
  units: number;
}

/** The activation the int8 kernels apply themselves, or null for one applied after them. */
export function fusedInt8(activation: Activation): FusedInt8Activation | null {
  const name = serializeActivation(activation);
  return name === 'relu' || name === 'linear' ? name : null;
}

/** The size of the last axis of a dense layer's input shape; `layer` (its class and name) is said in the error. */
export function lastAxis(inputShape: Shape | Shape[], layer: string): number {
  const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
  const inputDim = shape[shape.length - 1];
  if (inputDim == null)
    throw new ShapeError(`${layer} needs the size of its input's last axis; give the model an inputShape.`);
  return inputDim;
}

/**
 * A fully connected layer computed in integers: `activation(q(x) . W_q * scales + bias)`. For
 * inference only (its weights are not trainable). Build it from a trained Dense with
 * `quantizeForInference`, or set its weights with {@link Int8Dense.setFloatWeights}.
 *
 * Input shape: `[batch, ..., inputDim]`. Output shape: `[batch, ..., units]`.
 * Weights: `kernel` int32 `[ceil(units / 8), ceil(inputDim / 2), 8]` (packed int8 levels),
 * `scales [units]`, `bias [units]`.
 */
export class Int8Dense extends Int8Layer {
  static override readonly className = 'Int8Dense';
  readonly units: number;

  constructor(args: Int8DenseArgs) {
    super(args);
    if (!Number.isInteger(args.units) || args.units < 1)
      throw new ConfigError(`Int8Dense needs units, a positive integer; got ${JSON.stringify(args.units)}.`);
    this.units = args.units;
  }

  override build(inputShape: Shape | Shape[]): void {
    const inputDim = lastAxis(inputShape, `Int8Dense "${this.name}"`);
    this.addInt8Weights(this.units, inputDim);
    this.inputSpec = { minNdim: 2, axes: { [-1]: inputDim } };
  }

  /** A float kernel is `[inputDim, units]`. */
  protected inputShapeOfKernel(kernelShape: readonly number[]): Shape {
    return [null, kernelShape[0]];
  }

  call(inputs: LayerInputs): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor;
      const inputDim = x.shape[x.rank - 1];
      const rows = (x.rank === 2 ? x : tf.reshape(x, [-1, inputDim])) as tf.Tensor2D; // [batch * ..., in]
      const bias = (this.bias?.read() ?? tf.zeros([this.units])) as tf.Tensor1D;
      const fused = fusedInt8(this.activation);
      const product = int8MatMul(
        rows,
        (this.kernel as LayerWeight).read(),
        (this.scales as LayerWeight).read() as tf.Tensor1D,
        bias,
        fused ?? 'linear',
      ); // [batch * ..., units]
      const y = fused ? product : this.activation.apply(product);
      return x.rank === 2 ? y : tf.reshape(y, [...x.shape.slice(0, -1), this.units]);
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return [...shape.slice(0, -1), this.units];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: serializeActivation(this.activation),
      useBias: this.useBias,
    };
  }
}

register('layer', 'Int8Dense', (config) => new Int8Dense(config as unknown as Int8DenseArgs));
