import {
  type BatchSource,
  type CompileArgs,
  ConfigError,
  DataError,
  type FitArgs,
  type History,
  input,
  Model,
  type ModelBatch,
  type Optimizer,
  register,
  type StepLogs,
  type SymbolicTensor,
  seedOrNext,
  type TensorContainer,
  tf,
} from '@tensorfold/core';
import { type Adam, adam, binaryCrossentropy, type LearningRateSchedule } from '@tensorfold/optim';
import { classClarityLoss, classLabelLoss } from './class-head.js';
import { trainOn } from './train-on.js';
import { latentNormal, type SampleArgs } from './truncation.js';

/** Options of {@link gan}. */
export interface GanArgs {
  /** Maps latent points `[batch, latentDim]` to samples (images `[batch, h, w, c]`, or points). */
  generator: Model;
  /**
   * Maps samples to the probability `[batch, 1]` that they are real (a sigmoid output); optionally a second
   * output, class probabilities `[batch, classes]` (a softmax, e.g. `dcgan({classes})`'s class head): then
   * `fit` takes the real samples' labels (class indices `[n]`, integers from 0 to `classes - 1`, or one-hot
   * `[n, classes]`) and the players learn the class terms of
   * {@link GanCompileArgs.classWeight}.
   */
  discriminator: Model;
  /** Size of the latent space. Default: the generator's input size. */
  latentDim?: number;
  /** Seed of the latent points drawn while training. Default: the next seed of the global generator. */
  seed?: number | null;
  /** Model name. Default `gan`. */
  name?: string;
}

/** Options of {@link GAN.compile}. */
export interface GanCompileArgs {
  /** Optimizer of the generator. Default Adam(learning rate 2e-4, beta1 0.5), the DCGAN paper's. */
  generatorOptimizer?: Optimizer;
  /** Optimizer of the discriminator. Default Adam(learning rate 2e-4, beta1 0.5). */
  discriminatorOptimizer?: Optimizer;
  /**
   * Learning rate of the default Adams (those of the players you pass no optimizer for): a number, or a
   * schedule evaluated at every step, e.g. `cosineDecay` to lower both players' rates toward the end of the
   * run. Each Adam counts its own steps from 0 (one per training step). Default 2e-4 (the DCGAN paper's).
   */
  learningRate?: number | LearningRateSchedule;
  /**
   * One-sided label smoothing (Salimans et al. 2016): real samples are labelled `1 - labelSmoothing` when
   * the discriminator learns. Default 0; 0.1 is a common stabilizer.
   */
  labelSmoothing?: number;
  /**
   * Uniform noise of this size added to the discriminator's labels (seed 002's "add random noise to the
   * labels" trick). Default 0.
   */
  labelNoise?: number;
  /**
   * Whether the discriminator learns from the real and the generated samples as one batch of `2n`
   * (`false`) or as two batches of `n`, averaging the two losses (`true`, as the DCGAN paper's code does).
   * The loss is the same unless the discriminator has batch normalization: then one joint batch mixes
   * real and generated statistics while the generator's step shows it generated samples alone, and
   * training can collapse (the discriminator's normalization tells the two apart); `true` there.
   * Default: `true` where the discriminator has a BatchNormalization layer, else `false`.
   */
  separateBatches?: boolean;
  /**
   * Weight of the class terms, for a discriminator with a class head (a second output `[batch, classes]`).
   * The discriminator adds `classWeight` times the cross-entropy of its class head on the real samples'
   * labels; the generator adds `classWeight` times CatGAN's (Springenberg 2016) class-clarity term on its
   * samples, `mean_i H(p(y|G(z_i))) - H(mean_i p(y|G(z_i)))` (H the entropy in nats): low when each sample is
   * clearly one class and the batch spreads over all classes. Logged as `d_class` and `g_class`; `d_loss`
   * and `g_loss` stay the real/fake losses. 0 skips the class terms (neither computed nor logged) and `fit`
   * needs no labels. Default 1 with a class head; a discriminator without one takes none (0 only).
   */
  classWeight?: number;
}

