import {
  ConfigError,
  input,
  type Layer,
  type Model,
  model,
  type SymbolicTensor,
  sequential,
} from '@tensorfold/core';
import {
  batchNormalization,
  conv2d,
  conv2dTranspose,
  dense,
  dropout,
  flatten,
  leakyReLU,
  reshape,
} from '@tensorfold/layers';
import { GAN } from './gan.js';

/** Options of {@link dcgan} and its two players. */
export interface DcganArgs {
  /** Shape of one image `[height, width, channels]`; height and width must be multiples of 4. Default `[28, 28, 1]`. */
  imageShape?: [number, number, number];
  /** Size of the latent space. Default 100 (the DCGAN paper's). */
  latentDim?: number;
  /** Filters of the generator's first feature map; each upsampling halves them. Default 128. */
  filters?: number;
  /**
   * Stride-1 convolution blocks (5x5, `filters` channels, batch norm, LeakyReLU) at the generator's first
   * resolution (`h/4 x w/4`), before the two upsamplings: depth where the map is smallest, as TensorFlow's
   * DCGAN tutorial's stride-1 transposed convolution at 7x7. Each adds `25 * filters^2` weights (102k at 64
   * filters). Default 0 (the two-upsampling generator).
   */
  generatorBlocks?: number;
  /**
   * Batch normalization after the discriminator's second convolution (the DCGAN paper normalizes every
   * discriminator layer but the input one). Real and generated images are normalized together, in the one
   * batch the discriminator learns from, only if the GAN is compiled with `separateBatches: false`
   * (`compile`'s default is `true` for such a discriminator: one joint batch lets the normalization tell
   * real from generated images, and training collapses). Default false.
   */
  discriminatorBatchNorm?: boolean;
  /**
   * Number of classes of a second, auxiliary discriminator head: a softmax `[batch, classes]` on the same
   * features as the real/fake unit, trained on the real images' labels (`fit(images, labels)`, class indices `[n]` or one-hot `[n, classes]`), whose
   * opinion of the generated images the generator is trained to make clear and balanced (see
   * `GanCompileArgs.classWeight`). Precisely: the head learns from the real images' labels only; the
   * generator's class term is CatGAN's class-clarity term (Springenberg 2016) on the head's opinion of its
   * samples. It is not AC-GAN (Odena et al. 2017): AC-GAN conditions the generator on a class and also
   * trains the head on generated images with their conditioning labels; here the generator stays
   * unconditional and the head never learns from generated images. Default 0 (no class head).
   */
  classes?: number;
  /** Dropout rate after each discriminator block. Default 0.3. */
  dropout?: number;
  /** Slope of the LeakyReLUs for negative inputs. Default 0.2 (the paper's). */
  leakyAlpha?: number;
  /** Seed of the latent points drawn while training. Default: the global generator's next seed. */
  seed?: number | null;
}

interface Resolved {
  height: number;
  width: number;
  channels: number;
  latentDim: number;
  filters: number;
  blocks: number;
  batchNorm: boolean;
  classes: number;
  rate: number;
  alpha: number;
}

/** The number of 2x upsamplings between the generator's first feature map and the image. */
const UPSAMPLINGS = 2;

function resolve(args: DcganArgs): Resolved {
  const [height, width, channels] = args.imageShape ?? [28, 28, 1];
  const factor = 2 ** UPSAMPLINGS;
  if (![height, width, channels].every((d) => Number.isInteger(d) && d > 0))
    throw new ConfigError(
      `imageShape must be three positive integers [height, width, channels], got ${JSON.stringify(args.imageShape)}.`,
    );
  if (height % factor !== 0 || width % factor !== 0) {
    const near = (d: number) =>
      `${Math.max(factor, Math.floor(d / factor) * factor)} or ${Math.ceil(d / factor) * factor}`;
    throw new ConfigError(
      `A DCGAN generator doubles its feature maps ${UPSAMPLINGS} times, so height and width must be multiples of ${factor}; ` +
        `${height}x${width} is not (use height ${near(height)}, width ${near(width)}, e.g. 28x28 or 32x32, and resize or pad the images).`,
    );
  }
  const latentDim = args.latentDim ?? 100;
  if (!Number.isInteger(latentDim) || latentDim < 1)
    throw new ConfigError(`latentDim must be a positive integer, got ${latentDim}.`);
  const filters = args.filters ?? 128;
  if (!Number.isInteger(filters) || filters < 2 || filters % 2 !== 0)
    throw new ConfigError(
      `filters must be an even integer >= 2 (the generator halves it once), got ${filters}.`,
    );
  const blocks = args.generatorBlocks ?? 0;
  if (!Number.isInteger(blocks) || blocks < 0)
    throw new ConfigError(
      `generatorBlocks must be an integer >= 0 (0 for the two-upsampling generator), got ${blocks}.`,
    );
  const classes = args.classes ?? 0;
  if (!Number.isInteger(classes) || classes < 0 || classes === 1)
    throw new ConfigError(
      `classes must be 0 (no class head) or an integer >= 2 (e.g. 10 for digits), got ${classes}.`,
    );
  const rate = args.dropout ?? 0.3;
  if (!(rate >= 0 && rate < 1)) throw new ConfigError(`dropout must be in [0, 1), got ${rate}.`);
  return {
    height,
    width,
    channels,
    latentDim,
    filters,
    blocks,
    batchNorm: args.discriminatorBatchNorm ?? false,
    classes,
    rate,
    alpha: args.leakyAlpha ?? 0.2,
  };
}

