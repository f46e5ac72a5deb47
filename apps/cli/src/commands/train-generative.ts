import { resolve } from 'node:path';
import { backendInfo, describeBackend, initBackend } from '@tensorfold/backend';
import { ConfigError, type Logs, type Model, type Optimizer, setSeed, tf } from '@tensorfold/core/node';
import { checkLogdir, runLogger } from '@tensorfold/experiments/node';
import { Autoencoder, GAN, psnr, VAE } from '@tensorfold/models-gan';
import { adam, progressBar } from '@tensorfold/optim';
import { checkImageDataset, loadDataset } from '../datasets.js';
import { modelEntry } from '../models.js';
import { GAN_MODELS } from '../options.js';
import { outDirectoryProblem } from '../out-directory.js';
import type { Output } from '../output.js';
import { refuseIgnoredWidths } from '../train-flags.js';
import { runHparams, saveModel, type TrainOptions } from './train.js';
import { checkDecayFrom, learningRateOver } from './train-extras.js';
import {
  checkGanFlags,
  type GanTrainOptions,
  ganBuildOptions,
  ganCompileArgs,
  generatorAverage,
} from './train-gan.js';

/** What a generative training run reports (also the `--json` line). */
export interface GenerativeResult {
  model: string;
  dataset: string;
  backend: string;
  epochs: number;
  batchSize: number;
  learningRate: number;
  params: number;
  trainSamples: number;
  testSamples: number;
  /** The last epoch's training logs (`d_loss`/`g_loss`, or `loss`, `reconstruction_loss`, `kl_loss`). */
  train: Record<string, number>;
  /** Held-out figures: the VAE's per-image losses, an autoencoder's loss, a denoiser's PSNR gain. */
  test: Record<string, number>;
  seed: number;
  /** `--lr-schedule`, when not constant. */
  lrSchedule?: 'cosine';
  /** `--decay-from`, when given. */
  decayFrom?: number;
  /** The GAN flags given (`--classes` as the class head's size), and `--filters`/`--dropout` of a DCGAN. */
  gan?: Record<string, number | boolean>;
  savedTo?: string;
}

/**
 * `tensorfold train dcgan|vae|autoencoder|denoising-autoencoder --dataset mnist ...`: trains a generative
 * model of `@tensorfold/models-gan` on a dataset's images (scaled to [-1, 1] for GANs, whose generators
 * end in tanh), then reports on the test images: the VAE's reconstruction and KL terms and negative ELBO
 * per image, an autoencoder's loss, a denoising autoencoder's PSNR before and after.
 */