/**
 * A generative adversarial network (Goodfellow et al. 2014) as seed 002 (ch. 8) builds it: each step the
 * discriminator learns to tell real samples (label 1) from generated ones (label 0), then the generator
 * learns, through the frozen discriminator, to make the discriminator call its samples real. The model's
 * own graph is that combined model, latent `[batch, latentDim]` -> D(G(z)) `[batch, 1]`, so saving it saves
 * both players; `fit(realSamples, {epochs, batchSize})` trains, logging `d_loss` and `g_loss`.
 */
export class GAN extends Model {
  static override readonly className: string = 'GAN';
  readonly generator: Model;
  readonly discriminator: Model;
  readonly latentDim: number;
  private readonly seed: number;
  private latentStream: number;
  private generatorOptimizer?: Optimizer;
  private discriminatorOptimizer?: Optimizer;
  private ownOptimizers: Optimizer[] = [];
  private labelSmoothing = 0;
  private labelNoise = 0;
  private separateBatches = false;
  private classWeight = 0;
  /** Set while `fit` runs on a labels tensor it checked once (its batches need no check of their own). */
  private labelsChecked = false;
  /** Classes of the discriminator's class head; 0 where it has none. */
  readonly classes: number;

  constructor(args: GanArgs) {
    const { generator, discriminator } = args;
    const latentDim = args.latentDim ?? latentSizeOf(generator);
    checkPlayers(generator, discriminator, latentDim);
    const z: SymbolicTensor = input({ shape: [latentDim], name: 'latent' });
    const scores = discriminator.apply(generator.apply(z)) as SymbolicTensor | SymbolicTensor[];
    // The combined graph's one output is D(G(z)) [batch, 1]; a class head stays inside the nested model.
    const score = Array.isArray(scores) ? scores[0] : scores;
    super({ inputs: z, outputs: score, name: args.name ?? 'gan' });
    this.classes = discriminator.outputs.length === 2 ? (discriminator.outputs[1].shape[1] as number) : 0;
    this.generator = generator;
    this.discriminator = discriminator;
    this.latentDim = latentDim;
    this.seed = seedOrNext(args.seed);
    this.latentStream = this.seed;
  }

  /** Sets the two optimizers and the stabilizers (see {@link GanCompileArgs}); `fit` needs it first. */
  override compile(args: GanCompileArgs | CompileArgs = {} as GanCompileArgs): void {
    const options = args as GanCompileArgs;
    const rate = (value: number | undefined, what: string) => {
      if (value !== undefined && !(value >= 0 && value < 1))
        throw new ConfigError(`${what} must be in [0, 1), got ${value}.`);
      return value ?? 0;
    };
    this.labelSmoothing = rate(options.labelSmoothing, 'labelSmoothing');
    this.labelNoise = rate(options.labelNoise, 'labelNoise');
    this.separateBatches =
      options.separateBatches ?? this.discriminator.layers.some((l) => l.className === 'BatchNormalization');
    const weight = options.classWeight;
    if (weight !== undefined && !(weight >= 0 && Number.isFinite(weight)))
      throw new ConfigError(`classWeight must be a finite number >= 0, got ${weight}.`);
    if (this.classes === 0 && weight !== undefined && weight !== 0)
      throw new ConfigError(
        'classWeight needs a discriminator with a class head (a second output [batch, classes]), e.g. dcgan({classes: 10}).',
      );
    this.classWeight = this.classes > 0 ? (weight ?? 1) : 0;
    const lr = options.learningRate;
    if (typeof lr === 'number' && !(lr >= 0 && Number.isFinite(lr)))
      throw new ConfigError(`learningRate must be a finite number >= 0 or a schedule, got ${lr}.`);
    for (const own of this.ownOptimizers) own.dispose();
    this.ownOptimizers = [];
    this.generatorOptimizer = options.generatorOptimizer ?? this.own(dcganAdam(lr));
    this.discriminatorOptimizer = options.discriminatorOptimizer ?? this.own(dcganAdam(lr));
    if (this.generatorOptimizer === this.discriminatorOptimizer)
      throw new ConfigError(
        'The generator and the discriminator need optimizers of their own (their moments differ); pass two instances.',
      );
    // The combined graph's compiled state (its loss) serves evaluate(); the players use their own optimizers.
    super.compile({ optimizer: this.discriminatorOptimizer, loss: binaryCrossentropy() });
  }

