/**
 * `tensorfold finetune <saved base | digits-base> --dataset ...`: Keras's two transfer recipes on the command
 * line. A new head on the frozen base trains for `--epochs`; with `--unfreeze-from LAYER`, the base from that
 * layer on then trains with the head for `--fine-tune-epochs` at `--fine-tune-lr`. With `--resize`, images of
 * another size or channel count than the base's are resized inside the model (a `Resizing` layer and a channel
 * conversion in front of a copy of the base, see `featureExtractor`'s `inputShape`). Reports test accuracy and
 * saves with `--out`.
 */
import { resolve } from 'node:path';
import { backendInfo, describeBackend, initBackend } from '@tensorfold/backend';
import { ConfigError, fileSystem, type Model, setSeed } from '@tensorfold/core/node';
import { featureExtractor, fineTune, loadDigitsBase } from '@tensorfold/models-cnn';
import { adam } from '@tensorfold/optim';
import { loadDataset } from '../datasets.js';
import { outDirectoryProblem } from '../out-directory.js';
import type { Output } from '../output.js';
import { loadSavedModel } from './load-saved.js';

/** Options of `tensorfold finetune`. */
export interface FinetuneOptions {
  base: string;
  dataset: string;
  epochs: number;
  batchSize: number;
  lr: number;
  unfreezeFrom?: string;
  fineTuneEpochs: number;
  fineTuneLr: number;
  limit?: number;
  seed: number;
  out?: string;
  /**
   * Resize the dataset's images to the base's input size (and convert gray/RGB channels) inside the model,
   * when they differ. Default `false`: a dataset of another shape is refused, saying so.
   */
  resize?: boolean;
}

/** What a fine-tuning run reports. */
export interface FinetuneResult {
  base: string;
  dataset: string;
  backend: string;
  trainSamples: number;
  testSamples: number;
  headAccuracy: number;
  testAccuracy: number;
  /** The images' shape when `--resize` made them fit the base, e.g. `[12, 12, 3]`. */
  resizedFrom?: number[];
  savedTo?: string;
}

/** The name of the pretrained base shipped in `@tensorfold/models-cnn`. */
export const SHIPPED_BASE = 'digits-base';

export async function finetuneCommand(options: FinetuneOptions, out: Output): Promise<FinetuneResult> {
  const outProblem = options.out === undefined ? null : outDirectoryProblem(options.out);
  if (outProblem) throw new ConfigError(outProblem);
  setSeed(options.seed);
  await initBackend({ prefer: 'wasm' });
  out.line(`Backend: ${describeBackend(backendInfo())}`);
  const base = options.base === SHIPPED_BASE ? await loadDigitsBase() : await loadSavedModel(options.base);
  let model: Model | undefined;
  const data = await loadDataset(options.dataset, { limit: options.limit });
  try {
    out.line(`Data: ${data.description} (${data.train.count} training, ${data.test.count} test samples)`);
    const want = base.inputs[0].shape.slice(1).join('x');
    const have = data.train.x.shape.slice(1).join('x');
    if (want !== have && !options.resize)
      throw new ConfigError(
        `The base takes ${want} images but the dataset has ${have}; pass --resize to resize them inside the model (and convert gray/RGB), or pick a dataset of that size.`,
      );
    const inputShape = data.train.x.shape.slice(1);
    if (want !== have) out.line(`Resizing: ${have} images to the base's ${want} inside the model`);
    model = featureExtractor(base, {
      head: { numClasses: data.numClasses },
      ...(want !== have ? { inputShape } : {}),
    });
    model.compile({
      optimizer: adam({ learningRate: options.lr }),
      loss: 'sparseCategoricalCrossentropy',
      metrics: ['accuracy'],
    });
    const fitArgs = { batchSize: options.batchSize, seed: options.seed };
    await model.fit(data.train.x, data.train.y, { ...fitArgs, epochs: options.epochs });
    const head = await model.evaluate(data.test.x, data.test.y, { batchSize: 1000 });
    out.line(`Head on the frozen base: ${(head.accuracy * 100).toFixed(2)}% test accuracy`);
    let final = head;
    if (options.unfreezeFrom) {
      fineTune(model, { unfreezeFrom: options.unfreezeFrom, learningRate: options.fineTuneLr });
      await model.fit(data.train.x, data.train.y, { ...fitArgs, epochs: options.fineTuneEpochs });
      final = await model.evaluate(data.test.x, data.test.y, { batchSize: 1000 });
      out.line(
        `Fine-tuned from ${options.unfreezeFrom}: ${(final.accuracy * 100).toFixed(2)}% test accuracy`,
      );
    }
    const result: FinetuneResult = {
      base: options.base,
      dataset: options.dataset,
      backend: backendInfo().name,
      trainSamples: data.train.count,
      testSamples: data.test.count,
      headAccuracy: Math.round(head.accuracy * 1e4) / 1e4,
      testAccuracy: Math.round(final.accuracy * 1e4) / 1e4,
      ...(want !== have ? { resizedFrom: inputShape } : {}),
    };
    if (options.out) {
      const dir = resolve(options.out);
      await model.save(fileSystem(dir));
      result.savedTo = dir;
      out.line(`Saved the model to ${dir}`);
    }
    return result;
  } finally {
    // The model shares the base's layers up to its cut: free each layer once.
    const shared = model?.layers ?? [];
    model?.dispose();
    for (const layer of base.layers) if (!shared.includes(layer)) layer.dispose();
    data.dispose();
  }
}
