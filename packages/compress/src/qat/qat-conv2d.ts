/**
 * Quantization-aware training of Conv2D layers: `QatConv2D` convolves fake-quantized inputs (one
 * scale per image, as Int8Conv2D quantizes them) with a fake-quantized kernel (one scale per filter,
 * as `quantizeModel(..., {dtype: 'int8'})` and Int8Conv2D store it), with straight-through gradients.
 * The weights stay float32; `quantizationAware` swaps Conv2D layers for it, `stripQuantizationAware`
 * swaps them back.
 */
import { type CallOptions, type LayerInputs, type LayerWeight, register, tf } from '@tensorfold/core';
import { Conv2D, type ConvArgs } from '@tensorfold/layers';
import { fakeQuantizeSymmetric } from './fake-quant.js';

/** Options of {@link QatConv2D}: Conv2D's, plus the bit widths. */
export interface QatConv2DArgs extends ConvArgs {
  /** Bits of the fake-quantized kernel (one scale per filter). Default 8. */
  weightBits?: number;
  /** Bits of the fake-quantized inputs (one scale per image); 0 leaves them float. Default 8. */
  activationBits?: number;
}

/** A Conv2D layer that trains against 8-bit (by default) per-filter weights and per-image inputs. */
export class QatConv2D extends Conv2D {
  // Conv2D types its className as the literal 'Conv2D'; the registered name of this class is 'QatConv2D'
  static override readonly className = 'QatConv2D' as 'Conv2D';
  readonly weightBits: number;
  readonly activationBits: number;

  constructor(args: QatConv2DArgs) {
    super(args);
    this.weightBits = args.weightBits ?? 8;
    this.activationBits = args.activationBits ?? 8;
  }

  override call(inputs: LayerInputs, _options: CallOptions): tf.Tensor {
    const input = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor;
    return tf.tidy(() => {
      const x = this.toChannelsLast(input) as tf.Tensor4D; // [batch, height, width, channels]
      const q = (
        this.activationBits > 0 ? fakeQuantizeSymmetric(x, [1, 2, 3], this.activationBits) : x
      ) as tf.Tensor4D;
      const kernel = fakeQuantizeSymmetric(
        (this.kernel as LayerWeight).read(),
        [0, 1, 2],
        this.weightBits,
      ) as tf.Tensor4D; // [kh, kw, in, filters]
      const y = this.convolve2d(
        q,
        kernel,
        this.strides as [number, number],
        this.dilationRate as [number, number],
        input,
      ); // [batch, newHeight, newWidth, filters]
      return this.fromChannelsLast(y);
    });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), weightBits: this.weightBits, activationBits: this.activationBits };
  }
}

register('layer', 'QatConv2D', (config) => new QatConv2D(config as unknown as QatConv2DArgs));
