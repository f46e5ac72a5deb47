import { ConfigError, input, Model, type SymbolicTensor } from '@tensorfold/core';
import { dense, flatten, reshape } from '@tensorfold/layers';

/** The shape options every autoencoder shares. */
export interface CodecArgs {
  /** Shape of one sample, e.g. `[28, 28, 1]` for MNIST (values in [0, 1]). Default `[28, 28, 1]`. */
  inputShape?: number[];
  /** Size of the code (latent space). Default 32 (autoencoders) or 2 (the VAE, for its pictures). */
  latentDim?: number;
  /** Units of the hidden layers of the encoder; the decoder mirrors them. Default `[256]`. */
  hiddenUnits?: number[];
}

/** Checked shape options. */
export interface ResolvedCodec {
  inputShape: number[];
  size: number;
  latentDim: number;
  hiddenUnits: number[];
}

/** Checks and completes {@link CodecArgs}. */
export function resolveCodec(args: CodecArgs, defaultLatent: number): ResolvedCodec {
  const inputShape = args.inputShape ?? [28, 28, 1];
  const latentDim = args.latentDim ?? defaultLatent;
  const hiddenUnits = args.hiddenUnits ?? [256];
  const positive = (values: number[]) => values.every((v) => Number.isInteger(v) && v > 0);
  if (inputShape.length === 0 || !positive(inputShape))
    throw new ConfigError(`inputShape must be positive integers, got ${JSON.stringify(inputShape)}.`);
  if (!positive([latentDim]))
    throw new ConfigError(`latentDim must be a positive integer, got ${latentDim}.`);
  if (!positive(hiddenUnits))
    throw new ConfigError(`hiddenUnits must be positive integers, got ${JSON.stringify(hiddenUnits)}.`);
  return { inputShape, size: inputShape.reduce((a, b) => a * b, 1), latentDim, hiddenUnits };
}

/** Hidden ReLU layers on `x`, one per entry of `units`. */
function hidden(x: SymbolicTensor, units: number[]): SymbolicTensor {
  let h = x;
  for (const u of units) h = dense({ units: u, activation: 'relu' }).apply(h) as SymbolicTensor;
  return h;
}

/**
 * A dense encoder: `[batch, ...inputShape]` -> flatten -> hidden ReLU layers -> one output per entry of
 * `heads` (`[batch, latentDim]` each, linear unless `activation` says otherwise).
 */
export function denseEncoder(codec: ResolvedCodec, heads: string[], activation = 'linear'): Model {
  const x = input({ shape: codec.inputShape, name: 'encoder_input' });
  const h = hidden(flatten().apply(x) as SymbolicTensor, codec.hiddenUnits);
  const outputs = heads.map(
    (name) => dense({ units: codec.latentDim, activation, name }).apply(h) as SymbolicTensor,
  );
  return new Model({ inputs: x, outputs: outputs.length === 1 ? outputs[0] : outputs, name: 'encoder' });
}

/**
 * A dense decoder mirroring {@link denseEncoder}: `[batch, latentDim]` -> hidden ReLU layers (reversed)
 * -> sigmoid outputs reshaped to `[batch, ...inputShape]` (values in [0, 1]).
 */
export function denseDecoder(codec: ResolvedCodec): Model {
  const z = input({ shape: [codec.latentDim], name: 'decoder_input' });
  const h = hidden(z, [...codec.hiddenUnits].reverse());
  const flat = dense({ units: codec.size, activation: 'sigmoid' }).apply(h) as SymbolicTensor;
  const out = reshape({ targetShape: codec.inputShape }).apply(flat) as SymbolicTensor;
  return new Model({ inputs: z, outputs: out, name: 'decoder' });
}
