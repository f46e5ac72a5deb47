import {
  type CallOptions,
  Layer,
  type LayerArgs,
  type LayerInputs,
  Random,
  register,
  type Shape,
  ShapeError,
  seedOrNext,
  tf,
} from '@tensorfold/core';

/** Options of {@link Sampling}. */
export interface SamplingArgs extends LayerArgs {
  /** Seed of the noise stream. Default: the next seed of the global generator. */
  seed?: number | null;
}

/**
 * The VAE's reparameterization trick (Kingma and Welling 2014): from a mean and a log-variance it returns
 * `z = mean + exp(logVar / 2) * eps` with `eps ~ N(0, I)`, so gradients reach the encoder through `mean` and
 * `logVar` while the randomness stays in `eps`. It samples in training and in inference, as Keras's VAE
 * example does; each call draws new noise from the layer's seeded stream.
 *
 * Input: `[mean, logVar]`, each `[batch, latentDim]`. Output: `[batch, latentDim]`.
 */
export class Sampling extends Layer {
  static override readonly className = 'Sampling';
  readonly seed: number | null;
  private readonly random: Random;

  constructor(args: SamplingArgs = {}) {
    super(args);
    this.seed = args.seed ?? null;
    this.random = this.trackRandom(new Random(seedOrNext(args.seed)));
  }

  call(inputs: LayerInputs, _options: CallOptions): tf.Tensor {
    const [mean, logVar] = pair(inputs, this.name);
    const noiseSeed = this.random.nextSeed();
    return tf.tidy(() => {
      const eps = tf.randomNormal(mean.shape, 0, 1, 'float32', noiseSeed); // [batch, latentDim]
      return tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps));
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return (inputShape as Shape[])[0];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), seed: this.seed };
  }
}

register('layer', 'Sampling', (config) => new Sampling(config as SamplingArgs));

function pair(inputs: LayerInputs, name: string): [tf.Tensor, tf.Tensor] {
  if (!Array.isArray(inputs) || inputs.length !== 2)
    throw new ShapeError(
      `Sampling layer "${name}" takes [mean, logVar]; got ${Array.isArray(inputs) ? inputs.length : 1} input(s).`,
    );
  const [mean, logVar] = inputs as tf.Tensor[];
  if (mean.shape.join() !== logVar.shape.join())
    throw new ShapeError(
      `Sampling layer "${name}": mean ${JSON.stringify(mean.shape)} and logVar ${JSON.stringify(logVar.shape)} must have the same shape.`,
    );
  return [mean, logVar];
}

/** A {@link Sampling} layer. */
export function sampling(args: SamplingArgs = {}): Sampling {
  return new Sampling(args);
}
