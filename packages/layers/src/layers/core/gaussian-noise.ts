import { type CallOptions, Layer, type LayerArgs, type LayerInputs, register, tf } from '@tensorfold/core';
import { SeededStream } from '../../initializers/sampling.js';
import { numberInRange } from '../../utils/args.js';
import { singleTensor } from '../../utils/layer-utils.js';
import { normalNoise } from '../../utils/noise.js';

/** Options of {@link GaussianNoise}. */
export interface GaussianNoiseArgs extends LayerArgs {
  /** Standard deviation of the noise. */
  stddev: number;
  /** Seed of the noise stream; default: the next seed of the global generator (`setSeed`). Not saved. */
  seed?: number | null;
}

/**
 * Adds zero-mean Gaussian noise with standard deviation `stddev` while training (a regularizer,
 * and the corruption of a denoising autoencoder); passes its input through at inference.
 *
 * Input shape: any. Output shape: the same.
 *
 * @example
 * gaussianNoise({ stddev: 0.1 })
 */
export class GaussianNoise extends Layer {
  static override readonly className = 'GaussianNoise';
  readonly stddev: number;
  private readonly stream: SeededStream;

  constructor(args: GaussianNoiseArgs) {
    super(args);
    this.stddev = numberInRange(
      args.stddev,
      0,
      Number.POSITIVE_INFINITY,
      `GaussianNoise layer "${this.name}": stddev`,
    );
    this.stream = new SeededStream(args.seed);
    this.trackRandom(this.stream.random);
    this.supportsMasking = true;
  }

  call(inputs: LayerInputs, options: CallOptions): tf.Tensor {
    const x = singleTensor(inputs, `GaussianNoise layer "${this.name}"`);
    if (!options.training || this.stddev === 0) return tf.clone(x);
    return tf.tidy(() => tf.add(x, normalNoise(x.shape, this.stddev, this.stream.random)));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), stddev: this.stddev };
  }
}

register('layer', 'GaussianNoise', (c) => new GaussianNoise(c as unknown as GaussianNoiseArgs));

/** A Gaussian noise layer (see {@link GaussianNoise}). */
export function gaussianNoise(args: GaussianNoiseArgs): GaussianNoise {
  return new GaussianNoise(args);
}