  private own(optimizer: Optimizer): Optimizer {
    this.ownOptimizers.push(optimizer);
    return optimizer;
  }

  /** Frees the weights, and the state of the optimizers the GAN made itself (yours stay yours). */
  override dispose(): void {
    super.dispose();
    for (const own of this.ownOptimizers) own.dispose();
    this.ownOptimizers = [];
  }

  /**
   * `count` latent points `[count, latentDim]` from a standard normal (truncated with
   * `args.truncation`, see {@link SampleArgs}), the same for the same `seed`.
   */
  latentPoints(count: number, seed?: number, args: SampleArgs = {}): tf.Tensor2D {
    return latentNormal(count, this.latentDim, seed ?? this.nextLatentSeed(), args.truncation);
  }

  /**
   * `count` generated samples (inference mode), the same for the same `seed` (and `truncation`). With
   * `args.truncation` the latent points come from a truncated normal (BigGAN's truncation trick, see
   * {@link SampleArgs}): fidelity for diversity. The caller disposes them.
   */
  sample(count: number, seed?: number, args: SampleArgs = {}): tf.Tensor {
    return tf.tidy(() => {
      const z = this.latentPoints(count, seed, args);
      return this.generator.forward([z], { training: false })[0];
    });
  }

  private nextLatentSeed(): number {
    this.latentStream = (Math.imul(this.latentStream ^ 0x9e3779b9, 0x85ebca6b) + 1) >>> 0;
    return this.latentStream;
  }

  override fit(x: TensorContainer, y: TensorContainer, args?: FitArgs): Promise<History>;
  override fit(dataset: BatchSource, args?: FitArgs): Promise<History>;
  override fit(x: TensorContainer, args?: FitArgs): Promise<History>;
  /** Checks a labels tensor once, then trains (see {@link Model.fit}). */
  override async fit(
    x: TensorContainer | BatchSource,
    y?: TensorContainer | FitArgs,
    args?: FitArgs,
  ): Promise<History> {
    const checkOnce = y instanceof tf.Tensor && this.classes > 0 && this.classWeight > 0;
    if (checkOnce) await this.checkLabels(y);
    const base = super.fit as (x: unknown, y?: unknown, args?: unknown) => Promise<History>;
    this.labelsChecked = checkOnce;
    try {
      return await base.call(this, x, y, args);
    } finally {
      this.labelsChecked = false;
    }
  }

