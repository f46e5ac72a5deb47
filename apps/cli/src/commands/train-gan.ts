/**
 * What `tensorfold train dcgan` adds to a generative run: the GAN's own flags (a class head, the class
 * weight, generator depth, discriminator batch norm, label smoothing, a weight average), checked before
 * anything loads (but for `--classes` on a dataset of one class, refused once the dataset has loaded,
 * before the model is built), turned into the builder's and `compile`'s options. Every flag left out keeps the
 * default of `dcgan` and `GAN.compile` (`@tensorfold/models-gan`), which the CLI does not restate.
 */
import { ConfigError, type Model } from '@tensorfold/core/node';
import { GAN, type GanCompileArgs, WeightAverage } from '@tensorfold/models-gan';
import type { LearningRateSchedule } from '@tensorfold/optim';
import { GAN_MODELS } from '../options.js';

/** The flags of `tensorfold train` that only a GAN takes. */
export interface GanTrainOptions {
  /**
   * Give the discriminator a class head (one class per class of the dataset), trained on the real
   * images' labels, and the generator CatGAN's class-clarity term (`dcgan({classes})`). Default off.
   */
  classes?: boolean;
  /** Weight of the class terms, >= 0 (`compile({classWeight})`); needs `classes`. Default: compile's (1). */
  classWeight?: number;
  /** Stride-1 5x5 convolution blocks at the generator's first resolution. Default: dcgan's (0). */
  generatorBlocks?: number;
  /** Batch normalization after the discriminator's second convolution. Default: dcgan's (off). */
  discriminatorBatchNorm?: boolean;
  /** One-sided label smoothing of the real labels, in [0, 1). Default: compile's (0). */
  labelSmoothing?: number;
  /**
   * Keep an exponential moving average of the generator's weights with this decay, in (0, 1) (e.g.
   * 0.999), and save the GAN with the averaged generator in place of the last step's, which is not kept:
   * the saved discriminator is the last step's (trained against the last step's generator), and the
   * result's `train` losses are the last step's. Default: none (the last step's generator is saved).
   */
  ema?: number;
}

/** Each GAN-only option with its flag, in the order `--help` lists them. */
export const GAN_FLAGS: ReadonlyArray<readonly [keyof GanTrainOptions, string]> = [
  ['classes', '--classes'],
  ['classWeight', '--class-weight'],
  ['generatorBlocks', '--generator-blocks'],
  ['discriminatorBatchNorm', '--discriminator-batch-norm'],
  ['labelSmoothing', '--label-smoothing'],
  ['ema', '--ema'],
];

/** The GAN-only flags given in `options`. */
export function ganFlagsGiven(options: GanTrainOptions): string[] {
  return GAN_FLAGS.filter(([key]) => options[key] !== undefined).map(([, flag]) => flag);
}

/**
 * Refuses, before anything loads, GAN flags given to a model that is not a GAN, a flag that needs
 * another one, and values the DCGAN cannot take (`--filters` other than one even number >= 2, an `--ema`
 * decay outside (0, 1)).
 */
export function checkGanFlags(model: string, options: GanTrainOptions & { filters?: number[] }): void {
  const given = ganFlagsGiven(options);
  if (given.length > 0 && !GAN_MODELS.includes(model))
    throw new ConfigError(
      `${given.join(', ')} ${given.length === 1 ? 'applies' : 'apply'} to ${GAN_MODELS.join(', ')} (a GAN); ${model} is not one: drop ${given.length === 1 ? 'it' : 'them'}.`,
    );
  if (options.classWeight !== undefined && !options.classes)
    throw new ConfigError(
      '--class-weight weighs the class terms of a discriminator with a class head: add --classes (or drop --class-weight).',
    );
  if (GAN_MODELS.includes(model) && options.filters !== undefined && options.filters.length !== 1)
    throw new ConfigError(
      `--filters takes one number for ${model} (its generator's first feature map; each upsampling halves it), got ${options.filters.join(',')}: pass e.g. --filters 64.`,
    );
  const filters = options.filters?.[0];
  if (GAN_MODELS.includes(model) && filters !== undefined && (filters < 2 || filters % 2 !== 0))
    throw new ConfigError(
      `--filters must be an even number >= 2 for ${model} (its generator halves it once), got ${filters}: pass e.g. --filters 64.`,
    );
  if (options.ema !== undefined && !(options.ema > 0 && options.ema < 1))
    throw new ConfigError(
      `--ema must be a decay between 0 and 1, both excluded (e.g. 0.999), got ${options.ema}.`,
    );
}

/**
 * The builder options of a GAN run (its flags checked by {@link checkGanFlags}): the flags given,
 * `filters` as the one number a DCGAN takes, and the class head's size from the dataset's classes.
 */
export function ganBuildOptions(
  options: GanTrainOptions & { filters?: number[]; dropout?: number },
  dataset: { name: string; numClasses: number },
): Record<string, unknown> {
  if (options.classes && dataset.numClasses < 2)
    throw new ConfigError(
      `--classes trains a class head on the images' labels; ${dataset.name} has ${dataset.numClasses} class: use a labelled dataset (mnist, fashion-mnist, or a folder with a sub-folder per class) or drop --classes.`,
    );
  const defined = (entries: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined));
  return defined({
    filters: options.filters?.[0],
    dropout: options.dropout,
    generatorBlocks: options.generatorBlocks,
    discriminatorBatchNorm: options.discriminatorBatchNorm,
    classes: options.classes ? dataset.numClasses : undefined,
  });
}

/** `compile`'s options of a GAN run: both players' default Adam at `rate`, and the flags given. */
export function ganCompileArgs(
  options: GanTrainOptions,
  rate: number | LearningRateSchedule,
): GanCompileArgs {
  return {
    learningRate: rate,
    ...(options.labelSmoothing !== undefined ? { labelSmoothing: options.labelSmoothing } : {}),
    ...(options.classWeight !== undefined ? { classWeight: options.classWeight } : {}),
  };
}

/** `--ema`'s weight average of the generator, or null without it. */
export function generatorAverage(model: Model, options: GanTrainOptions): WeightAverage | null {
  if (options.ema === undefined || !(model instanceof GAN)) return null;
  return new WeightAverage(model.generator, { decay: options.ema });
}
