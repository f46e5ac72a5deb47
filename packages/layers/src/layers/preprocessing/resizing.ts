/** Resizing: images to a fixed height and width inside the model. */
import {
  type CallOptions,
  Layer,
  type LayerArgs,
  type LayerInputs,
  register,
  type Shape,
  tf,
} from '@tensorfold/core';
import { oneOf, positiveInteger } from '../../utils/args.js';
import { singleTensor } from '../../utils/layer-utils.js';
import { type Interpolation, resizeImages, smartResize } from '../../utils/resize.js';

/** Options of {@link Resizing}. */
export interface ResizingArgs extends LayerArgs {
  /** Output height, in pixels. */
  height: number;
  /** Output width, in pixels. */
  width: number;
  /** `'bilinear'` (default: interpolates the 4 nearest pixels) or `'nearest'`. */
  interpolation?: Interpolation;
  /**
   * Cut the largest centered window with the output's aspect ratio first, so the picture is not
   * distorted (Keras's `smart_resize`). Default `false`: the whole image is stretched.
   */
  cropToAspectRatio?: boolean;
}

/**
 * Resizes images to `height × width` as Keras does (`tf.image.resize`: half-pixel centers), with an
 * exact gradient. tfjs-layers 4.22 resizes with aligned corners instead (its output differs from
 * Keras's), so a model saved here loads there with slightly different pixels.
 *
 * Input shape: `[batch, height, width, channels]`. Output shape: `[batch, this.height, this.width, channels]`.
 *
 * @example
 * resizing({ height: 32, width: 32, inputShape: [64, 48, 3] })
 */
export class Resizing extends Layer {
  static override readonly className = 'Resizing';
  readonly height: number;
  readonly width: number;
  readonly interpolation: Interpolation;
  readonly cropToAspectRatio: boolean;

  constructor(args: ResizingArgs) {
    super(args);
    const who = `Resizing layer "${this.name}"`;
    this.height = positiveInteger(args?.height, `${who}: height`);
    this.width = positiveInteger(args.width, `${who}: width`);
    this.interpolation = oneOf(
      args.interpolation ?? 'bilinear',
      ['bilinear', 'nearest'],
      `${who}: interpolation`,
    );
    this.cropToAspectRatio = args.cropToAspectRatio ?? false;
    this.inputSpec = { ndim: 4 };
  }

  call(inputs: LayerInputs, _options: CallOptions): tf.Tensor {
    const x = singleTensor(inputs, `Resizing layer "${this.name}"`) as tf.Tensor4D;
    return tf.tidy(() => {
      const xf = (x.dtype === 'float32' ? x : tf.cast(x, 'float32')) as tf.Tensor4D;
      const size: [number, number] = [this.height, this.width];
      return this.cropToAspectRatio
        ? smartResize(xf, size, this.interpolation)
        : resizeImages(xf, size, this.interpolation);
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = inputShape as Shape;
    return [shape[0], this.height, this.width, shape[3]];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      height: this.height,
      width: this.width,
      interpolation: this.interpolation,
      cropToAspectRatio: this.cropToAspectRatio,
    };
  }
}

register('layer', 'Resizing', (c) => new Resizing(c as unknown as ResizingArgs));

/** A resizing layer (see {@link Resizing}). */
export function resizing(args: ResizingArgs): Resizing {
  return new Resizing(args);
}
