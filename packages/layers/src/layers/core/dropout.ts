/** Dropout (Srivastava et al.) and spatial dropout: random zeroing of inputs while training. */
import {
  type CallOptions,
  Layer,
  type LayerArgs,
  type LayerInputs,
  register,
  ShapeError,
  tf,
} from '@tensorfold/core';
import { SeededStream } from '../../initializers/sampling.js';
import { numberInRange } from '../../utils/args.js';
import { singleTensor } from '../../utils/layer-utils.js';
import { dropoutMask } from '../../utils/noise.js';

/** Options of {@link Dropout}. */
export interface DropoutArgs extends LayerArgs {
  /** Fraction of the inputs to drop, in [0, 1). */
  rate: number;
  /**
   * Shape of the mask, broadcast over the input; `null` entries take the input's size. E.g.
   * `[null, 1, null]` drops whole channels of a sequence for all steps. Default: the input's shape.
   */
  noiseShape?: Array<number | null> | null;
  /** Seed of the mask stream; default: the next seed of the global generator (`setSeed`). */
  seed?: number | null;
}

/**
 * Randomly sets a fraction `rate` of its inputs to 0 while training and scales the rest by
 * `1 / (1 - rate)` ("inverted dropout"), so nothing changes at inference, where it passes its
 * input through. Each training call draws a new mask from the layer's seeded stream.
 *
 * Input shape: any. Output shape: the same.
 *
 * @example
 * dropout({ rate: 0.5, seed: 42 })
 */
export class Dropout extends Layer {
  static override readonly className: string = 'Dropout';
  readonly rate: number;
  readonly noiseShape: Array<number | null> | null;
  /** The seed the user gave (null: drawn from the global generator). */
  readonly seed: number | null;
  protected readonly stream: SeededStream;

  constructor(args: DropoutArgs) {
    super(args);
    this.rate = numberInRange(args.rate, 0, 1, `${this.className} layer "${this.name}": rate`);
    this.noiseShape = args.noiseShape ?? null;
    this.seed = args.seed ?? null;
    this.stream = new SeededStream(args.seed);
    this.trackRandom(this.stream.random);
    this.supportsMasking = true;
  }

  /** The mask's shape for an input of `shape`. */
  protected maskShape(shape: number[]): number[] {
    if (this.noiseShape == null) return shape;
    if (this.noiseShape.length !== shape.length) {
      throw new ShapeError(
        `${this.className} layer "${this.name}" has noiseShape [${this.noiseShape}] but its input has rank ${shape.length}; give one entry per axis.`,
      );
    }
    return this.noiseShape.map((d, i) => d ?? shape[i]);
  }

  call(inputs: LayerInputs, options: CallOptions): tf.Tensor {
    const x = singleTensor(inputs, `${this.className} layer "${this.name}"`);
    if (!options.training || this.rate === 0) return tf.clone(x);
    return tf.tidy(() => tf.mul(x, dropoutMask(this.maskShape(x.shape), this.rate, this.stream.random)));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rate: this.rate, noiseShape: this.noiseShape, seed: this.seed };
  }
}

/**
 * Dropout of whole feature channels of a sequence: one mask entry per sample and channel, shared
 * by all time steps (adjacent steps are strongly correlated, so per-element dropout would not
 * regularize).
 *
 * Input shape: `[batch, steps, channels]`. Output shape: the same.
 *
 * @example
 * spatialDropout1d({ rate: 0.2 })
 */
export class SpatialDropout1D extends Dropout {
  static override readonly className = 'SpatialDropout1D';

  constructor(args: DropoutArgs) {
    super(args);
    this.inputSpec = { ndim: 3 };
  }

  protected override maskShape(shape: number[]): number[] {
    return [shape[0], 1, shape[2]];
  }
}

register('layer', 'Dropout', (c) => new Dropout(c as unknown as DropoutArgs));
register('layer', 'SpatialDropout1D', (c) => new SpatialDropout1D(c as unknown as DropoutArgs));

/** A dropout layer (see {@link Dropout}). */
export function dropout(args: DropoutArgs): Dropout {
  return new Dropout(args);
}

/** A spatial 1D dropout layer (see {@link SpatialDropout1D}). */
export function spatialDropout1d(args: DropoutArgs): SpatialDropout1D {
  return new SpatialDropout1D(args);
}