/**
 * The DCGAN generator (Radford et al. 2016, seed 003): latent `[batch, latentDim]` -> dense to a
 * `h/4 x w/4 x filters` map, `generatorBlocks` stride-1 5x5 convolutions at that size, then two stride-2
 * transposed convolutions, batch normalization and LeakyReLU between, and a tanh output
 * `[batch, h, w, channels]` in [-1, 1] (scale images to [-1, 1]).
 */
export function dcganGenerator(args: DcganArgs = {}): Model {
  const r = resolve(args);
  const [h, w] = [r.height / 2 ** UPSAMPLINGS, r.width / 2 ** UPSAMPLINGS];
  return sequential({
    name: 'generator',
    layers: [
      dense({ units: h * w * r.filters, useBias: false, inputShape: [r.latentDim] }),
      batchNormalization(),
      leakyReLU({ alpha: r.alpha }),
      reshape({ targetShape: [h, w, r.filters] }), // [batch, h/4, w/4, filters]
      ...Array.from({ length: r.blocks }, () => [
        conv2d({ filters: r.filters, kernelSize: 5, padding: 'same', useBias: false }),
        batchNormalization(),
        leakyReLU({ alpha: r.alpha }), // [batch, h/4, w/4, filters]
      ]).flat(),
      conv2dTranspose({ filters: r.filters / 2, kernelSize: 4, strides: 2, padding: 'same', useBias: false }),
      batchNormalization(),
      leakyReLU({ alpha: r.alpha }), // [batch, h/2, w/2, filters/2]
      conv2dTranspose({
        filters: r.channels,
        kernelSize: 4,
        strides: 2,
        padding: 'same',
        activation: 'tanh',
      }),
    ], // [batch, h, w, channels]
  });
}

/**
 * The DCGAN discriminator: two stride-2 convolutions (no pooling), LeakyReLU and dropout (and batch
 * normalization after the second with `discriminatorBatchNorm`), then one sigmoid unit `[batch, 1]`: the
 * probability that the image is real. With `classes` it has a second output, a softmax `[batch, classes]`
 * on the same flattened features.
 */
export function dcganDiscriminator(args: DcganArgs = {}): Model {
  const r = resolve(args);
  const inputShape: [number, number, number] = [r.height, r.width, r.channels];
  const trunk = (withInputShape: boolean): Layer[] => [
    conv2d({
      filters: r.filters / 2,
      kernelSize: 4,
      strides: 2,
      padding: 'same',
      ...(withInputShape ? { inputShape } : {}),
    }),
    leakyReLU({ alpha: r.alpha }),
    dropout({ rate: r.rate }),
    // [batch, h/2, w/2, filters/2]
    conv2d({ filters: r.filters, kernelSize: 4, strides: 2, padding: 'same', useBias: !r.batchNorm }),
    ...(r.batchNorm ? [batchNormalization()] : []),
    leakyReLU({ alpha: r.alpha }), // [batch, h/4, w/4, filters]
    dropout({ rate: r.rate }),
    flatten(), // [batch, h/4 * w/4 * filters]
  ];
  const real = dense({ units: 1, activation: 'sigmoid' });
  if (r.classes === 0) return sequential({ name: 'discriminator', layers: [...trunk(true), real] });
  const image = input({ shape: inputShape, name: 'image' });
  let features: SymbolicTensor = image;
  for (const layer of trunk(false)) features = layer.apply(features) as SymbolicTensor;
  const classHead = dense({ units: r.classes, activation: 'softmax', name: 'classes' });
  return model({
    name: 'discriminator',
    inputs: image,
    outputs: [
      real.apply(features) as SymbolicTensor, // [batch, 1]
      classHead.apply(features) as SymbolicTensor, // [batch, classes]
    ],
  });
}

/**
 * A DCGAN: {@link dcganGenerator} and {@link dcganDiscriminator} as a {@link GAN}, following the paper's
 * guidelines (strided convolutions instead of pooling, transposed convolutions to upsample, batch norm in
 * the generator, LeakyReLU in the discriminator, tanh output). Compile it (Adam 2e-4, beta1 0.5 by
 * default) and fit it on images scaled to [-1, 1].
 *
 * @example
 * const model = dcgan({ imageShape: [28, 28, 1], latentDim: 64 });
 * model.compile({ labelSmoothing: 0.1 });
 * await model.fit(imagesInMinusOneToOne, { epochs: 5, batchSize: 64 });
 * const samples = model.sample(16, 3); // [16, 28, 28, 1], the same for seed 3
 */
export function dcgan(args: DcganArgs = {}): GAN {
  const r = resolve(args);
  return new GAN({
    generator: dcganGenerator(args),
    discriminator: dcganDiscriminator(args),
    latentDim: r.latentDim,
    seed: args.seed,
    name: 'dcgan',
  });
}
