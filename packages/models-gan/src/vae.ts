import {
  type CompileArgs,
  ConfigError,
  input,
  Model,
  type ModelBatch,
  type Optimizer,
  Random,
  register,
  type StepLogs,
  type SymbolicTensor,
  seedOrNext,
  tf,
} from '@tensorfold/core';
import { adam } from '@tensorfold/optim';
import { type CodecArgs, denseDecoder, denseEncoder, resolveCodec } from './dense-codec.js';
import { nestedModels } from './gan.js';
import { Sampling } from './sampling.js';
import { trainOn } from './train-on.js';
import { latentNormal, type SampleArgs } from './truncation.js';

/** Options of {@link vae}. */
export interface VaeArgs extends CodecArgs {
  /**
   * Encoder to use instead of the dense one: `[batch, ...inputShape]` -> `[mean, logVar]`, two outputs of
   * `[batch, latentDim]`.
   */
  encoder?: Model;
  /** Decoder to use instead of the dense one: `[batch, latentDim]` -> `[batch, ...inputShape]` in [0, 1]. */
  decoder?: Model;
  /** Weight of the KL term (beta-VAE, Higgins et al. 2017). Default 1 (the plain VAE). */
  beta?: number;
  /** Seed of the sampling noise. Default: the next seed of the global generator. */
  seed?: number | null;
  /** Model name. Default `vae`. */
  name?: string;
}

/** Options of {@link VAE.compile}. */
export interface VaeCompileArgs {
  /** Optimizer. Default Adam (learning rate 1e-3). */
  optimizer?: Optimizer;
}

/**
 * The variational autoencoder (Kingma and Welling 2014) as seed 002 (ch. 8) and seeds 000/001 (ch. 7)
 * describe it: the encoder maps an image to the mean and log-variance of a Gaussian in latent space, a
 * point is sampled from it ({@link Sampling}), and the decoder maps it back. The loss per image is the
 * reconstruction term (binary cross-entropy summed over pixels) plus the KL divergence of the encoder's
 * Gaussian from N(0, I), `-1/2 sum(1 + logVar - mean^2 - exp(logVar))`; its sum is the negative ELBO.
 * `fit(images, {epochs})` logs `loss`, `reconstruction_loss` and `kl_loss` (per image, in nats).
 */
export class VAE extends Model {
  static override readonly className: string = 'VAE';
  readonly encoder: Model;
  readonly decoder: Model;
  readonly latentDim: number;
  readonly beta: number;
  private readonly seed: number;
  private readonly sampler: Sampling;
  private readonly random: Random;
  private vaeOptimizer?: Optimizer;

  constructor(args: { encoder: Model; decoder: Model; beta?: number; seed?: number | null; name?: string }) {
    const { encoder, decoder } = args;
    if (encoder.outputs.length !== 2)
      throw new ConfigError(
        `A VAE's encoder must have two outputs, [mean, logVar]; it has ${encoder.outputs.length}.`,
      );
    const latentDim = encoder.outputs[0].shape[1] as number;
    const decoderIn = decoder.inputs[0].shape;
    if (decoderIn.length !== 2 || decoderIn[1] !== latentDim)
      throw new ConfigError(
        `The decoder takes ${JSON.stringify(decoderIn)} but the encoder's latent size is ${latentDim}; give both the same latentDim.`,
      );
    const beta = args.beta ?? 1;
    if (!(beta >= 0)) throw new ConfigError(`beta must be >= 0, got ${beta}.`);
    const seed = seedOrNext(args.seed);
    const x: SymbolicTensor = input({ shape: encoder.inputs[0].shape.slice(1) as number[], name: 'image' });
    const [mean, logVar] = encoder.apply(x) as unknown as SymbolicTensor[];
    const sampler = new Sampling({ seed, name: 'sampling' });
    const z = sampler.apply([mean, logVar]) as SymbolicTensor;
    super({ inputs: x, outputs: decoder.apply(z) as SymbolicTensor, name: args.name ?? 'vae' });
    this.encoder = encoder;
    this.decoder = decoder;
    this.latentDim = latentDim;
    this.beta = beta;
    this.seed = seed;
    this.sampler = sampler;
    this.random = new Random(seed ^ 0x5bd1e995);
  }

  /** Sets the optimizer (Adam 1e-3 by default); `fit` needs it first. */
  override compile(args: VaeCompileArgs | CompileArgs = {}): void {
    const given = (args as { optimizer?: Optimizer | string }).optimizer;
    if (typeof given === 'string' || (given && typeof given !== 'object'))
      throw new ConfigError(
        'Pass the VAE an optimizer instance, e.g. compile({ optimizer: adam({ learningRate: 1e-3 }) }).',
      );
    this.vaeOptimizer = (given as Optimizer | undefined) ?? adam({ learningRate: 1e-3 });
    super.compile({ optimizer: this.vaeOptimizer, loss: 'meanSquaredError' });
  }

  /** Mean and log-variance `[batch, latentDim]` of the encoder's Gaussian for `x`. The caller disposes them. */
  encode(x: tf.Tensor): { mean: tf.Tensor2D; logVar: tf.Tensor2D } {
    const [mean, logVar] = this.encoder.forward([x], { training: false }) as tf.Tensor2D[];
    return { mean, logVar };
  }

