import { ConfigError, input, Model, register, type SymbolicTensor, type tf } from '@tensorfold/core';
import { gaussianNoise } from '@tensorfold/layers';
import { type CodecArgs, denseDecoder, denseEncoder, resolveCodec } from './dense-codec.js';
import { nestedModels } from './gan.js';

/** Options of {@link autoencoder}. */
export interface AutoencoderArgs extends CodecArgs {
  /** Encoder to use instead of the dense one: `[batch, ...inputShape]` -> `[batch, latentDim]`. */
  encoder?: Model;
  /** Decoder to use instead of the dense one: `[batch, latentDim]` -> `[batch, ...inputShape]`. */
  decoder?: Model;
  /** Model name. Default `autoencoder`. */
  name?: string;
}

/** Options of {@link denoisingAutoencoder}. */
export interface DenoisingAutoencoderArgs extends AutoencoderArgs {
  /**
   * Standard deviation of the Gaussian noise added to the inputs while training (only then); the model
   * learns to reconstruct the clean input. Default 0.5 (for inputs in [0, 1]).
   */
  noise?: number;
  /** Seed of the noise. Default: the next seed of the global generator. */
  seed?: number | null;
}

/**
 * An autoencoder (seed 004): an encoder to a small code and a decoder back, trained to reproduce its
 * input (`fit(x, x)` with `meanSquaredError` or `binaryCrossentropy`). With `noise`, a Gaussian noise layer
 * before the encoder makes it a denoising autoencoder: it sees corrupted inputs while training and learns
 * to return the clean ones; at inference the noise layer passes its input through.
 */
export class Autoencoder extends Model {
  static override readonly className: string = 'Autoencoder';
  readonly encoder: Model;
  readonly decoder: Model;
  /** Standard deviation of the training-time corruption (a denoising autoencoder), or null for none. */
  readonly noise: number | null;

  constructor(args: { encoder: Model; decoder: Model; noise?: number; seed?: number | null; name?: string }) {
    const { encoder, decoder } = args;
    if (encoder.outputs.length !== 1)
      throw new ConfigError(`The encoder must have one output (the code); it has ${encoder.outputs.length}.`);
    const codeShape = encoder.outputs[0].shape.slice(1);
    const decoderShape = decoder.inputs[0].shape.slice(1);
    if (JSON.stringify(codeShape) !== JSON.stringify(decoderShape))
      throw new ConfigError(
        `The encoder's code has shape ${JSON.stringify(codeShape)} but the decoder takes ${JSON.stringify(decoderShape)}; give both the same latentDim.`,
      );
    const x: SymbolicTensor = input({ shape: encoder.inputs[0].shape.slice(1) as number[], name: 'image' });
    const noisy =
      args.noise && args.noise > 0
        ? (gaussianNoise({ stddev: args.noise, seed: args.seed, name: 'corruption' }).apply(
            x,
          ) as SymbolicTensor)
        : x;
    const out = decoder.apply(encoder.apply(noisy)) as SymbolicTensor;
    super({ inputs: x, outputs: out, name: args.name ?? 'autoencoder' });
    this.encoder = encoder;
    this.decoder = decoder;
    this.noise = args.noise && args.noise > 0 ? args.noise : null;
  }

  /** The codes `[batch, latentDim]` of `x` (inference mode). The caller disposes them. */
  encode(x: tf.Tensor): tf.Tensor {
    return this.encoder.predict(x) as tf.Tensor;
  }

  /** The reconstructions of codes `z` (inference mode). The caller disposes them. */
  decode(z: tf.Tensor): tf.Tensor {
    return this.decoder.predict(z) as tf.Tensor;
  }

  /** Rebuilds an autoencoder from its saved config (weights are loaded afterwards). */
  static override fromConfig(config: Record<string, unknown>): Autoencoder {
    const combined = Model.fromConfig(config);
    const [encoder, decoder] = nestedModels(combined, 2, 'autoencoder');
    const noise = combined.layers.find((l) => l.name === 'corruption') as { stddev?: number } | undefined;
    return new Autoencoder({ encoder, decoder, noise: noise?.stddev, name: combined.name });
  }
}

register('layer', 'Autoencoder', (config) => Autoencoder.fromConfig(config));

/**
 * An autoencoder with a dense encoder and decoder (or the ones you pass).
 *
 * @example
 * const ae = autoencoder({ inputShape: [28, 28, 1], latentDim: 32 });
 * ae.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
 * await ae.fit(images, images, { epochs: 5 });
 */
export function autoencoder(args: AutoencoderArgs = {}): Autoencoder {
  const codec = resolveCodec(args, 32);
  return new Autoencoder({
    encoder: args.encoder ?? denseEncoder(codec, ['code'], 'relu'),
    decoder: args.decoder ?? denseDecoder(codec),
    name: args.name,
  });
}

/** A denoising autoencoder: {@link autoencoder} with Gaussian corruption of the inputs while training. */
export function denoisingAutoencoder(args: DenoisingAutoencoderArgs = {}): Autoencoder {
  const noise = args.noise ?? 0.5;
  if (!(noise > 0))
    throw new ConfigError(`noise must be > 0 (the corruption's standard deviation), got ${noise}.`);
  const codec = resolveCodec(args, 32);
  return new Autoencoder({
    encoder: args.encoder ?? denseEncoder(codec, ['code'], 'relu'),
    decoder: args.decoder ?? denseDecoder(codec),
    noise,
    seed: args.seed,
    name: args.name ?? 'denoising_autoencoder',
  });
}