export async function trainGenerative(
  options: TrainOptions & GanTrainOptions & { latent?: number },
  out: Output,
): Promise<GenerativeResult> {
  const entry = modelEntry(options.model);
  checkImageDataset(entry.name, options.dataset);
  checkGanFlags(entry.name, options);
  refuseIgnoredWidths(entry.name, options);
  const isGanModel = GAN_MODELS.includes(entry.name);
  const epochs = options.epochs ?? entry.defaults.epochs;
  const batchSize = options.batchSize ?? entry.defaults.batchSize;
  const learningRate = options.lr ?? entry.defaults.learningRate;
  checkDecayFrom(options.decayFrom, options.lrSchedule, epochs);
  const outProblem = options.out === undefined ? null : outDirectoryProblem(options.out);
  if (outProblem) throw new ConfigError(outProblem);
  if (options.logdir !== undefined) await checkLogdir(options.logdir);
  if (options.validationSplit > 0)
    throw new ConfigError(
      `--validation-split is for classifiers; ${entry.name} is judged on the test images after training. Leave it out.`,
    );
  setSeed(options.seed);
  await initBackend(options.backend === 'auto' ? {} : { require: options.backend });
  const backend = backendInfo();
  out.line(`Backend: ${describeBackend(backend)}`);
  for (const skipped of backend.skipped) out.line(`  (not ${skipped.name}: ${skipped.reason})`);

  const data = await loadDataset(options.dataset, { limit: options.limit });
  let model: Model | undefined;
  const optimizers: Optimizer[] = [];
  try {
    out.line(`Data: ${data.description} (${data.train.count} training, ${data.test.count} test images)`);
    const ganOptions = isGanModel
      ? ganBuildOptions(options, { name: options.dataset, numClasses: data.numClasses })
      : {};
    model = (await entry.build({
      inputShape: data.train.x.shape.slice(1),
      latentDim: options.latent,
      ...ganOptions,
    })) as Model;
    out.line(`Model: ${model.name}, ${model.countParams().toLocaleString('en-US')} parameters`);
    const isGan = model instanceof GAN;
    // GAN generators end in tanh: their real images live in [-1, 1] too.
    const trainImages = isGan ? tf.tidy(() => tf.sub(tf.mul(data.train.x, 2), 1)) : data.train.x;
    const stepsPerEpoch = Math.ceil(data.train.count / batchSize);
    const rate = learningRateOver(
      options.lrSchedule,
      learningRate,
      epochs * stepsPerEpoch,
      (options.decayFrom ?? 0) * stepsPerEpoch,
    );
    const average = generatorAverage(model, options);
    try {
      if (model instanceof GAN) {
        // Both players' default Adam (beta1 0.5), which the GAN frees itself.
        model.compile(ganCompileArgs(options, rate));
      } else if (model instanceof VAE) {
        optimizers.push(adam({ learningRate: rate }));
        model.compile({ optimizer: optimizers[0] });
      } else {
        optimizers.push(adam({ learningRate: rate }));
        model.compile({ optimizer: optimizers[0], loss: 'binaryCrossentropy' });
      }
      const bar = progressBar({ stream: out.progress });
      const logger = options.logdir
        ? [runLogger(options.logdir, { hparams: runHparams(options, batchSize, learningRate) })]
        : [];
      const callbacks = [...(average ? [average] : []), ...logger, bar];
      const fitArgs = { epochs, batchSize, seed: options.seed, callbacks };
      const history = options.classes
        ? await model.fit(trainImages, data.train.y, fitArgs) // the class head learns the real labels [n]
        : model instanceof GAN || model instanceof VAE
          ? await model.fit(trainImages, fitArgs)
          : await model.fit(trainImages, trainImages, fitArgs);
      // --ema: the GAN is saved with the averaged generator; the last step's is overwritten (not kept).
      average?.copyInto((model as GAN).generator);
      const last: Record<string, number> = {};
      for (const [key, values] of Object.entries(history.history)) last[key] = round(values.at(-1) as number);
      const test = await testFigures(model, data.test.x);
      for (const [key, value] of Object.entries(test)) out.line(`Test ${key.replaceAll('_', ' ')}: ${value}`);
      const result: GenerativeResult = {
        model: entry.name,
        dataset: options.dataset,
        backend: backend.name,
        epochs: history.epoch.length,
        batchSize,
        learningRate,
        params: model.countParams(),
        trainSamples: data.train.count,
        testSamples: data.test.count,
        train: last,
        test,
        seed: options.seed,
        ...(options.lrSchedule === 'cosine' ? { lrSchedule: 'cosine' as const } : {}),
        ...(options.decayFrom !== undefined ? { decayFrom: options.decayFrom } : {}),
        ...ganSummary(ganOptions, options),
      };
      if (options.out) {
        const dir = resolve(options.out);
        await saveModel(model, dir, false); // a GAN has two optimizers; resuming is not offered
        result.savedTo = dir;
        out.line(
          `Saved the model to ${dir}; make pictures with: tensorfold generate ${options.out} --out samples.png`,
        );
      }
      return result;
    } finally {
      average?.dispose();
      if (trainImages !== data.train.x) trainImages.dispose();
    }
  } finally {
    model?.dispose();
    for (const optimizer of optimizers) optimizer.dispose();
    data.dispose();
  }
}

/** The held-out figures of a trained generative model on `images` (in [0, 1]). */
async function testFigures(model: Model, images: tf.Tensor): Promise<Record<string, number>> {
  if (model instanceof VAE) {
    const logs: Logs = await model.evaluate(images, { batchSize: 500 });
    return {
      negative_elbo_per_image: round(logs.loss),
      reconstruction_loss_per_image: round(logs.reconstruction_loss),
      kl_loss_per_image: round(logs.kl_loss),
    };
  }
  if (model instanceof Autoencoder) {
    const noise = model.noise;
    if (noise === null) {
      const logs = await model.evaluate(images, images, { batchSize: 500 });
      return { binary_crossentropy: round(logs.loss) };
    }
    const noisy = tf.tidy(() => tf.add(images, tf.randomNormal(images.shape, 0, noise, 'float32', 1)));
    const denoised = model.predict(noisy, { batchSize: 500 }) as tf.Tensor;
    try {
      const before = await psnr(noisy, images);
      const after = await psnr(denoised, images);
      return {
        psnr_noisy_db: round(before),
        psnr_denoised_db: round(after),
        psnr_gain_db: round(after - before),
      };
    } finally {
      tf.dispose([noisy, denoised]);
    }
  }
  return {};
}

/** `{gan}`: the GAN options of a run as its result reports them, or nothing when none was given. */
function ganSummary(
  built: Record<string, unknown>,
  options: GanTrainOptions,
): { gan?: Record<string, number | boolean> } {
  const gan = { ...built } as Record<string, number | boolean>;
  for (const key of ['classWeight', 'labelSmoothing', 'ema'] as const)
    if (options[key] !== undefined) gan[key] = options[key];
  return Object.keys(gan).length > 0 ? { gan } : {};
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