  override async trainStep(batch: ModelBatch): Promise<StepLogs> {
    const real = batch.xs[0]; // [n, ...sample shape]
    const n = real.shape[0];
    const dOpt = this.discriminatorOptimizer;
    const gOpt = this.generatorOptimizer;
    if (!dOpt || !gOpt) throw new ConfigError('Call compile() before fit().');
    const ys = batch.ys[0]; // [n] class indices or [n, classes] one-hot, or none
    if (this.classes === 0 && ys)
      throw new ConfigError(
        `This GAN's discriminator has no class head, so it cannot learn from labels (got labels ${JSON.stringify(ys.shape)}): build it with dcgan({classes: N}) (N classes) to use them, or call fit(realSamples, args) without labels.`,
      );
    const withClasses = this.classes > 0 && this.classWeight > 0; // weight 0: no labels, no class terms
    if (withClasses && !this.labelsChecked) await this.checkLabels(ys);
    const loss = binaryCrossentropy();
    const bce = (target: tf.Tensor, p: tf.Tensor) => tf.mean(loss.call(target, p)) as tf.Scalar;
    const classTerms: tf.Scalar[] = []; // d real/fake, d class, g real/fake, g class
    let labels: tf.Tensor2D | undefined; // [n, classes]
    let fakeZ: tf.Tensor2D | undefined; // [n, latentDim]
    let z: tf.Tensor2D | undefined; // [n, latentDim]
    let dLoss: tf.Scalar | undefined;
    try {
      labels = withClasses && ys ? this.realLabels(ys) : undefined;
      const classLabels = labels;

      // 1. The discriminator: real samples are 1 (less the smoothing), generated ones 0.
      const dZ = this.latentPoints(n);
      fakeZ = dZ;
      const noiseSeed = this.nextLatentSeed();
      dLoss = await trainOn(this.discriminator, dOpt, () => {
        const fake = this.generator.forward([dZ], { training: true })[0];
        let targets = tf.concat([tf.fill([n, 1], 1 - this.labelSmoothing), tf.zeros([n, 1])], 0); // [2n, 1]
        if (this.labelNoise > 0)
          targets = tf.add(
            targets,
            tf.mul(tf.randomUniform([2 * n, 1], -1, 1, 'float32', noiseSeed), this.labelNoise),
          );
        const d = (x: tf.Tensor) => this.discriminator.forward([x], { training: true }); // [[m, 1], [m, classes]?]
        let p: tf.Tensor; // [2n, 1]
        let classProbs: tf.Tensor | undefined; // [n, classes], the real samples' class head
        if (this.separateBatches) {
          const [realOut, fakeOut] = [d(real), d(fake)]; // each half normalized on its own
          p = tf.concat([realOut[0], fakeOut[0]], 0);
          classProbs = realOut[1];
        } else {
          const out = d(tf.concat([real, fake], 0));
          p = out[0];
          classProbs = classLabels && out[1] && tf.slice(out[1], 0, n);
        }
        const realFake = bce(targets, p);
        if (!classLabels || !classProbs) return realFake;
        const classLoss = classLabelLoss(classLabels, classProbs);
        classTerms.push(tf.keep(realFake.clone()), tf.keep(classLoss.clone()));
        return tf.add(realFake, tf.mul(classLoss, this.classWeight)) as tf.Scalar;
      });

      // 2. The generator, through the frozen discriminator: its samples should be called real.
      const gZ = this.latentPoints(n);
      z = gZ;
      const gLoss = await trainOn(this.generator, gOpt, () => {
        const fake = this.generator.forward([gZ], { training: true })[0];
        const [p, classProbs] = this.discriminator.forward([fake], { training: true }); // [n, 1], [n, classes]
        const realFake = bce(tf.ones([n, 1]), p);
        if (!classLabels) return realFake;
        const clarity = classClarityLoss(classProbs);
        classTerms.push(tf.keep(realFake.clone()), tf.keep(clarity.clone()));
        return tf.add(realFake, tf.mul(clarity, this.classWeight)) as tf.Scalar;
      });
      if (classTerms.length === 0) return { d_loss: dLoss, g_loss: gLoss };
      tf.dispose([dLoss, gLoss]); // the totals; the logs keep the terms apart
      const [dRealFake, dClass, gRealFake, gClass] = classTerms;
      return { d_loss: dRealFake, g_loss: gRealFake, d_class: dClass, g_class: gClass };
    } catch (error) {
      // A NaN loss (or any failure) mid-step: nothing the step made outlives it.
      tf.dispose([...classTerms, ...(dLoss ? [dLoss] : [])]);
      throw error;
    } finally {
      for (const t of [labels, fakeZ, z]) t?.dispose();
    }
  }

  /**
   * Checks the labels of a discriminator with a class head: class indices `[n]`, integers in
   * `[0, classes)`, or one-hot rows `[n, classes]` (non-negative, each summing to 1). Reads them once.
   */
  private async checkLabels(ys: tf.Tensor | undefined): Promise<void> {
    const k = this.classes;
    const usage = `fit(realSamples, labels) with class indices [n] or one-hot labels [n, ${k}] (class indices are integers from 0 to ${k - 1})`;
    const weightZero = 'or compile({classWeight: 0}) to train without the class terms and labels';
    if (!ys)
      throw new ConfigError(
        `This GAN's discriminator has a ${k}-class head: ${usage}; got no labels. Pass them, ${weightZero}.`,
      );
    if (!(ys.rank === 1 || (ys.rank === 2 && ys.shape[1] === k)))
      throw new DataError(
        `This GAN's discriminator has a ${k}-class head: ${usage}; got labels of shape ${JSON.stringify(ys.shape)}.`,
      );
    const values = Array.from(await ys.data()); // [n] or [n * classes]
    if (ys.rank === 1) {
      for (let i = 0; i < values.length; i++) {
        const c = values[i];
        if (!(Number.isInteger(c) && c >= 0 && c < k))
          throw new DataError(
            `Label ${i} is ${c}, not a class index of this ${k}-class head: ${usage}. Labels counted from 1 (1 to ${k}) need 1 subtracted.`,
          );
      }
      return;
    }
    for (let i = 0; i < values.length / k; i++) {
      const row = values.slice(i * k, (i + 1) * k);
      const sum = row.reduce((a, b) => a + b, 0);
      if (row.some((v) => !(v >= 0)) || !(Math.abs(sum - 1) <= 1e-3))
        throw new DataError(
          `Label row ${i} is [${row.join(', ')}], not a one-hot row (values >= 0 summing to 1): ${usage}.`,
        );
    }
  }

