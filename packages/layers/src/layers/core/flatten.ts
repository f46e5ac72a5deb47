import {
  type CallOptions,
  formatShape,
  Layer,
  type LayerArgs,
  type LayerInputs,
  register,
  type Shape,
  ShapeError,
  singleShape,
  tf,
} from '@tensorfold/core';
import { checkDataFormat, type DataFormat } from '../../utils/conv-utils.js';
import { singleTensor } from '../../utils/layer-utils.js';

/** Options of {@link Flatten}. */
export interface FlattenArgs extends LayerArgs {
  /**
   * Layout of image inputs. With `'channelsFirst'` the channels axis is moved last before
   * flattening, so the order of features matches a channels-last model. Default: unset (as is).
   */
  dataFormat?: DataFormat;
}

/**
 * Flattens each sample to a vector, e.g. the feature maps of a convnet before its dense head.
 *
 * Input shape: `[batch, ...dims]`. Output shape: `[batch, product(dims)]`.
 *
 * @example
 * flatten().apply(tf.zeros([2, 4, 4, 16])); // [2, 256]
 */
export class Flatten extends Layer {
  static override readonly className = 'Flatten';
  readonly dataFormat: DataFormat | null;

  constructor(args: FlattenArgs = {}) {
    super(args);
    this.dataFormat = args.dataFormat == null ? null : checkDataFormat(args.dataFormat);
    this.inputSpec = { minNdim: 2 };
  }

  call(inputs: LayerInputs, _options: CallOptions): tf.Tensor {
    const x = singleTensor(inputs, `Flatten layer "${this.name}"`);
    return tf.tidy(() => {
      let y = x;
      if (this.dataFormat === 'channelsFirst' && x.rank > 2) {
        // [batch, channels, ...] -> [batch, ..., channels]
        const order = [0, ...Array.from({ length: x.rank - 2 }, (_, i) => i + 2), 1];
        y = tf.transpose(x, order);
      }
      return tf.reshape(y, [x.shape[0], -1]);
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = singleShape(inputShape, `Flatten layer "${this.name}"`);
    const rest = shape.slice(1);
    if (rest.some((d) => d == null)) {
      throw new ShapeError(
        `Flatten layer "${this.name}" needs a fully known input shape but got ${formatShape(shape)}. Give the model a complete inputShape.`,
      );
    }
    return [shape[0], (rest as number[]).reduce((a, b) => a * b, 1)];
  }

  override getConfig(): Record<string, unknown> {
    const config = super.getConfig();
    return this.dataFormat == null ? config : { dataFormat: this.dataFormat, ...config };
  }
}

register('layer', 'Flatten', (config) => new Flatten(config as FlattenArgs));

/**
 * A flatten layer (see {@link Flatten}).
 * @example
 * flatten()
 */
export function flatten(args: FlattenArgs = {}): Flatten {
  return new Flatten(args);
}
