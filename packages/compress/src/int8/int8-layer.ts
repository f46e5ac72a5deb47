/**
 * What `Int8Dense` and `Int8Conv2D` share: inference-only weights (an int8 kernel packed in int32, one float
 * scale per output, an optional float bias), their activation, and setting them from a float kernel.
 */
import { type Activation, Layer, type LayerArgs, type LayerWeight, type Shape, tf } from '@tensorfold/core';
import { getActivation, initializers } from '@tensorfold/layers';
import { int8Weights } from './int8-levels.js';

/** The options every int8 layer takes. */
export interface Int8LayerArgs extends LayerArgs {
  /** Applied to the result; `'relu'` and `'linear'` run inside the int8 kernel. Default `'linear'`. */
  activation?: string;
  /** Whether the layer adds a bias (float32). Default `true`. */
  useBias?: boolean;
}

/** A layer computed on int8 weights; not trainable. */
export abstract class Int8Layer extends Layer {
  readonly activation: Activation;
  readonly useBias: boolean;
  kernel: LayerWeight | null = null;
  scales: LayerWeight | null = null;
  bias: LayerWeight | null = null;

  constructor(args: Int8LayerArgs) {
    super(args);
    this.activation = getActivation(args.activation);
    this.useBias = args.useBias ?? true;
    this.trainable = false;
  }

  /**
   * Adds the weights for `outputs` outputs of `depth` multiply-adds each: `kernel` int32
   * `[ceil(outputs / 8), ceil(depth / 2), 8]` (packed int8 levels), `scales [outputs]` and, with a bias,
   * `bias [outputs]`.
   */
  protected addInt8Weights(outputs: number, depth: number): void {
    const packed = [Math.ceil(outputs / 8), Math.ceil(depth / 2), 8];
    this.kernel = this.addWeight('kernel', packed, initializers.zeros(), {
      trainable: false,
      dtype: 'int32',
    });
    this.scales = this.addWeight('scales', [outputs], initializers.ones(), { trainable: false });
    if (this.useBias)
      this.bias = this.addWeight('bias', [outputs], initializers.zeros(), { trainable: false });
  }

  /** The input shape that a float kernel of this shape takes, to build the layer from it. */
  protected abstract inputShapeOfKernel(kernelShape: readonly number[]): Shape;

  /**
   * Quantizes a float kernel (per output, symmetric; its last axis is the outputs) and sets it with `bias`,
   * building the layer first where it is not built.
   */
  setFloatWeights(kernel: tf.Tensor, bias?: tf.Tensor): void {
    if (!this.built) {
      this.build(this.inputShapeOfKernel(kernel.shape));
      this.built = true;
    }
    const { packed, scales } = int8Weights(kernel);
    this.setWeights([packed, scales, ...(this.useBias && bias ? [bias] : [])]);
    tf.dispose([packed, scales]);
  }
}