  /** Checked labels as one-hot float32 `[n, classes]` (see {@link GAN.checkLabels}). */
  private realLabels(ys: tf.Tensor): tf.Tensor2D {
    if (ys.rank === 1)
      return tf.tidy(
        () => tf.oneHot(tf.cast(ys, 'int32') as tf.Tensor1D, this.classes).toFloat() as tf.Tensor2D,
      );
    return tf.cast(ys, 'float32') as tf.Tensor2D;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), latentDim: this.latentDim, seed: this.seed };
  }

  /** Rebuilds a GAN from {@link GAN.getConfig} (weights are loaded afterwards). */
  static override fromConfig(config: Record<string, unknown>): GAN {
    const combined = Model.fromConfig(config);
    const [generator, discriminator] = nestedModels(combined, 2, 'GAN');
    return new GAN({
      generator,
      discriminator,
      latentDim: config.latentDim as number,
      seed: config.seed as number,
      name: combined.name,
    });
  }
}

/** Builds a {@link GAN} from a generator and a discriminator. */
export function gan(args: GanArgs): GAN {
  return new GAN(args);
}

register('layer', 'GAN', (config) => GAN.fromConfig(config));

/** Adam with the DCGAN paper's settings (learning rate 2e-4, beta1 0.5); `learningRate` may be a schedule. */
export function dcganAdam(learningRate: number | LearningRateSchedule = 2e-4): Adam {
  return adam({ learningRate, beta1: 0.5 });
}

/** The nested models of a rebuilt composite model, in the order they were applied. */
export function nestedModels(combined: Model, count: number, what: string): Model[] {
  const models = combined.layers.filter((layer): layer is Model => layer instanceof Model);
  if (models.length !== count)
    throw new ConfigError(`A saved ${what} holds ${count} nested models; this config has ${models.length}.`);
  return models;
}

function latentSizeOf(generator: Model): number {
  const shape = generator.inputs[0]?.shape;
  if (shape?.length !== 2 || shape[1] == null)
    throw new ConfigError(
      `The generator's input must be latent vectors [batch, latentDim]; it takes ${JSON.stringify(shape)}.`,
    );
  return shape[1];
}

function checkPlayers(generator: Model, discriminator: Model, latentDim: number): void {
  if (!Number.isInteger(latentDim) || latentDim < 1)
    throw new ConfigError(`latentDim must be a positive integer, got ${latentDim}.`);
  const gIn = generator.inputs[0].shape;
  if (gIn[gIn.length - 1] !== latentDim)
    throw new ConfigError(
      `latentDim ${latentDim} does not match the generator, whose input is ${JSON.stringify(gIn)}: pass latentDim ${gIn[gIn.length - 1]} or rebuild the generator.`,
    );
  const out = discriminator.outputs;
  const shape = out[0].shape;
  const classShape = out[1]?.shape;
  const classHeadOk =
    out.length === 1 || (out.length === 2 && classShape.length === 2 && (classShape[1] ?? 0) >= 2);
  if (out.length > 2 || !classHeadOk || shape.length !== 2 || shape[1] !== 1)
    throw new ConfigError(
      `The discriminator must output one probability per sample, [batch, 1]; it outputs ${out.map((o) => JSON.stringify(o.shape)).join(', ')}. End it with dense({units: 1, activation: 'sigmoid'}) (a class head, class probabilities [batch, classes >= 2], may be a second output).`,
    );
  const gOut = generator.outputs[0].shape.slice(1);
  const dIn = discriminator.inputs[0].shape.slice(1);
  if (JSON.stringify(gOut) !== JSON.stringify(dIn))
    throw new ConfigError(
      `The generator makes samples of shape ${JSON.stringify(gOut)} but the discriminator takes ${JSON.stringify(dIn)}.`,
    );
}
