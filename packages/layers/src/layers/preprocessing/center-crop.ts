/** CenterCrop: the central `height × width` window of images. */
import {
  type CallOptions,
  Layer,
  type LayerArgs,
  type LayerInputs,
  register,
  type Shape,
  tf,
} from '@tensorfold/core';
import { positiveInteger } from '../../utils/args.js';
import { singleTensor } from '../../utils/layer-utils.js';
import { smartResize } from '../../utils/resize.js';

/** Options of {@link CenterCrop}. */
export interface CenterCropArgs extends LayerArgs {
  /** Output height, in pixels. */
  height: number;
  /** Output width, in pixels. */
  width: number;
}

/**
 * Cuts the central `height × width` window out of each image, starting at row
 * `floor((H − height) / 2)` and column `floor((W − width) / 2)`, as Keras does. An image smaller
 * than the window on some side is instead cropped to the window's aspect ratio and resized up
 * (bilinear, Keras's `smart_resize`). tfjs-layers 4.22 shifts the window one column right when the
 * widths differ by 1 and resizes small images with another sampling; elsewhere both agree.
 *
 * Input shape: `[batch, height, width, channels]`. Output shape: `[batch, this.height, this.width, channels]`.
 *
 * @example
 * centerCrop({ height: 24, width: 24, inputShape: [28, 28, 1] })
 */
export class CenterCrop extends Layer {
  static override readonly className = 'CenterCrop';
  readonly height: number;
  readonly width: number;

  constructor(args: CenterCropArgs) {
    super(args);
    this.height = positiveInteger(args?.height, `CenterCrop layer "${this.name}": height`);
    this.width = positiveInteger(args.width, `CenterCrop layer "${this.name}": width`);
    this.inputSpec = { ndim: 4 };
  }

  call(inputs: LayerInputs, _options: CallOptions): tf.Tensor {
    const x = singleTensor(inputs, `CenterCrop layer "${this.name}"`) as tf.Tensor4D;
    return tf.tidy(() => {
      const [, h, w] = x.shape; // [batch, height, width, channels]
      const xf = (x.dtype === 'float32' ? x : tf.cast(x, 'float32')) as tf.Tensor4D;
      if (h < this.height || w < this.width) return smartResize(xf, [this.height, this.width], 'bilinear');
      const top = Math.floor((h - this.height) / 2);
      const left = Math.floor((w - this.width) / 2);
      return tf.slice(xf, [0, top, left, 0], [-1, this.height, this.width, -1]);
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = inputShape as Shape;
    return [shape[0], this.height, this.width, shape[3]];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), height: this.height, width: this.width };
  }
}

register('layer', 'CenterCrop', (c) => new CenterCrop(c as unknown as CenterCropArgs));

/** A center-crop layer (see {@link CenterCrop}). */
export function centerCrop(args: CenterCropArgs): CenterCrop {
  return new CenterCrop(args);
}
