/** Gaussian dropout (multiplicative noise) and alpha dropout (dropout that keeps SELU's self-normalization). */
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

/** Options of {@link GaussianDropout}. */
export interface GaussianDropoutArgs extends LayerArgs {
  /** Drop probability it imitates, in [0, 1): the noise has standard deviation `sqrt(rate / (1 − rate))`. */
  rate: number;
  /** Seed of the noise stream; default: the next seed of the global generator (`setSeed`). */
  seed?: number | null;
}

/**
 * Multiplies its input by noise drawn from N(1, rate / (1 − rate)) while training (Srivastava et
 * al.: the same mean and variance as dropout with that rate, without zeroing); passes its input
 * through at inference. The noise comes from the layer's seeded stream.
 *
 * Input shape: any. Output shape: the same.
 *
 * @example
 * gaussianDropout({ rate: 0.2, seed: 1 })
 */
export class GaussianDropout extends Layer {
  static override readonly className = 'GaussianDropout';
  readonly rate: number;
  /** The seed the user gave (null: drawn from the global generator). */
  readonly seed: number | null;
  private readonly stream: SeededStream;

  constructor(args: GaussianDropoutArgs) {
    super(args);
    this.rate = numberInRange(args?.rate, 0, 1, `GaussianDropout layer "${this.name}": rate`);
    this.seed = args.seed ?? null;
    this.stream = new SeededStream(args.seed);
    this.trackRandom(this.stream.random);
    this.supportsMasking = true;
  }

  call(inputs: LayerInputs, options: CallOptions): tf.Tensor {
    const x = singleTensor(inputs, `GaussianDropout layer "${this.name}"`);
    if (!options.training || this.rate === 0) return tf.clone(x);
    const stddev = Math.sqrt(this.rate / (1 - this.rate));
    const size = x.size;
    const noise = new Float32Array(size);
    for (let i = 0; i < size; i++) noise[i] = this.stream.random.normal(1, stddev);
    return tf.tidy(() => tf.mul(x, tf.tensor(noise, x.shape, 'float32')));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}

/** Options of {@link AlphaDropout}. */
export interface AlphaDropoutArgs extends LayerArgs {
  /** Fraction of the inputs to drop, in [0, 1). */
  rate: number;
  /** Shape of the keep mask, broadcast over the input; `null` entries take the input's size. Default: the input's shape. */
  noiseShape?: Array<number | null> | null;
  /** Seed of the mask stream; default: the next seed of the global generator (`setSeed`). */
  seed?: number | null;
}

/** SELU's constants (Klambauer et al.): the negative saturation value is `−scale · alpha`. */
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/**
 * Dropout for self-normalizing networks (SELU activations, `leCunNormal` kernels; Klambauer et al.):
 * while training, a fraction `rate` of the inputs is set to SELU's negative saturation value
 * `α' = −scale · alpha` instead of 0, and the result is mapped by `a · x + b` with
 * `a = ((1 − rate)(1 + rate · α'²))^(−1/2)` and `b = −a · α' · rate`, so inputs of mean 0 and
 * variance 1 keep them. Passes its input through at inference. Follows Keras (tfjs-layers 4.22
 * writes the dropped value with the opposite sign, so its outputs differ from Keras's).
 *
 * Input shape: any. Output shape: the same.
 *
 * @example
 * alphaDropout({ rate: 0.1, seed: 1 })
 */
export class AlphaDropout extends Layer {
  static override readonly className = 'AlphaDropout';
  readonly rate: number;
  readonly noiseShape: Array<number | null> | null;
  /** The seed the user gave (null: drawn from the global generator). */
  readonly seed: number | null;
  private readonly stream: SeededStream;

  constructor(args: AlphaDropoutArgs) {
    super(args);
    this.rate = numberInRange(args?.rate, 0, 1, `AlphaDropout layer "${this.name}": rate`);
    this.noiseShape = args.noiseShape ?? null;
    this.seed = args.seed ?? null;
    this.stream = new SeededStream(args.seed);
    this.trackRandom(this.stream.random);
    this.supportsMasking = true;
  }

  private maskShape(shape: number[]): number[] {
    if (this.noiseShape == null) return shape;
    if (this.noiseShape.length !== shape.length) {
      throw new ShapeError(
        `AlphaDropout layer "${this.name}" has noiseShape [${this.noiseShape}] but its input has rank ${shape.length}; give one entry per axis.`,
      );
    }
    return this.noiseShape.map((d, i) => d ?? shape[i]);
  }

  call(inputs: LayerInputs, options: CallOptions): tf.Tensor {
    const x = singleTensor(inputs, `AlphaDropout layer "${this.name}"`);
    if (!options.training || this.rate === 0) return tf.clone(x);
    const shape = this.maskShape(x.shape);
    const size = shape.reduce((p, d) => p * d, 1);
    const kept = new Float32Array(size);
    for (let i = 0; i < size; i++) kept[i] = this.stream.random.uniform() >= this.rate ? 1 : 0;
    const alphaP = -SELU_SCALE * SELU_ALPHA;
    const a = ((1 - this.rate) * (1 + this.rate * alphaP ** 2)) ** -0.5;
    const b = -a * alphaP * this.rate;
    return tf.tidy(() => {
      const keep = tf.tensor(kept, shape, 'float32'); // broadcast over the input
      const dropped = tf.mul(tf.sub(1, keep), alphaP); // α' where dropped, else 0
      return tf.add(tf.mul(tf.add(tf.mul(x, keep), dropped), a), b);
    });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rate: this.rate, noiseShape: this.noiseShape, seed: this.seed };
  }
}

register('layer', 'GaussianDropout', (c) => new GaussianDropout(c as unknown as GaussianDropoutArgs));
register('layer', 'AlphaDropout', (c) => new AlphaDropout(c as unknown as AlphaDropoutArgs));

/** A Gaussian dropout layer (see {@link GaussianDropout}). */
export function gaussianDropout(args: GaussianDropoutArgs): GaussianDropout {
  return new GaussianDropout(args);
}

/** An alpha dropout layer (see {@link AlphaDropout}). */
export function alphaDropout(args: AlphaDropoutArgs): AlphaDropout {
  return new AlphaDropout(args);
}
