/**
 * `Int8Conv2D`: a 2D convolution (channels last, no dilation) for inference on int8 weights (one
 * scale per filter) and int8 activations quantized on the fly (one scale per image), summed in int32.
 */
import {
  ConfigError,
  type LayerInputs,
  type LayerWeight,
  register,
  type Shape,
  ShapeError,
  tf,
} from '@tensorfold/core';
import { serializeActivation } from '@tensorfold/layers';
import { fusedInt8 } from './int8-dense.js';
import { Int8Layer, type Int8LayerArgs } from './int8-layer.js';
import { type FusedInt8Activation, int8Conv2D } from './int8-ops.js';

/** Options of {@link Int8Conv2D}. */
export interface Int8Conv2DArgs extends Int8LayerArgs {
  /** Number of filters (output channels). */
  filters: number;
  /** `[height, width]` of the window, or one number for both. */
  kernelSize: number | number[];
  /** `[height, width]` steps of the window, or one number for both. Default 1. */
  strides?: number | number[];
  /** `'valid'` (default) or `'same'` (TensorFlow's: the extra padding row or column after). */
  padding?: 'valid' | 'same';
  /**
   * A 2 x 2 max pool (stride 2, `'valid'`) after the activation, as a MaxPooling2D layer with
   * `poolSize: 2` would compute it; fused into the kernel on WASM (`quantizeForInference` folds such a
   * layer in). Default `false`.
   */
  maxPool?: boolean;
}

const pair = (v: number | number[], what: string): [number, number] => {
  const [a, b] = Array.isArray(v) ? (v.length === 1 ? [v[0], v[0]] : v) : [v, v];
  if (![a, b].every((d) => Number.isInteger(d) && d >= 1))
    throw new ConfigError(
      `Int8Conv2D ${what} must be one or two positive integers; got ${JSON.stringify(v)}.`,
    );
  return [a, b];
};

/**
 * A 2D convolution computed in integers: `activation(conv(q(x), W_q) * scales + bias)`. Inference
 * only. Build it from a trained Conv2D with `quantizeForInference`, or with {@link Int8Conv2D.setFloatWeights}.
 *
 * Input shape: `[batch, height, width, inChannels]`. Output shape: `[batch, outHeight, outWidth, filters]`
 * (each of outHeight and outWidth halved, floored, with `maxPool`).
 * Weights: `kernel` int32 `[ceil(filters / 8), ceil(kh * kw * inChannels / 2), 8]` (packed int8 levels),
 * `scales [filters]`, `bias [filters]`.
 */
export class Int8Conv2D extends Int8Layer {
  static override readonly className = 'Int8Conv2D';
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: 'valid' | 'same';
  readonly maxPool: boolean;

  constructor(args: Int8Conv2DArgs) {
    super(args);
    if (!Number.isInteger(args.filters) || args.filters < 1)
      throw new ConfigError(
        `Int8Conv2D needs filters, a positive integer; got ${JSON.stringify(args.filters)}.`,
      );
    this.filters = args.filters;
    this.kernelSize = pair(args.kernelSize, 'kernelSize');
    this.strides = pair(args.strides ?? 1, 'strides');
    const padding = args.padding ?? 'valid';
    if (padding !== 'valid' && padding !== 'same')
      throw new ConfigError(`Int8Conv2D padding must be 'valid' or 'same'; got ${JSON.stringify(padding)}.`);
    this.padding = padding;
    this.maxPool = args.maxPool ?? false;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const channels = shape[3];
    if (shape.length !== 4 || channels == null)
      throw new ShapeError(
        `Int8Conv2D "${this.name}" takes [batch, height, width, channels] with known channels; got [${shape}].`,
      );
    this.addInt8Weights(this.filters, this.kernelSize[0] * this.kernelSize[1] * channels);
    this.inputSpec = { ndim: 4, axes: { [-1]: channels } };
  }

  /** A float kernel is `[kh, kw, inChannels, filters]`. */
  protected inputShapeOfKernel(kernelShape: readonly number[]): Shape {
    return [null, null, null, kernelShape[2]];
  }

  call(inputs: LayerInputs): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D; // [batch, h, w, c]
      const bias = (this.bias?.read() ?? tf.zeros([this.filters])) as tf.Tensor1D;
      const fused = fusedInt8(this.activation);
      const convolve = (epilogue: { activation?: FusedInt8Activation; maxPool?: boolean }) =>
        int8Conv2D(
          x,
          (this.kernel as LayerWeight).read(),
          (this.scales as LayerWeight).read() as tf.Tensor1D,
          bias,
          { kernelSize: this.kernelSize, strides: this.strides, padding: this.padding, ...epilogue },
        ); // [batch, outH, outW, filters] (halved with maxPool)
      // an activation the kernel cannot fuse runs between the convolution and the pool
      if (this.maxPool && !fused)
        return tf.maxPool(this.activation.apply(convolve({})) as tf.Tensor4D, 2, 2, 'valid');
      const y = convolve({ activation: fused ?? 'linear', maxPool: this.maxPool });
      return fused ? y : this.activation.apply(y);
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const size = (d: number | null, i: 0 | 1) => {
      if (d == null) return null;
      const s = this.strides[i];
      return this.padding === 'same'
        ? Math.ceil(d / s)
        : Math.max(0, Math.floor((d - this.kernelSize[i]) / s) + 1);
    };
    const pooled = (d: number | null) => (d == null || !this.maxPool ? d : Math.floor(d / 2));
    return [shape[0], pooled(size(shape[1], 0)), pooled(size(shape[2], 1)), this.filters];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      ...(this.maxPool ? { maxPool: true } : {}),
      activation: serializeActivation(this.activation),
      useBias: this.useBias,
    };
  }
}

register('layer', 'Int8Conv2D', (config) => new Int8Conv2D(config as unknown as Int8Conv2DArgs));