  /** Images for latent points `z` `[batch, latentDim]`. The caller disposes them. */
  decode(z: tf.Tensor): tf.Tensor {
    return this.decoder.forward([z], { training: false })[0];
  }

  /**
   * `count` images decoded from N(0, I) latent points (truncated with `args.truncation`, see
   * {@link SampleArgs}), the same for the same `seed`.
   */
  sample(count: number, seed?: number, args: SampleArgs = {}): tf.Tensor {
    return tf.tidy(() =>
      this.decode(latentNormal(count, this.latentDim, seed ?? this.random.nextSeed(), args.truncation)),
    );
  }

  /**
   * `steps` images decoded along the straight line from the code of `from` to the code of `to` (their
   * means), both ends included: a walk through latent space.
   */
  interpolate(from: tf.Tensor, to: tf.Tensor, steps = 8): tf.Tensor {
    if (!Number.isInteger(steps) || steps < 2)
      throw new ConfigError(`steps must be an integer >= 2, got ${steps}.`);
    return tf.tidy(() => {
      const a = this.encode(
        from.rank === this.encoder.inputs[0].shape.length ? from : tf.expandDims(from, 0),
      ).mean;
      const b = this.encode(to.rank === this.encoder.inputs[0].shape.length ? to : tf.expandDims(to, 0)).mean;
      const t = tf.reshape(tf.linspace(0, 1, steps), [steps, 1]); // [steps, 1]
      const z = tf.add(tf.mul(tf.sub(1, t), a), tf.mul(t, b)); // [steps, latentDim]
      return this.decode(z);
    });
  }

  /** Reconstruction and KL terms per image, averaged over the batch. */
  private losses(x: tf.Tensor, training: boolean): { reconstruction: tf.Scalar; kl: tf.Scalar } {
    const [mean, logVar] = this.encoder.forward([x], { training }); // [batch, latentDim] each
    const z = this.sampler.call([mean, logVar], { training }); // [batch, latentDim]
    const recon = this.decoder.forward([z], { training })[0]; // [batch, ...inputShape]
    const p = tf.clipByValue(recon, 1e-7, 1 - 1e-7);
    const perPixel = tf.neg(tf.add(tf.mul(x, tf.log(p)), tf.mul(tf.sub(1, x), tf.log(tf.sub(1, p)))));
    const axes = Array.from({ length: x.rank - 1 }, (_, i) => i + 1);
    const reconstruction = tf.mean(tf.sum(perPixel, axes)) as tf.Scalar;
    const klPerImage = tf.mul(
      -0.5,
      tf.sum(tf.sub(tf.add(1, logVar), tf.add(tf.square(mean), tf.exp(logVar))), 1),
    );
    return { reconstruction, kl: tf.mean(klPerImage) as tf.Scalar };
  }

  override async trainStep(batch: ModelBatch): Promise<StepLogs> {
    if (!this.vaeOptimizer) throw new ConfigError('Call compile() before fit().');
    const x = batch.xs[0];
    let parts: { reconstruction: tf.Scalar; kl: tf.Scalar } | undefined;
    const loss = await trainOn(this, this.vaeOptimizer, () => {
      const terms = this.losses(x, true);
      parts = { reconstruction: tf.keep(terms.reconstruction), kl: tf.keep(terms.kl) };
      return tf.add(terms.reconstruction, tf.mul(terms.kl, this.beta)) as tf.Scalar;
    });
    const kept = parts as unknown as { reconstruction: tf.Scalar; kl: tf.Scalar };
    return { loss, reconstruction_loss: kept.reconstruction, kl_loss: kept.kl };
  }

  override testStep(batch: ModelBatch): void {
    const x = batch.xs[0];
    tf.tidy(() => {
      const { reconstruction, kl } = this.losses(x, false);
      const state = this.metricsState;
      state.updateCustom('loss', tf.add(reconstruction, tf.mul(kl, this.beta)) as tf.Scalar, batch.size);
      state.updateCustom('reconstruction_loss', reconstruction, batch.size);
      state.updateCustom('kl_loss', kl, batch.size);
    });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), beta: this.beta, seed: this.seed };
  }

  /** Rebuilds a VAE from its saved config (weights are loaded afterwards). */
  static override fromConfig(config: Record<string, unknown>): VAE {
    const combined = Model.fromConfig(config);
    const [encoder, decoder] = nestedModels(combined, 2, 'VAE');
    return new VAE({
      encoder,
      decoder,
      beta: config.beta as number,
      seed: config.seed as number,
      name: combined.name,
    });
  }
}

register('layer', 'VAE', (config) => VAE.fromConfig(config));

/**
 * A variational autoencoder with a dense encoder and decoder (or the ones you pass).
 *
 * @example
 * const model = vae({ inputShape: [28, 28, 1], latentDim: 2 });
 * model.compile();
 * await model.fit(images, { epochs: 10, batchSize: 128 }); // logs loss, reconstruction_loss, kl_loss
 * const digits = model.sample(16, 1); // [16, 28, 28, 1]
 */
export function vae(args: VaeArgs = {}): VAE {
  const codec = resolveCodec(args, 2);
  return new VAE({
    encoder: args.encoder ?? denseEncoder(codec, ['z_mean', 'z_log_var']),
    decoder: args.decoder ?? denseDecoder(codec),
    beta: args.beta,
    seed: args.seed,
    name: args.name,
  });
}
