import {
  type CallOptions,
  Layer,
  type LayerArgs,
  type LayerInputs,
  register,
  type Shape,
  singleShape,
  tf,
} from '@tensorfold/core';
import { normalizeTuple, oneOf } from '../../utils/args.js';
import { checkDataFormat, type DataFormat } from '../../utils/conv-utils.js';
import { upsampleBilinear, upsampleNearest } from '../../utils/interpolate.js';
import { singleTensor } from '../../utils/layer-utils.js';

/** Options of {@link UpSampling2D}. */
export interface UpSampling2DArgs extends LayerArgs {
  /** Factors for rows and columns. Default `[2, 2]`. */
  size?: number | [number, number];
  /** `'channelsLast'` (default) or `'channelsFirst'`. */
  dataFormat?: DataFormat;
  /**
   * `'nearest'` (default: each pixel repeated) or `'bilinear'` (interpolated, with TensorFlow.js's
   * convention of no half-pixel offset, so saved models agree with tfjs-layers; computed as two
   * small matrix products, whose gradient is exact where tfjs's `resizeBilinear`'s is not).
   */
  interpolation?: 'nearest' | 'bilinear';
}

/**
 * Enlarges images by integer factors: the upsampling of a DCGAN generator or a convolutional
 * decoder (seed 003).
 *
 * Input shape: `[batch, height, width, channels]`. Output shape:
 * `[batch, height × size[0], width × size[1], channels]`.
 *
 * @example
 * upSampling2d({ size: 2, interpolation: 'bilinear' })
 */
export class UpSampling2D extends Layer {
  static override readonly className = 'UpSampling2D';
  readonly size: [number, number];
  readonly dataFormat: DataFormat;
  readonly interpolation: 'nearest' | 'bilinear';

  constructor(args: UpSampling2DArgs = {}) {
    super(args);
    this.size = normalizeTuple(args.size ?? 2, 2, `UpSampling2D layer "${this.name}": size`) as [
      number,
      number,
    ];
    this.dataFormat = checkDataFormat(args.dataFormat);
    this.interpolation = oneOf(args.interpolation ?? 'nearest', ['nearest', 'bilinear'], 'interpolation');
    this.inputSpec = { ndim: 4 };
  }

  call(inputs: LayerInputs, _options: CallOptions): tf.Tensor {
    const input = singleTensor(inputs, `UpSampling2D layer "${this.name}"`);
    return tf.tidy(() => {
      const first = this.dataFormat === 'channelsFirst';
      // [batch, height, width, channels]
      const x = (first ? tf.transpose(input, [0, 2, 3, 1]) : input) as tf.Tensor4D;
      const y =
        this.interpolation === 'nearest' ? upsampleNearest(x, this.size) : upsampleBilinear(x, this.size);
      return first ? tf.transpose(y, [0, 3, 1, 2]) : y;
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = [...singleShape(inputShape, `UpSampling2D layer "${this.name}"`)];
    const [h, w] = this.dataFormat === 'channelsFirst' ? [2, 3] : [1, 2];
    s[h] = s[h] == null ? null : (s[h] as number) * this.size[0];
    s[w] = s[w] == null ? null : (s[w] as number) * this.size[1];
    return s;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      size: this.size,
      dataFormat: this.dataFormat,
      interpolation: this.interpolation,
    };
  }
}

register('layer', 'UpSampling2D', (c) => new UpSampling2D(c as UpSampling2DArgs));

/** An upsampling layer (see {@link UpSampling2D}). */
export function upSampling2d(args: UpSampling2DArgs = {}): UpSampling2D {
  return new UpSampling2D(args);
}
