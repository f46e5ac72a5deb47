/**
 * `tensorfold compress <saved> --method tucker|cp|svd --energy 0.9 --finetune-epochs 2 --dataset mnist
 * --out DIR`: decomposes the model's Conv2D (tucker, cp) or Dense (svd, tt) layers, fine-tunes, and prints
 * parameters, test accuracy and inference time before and after.
 */
import { ConfigError, setSeed } from '@tensorfold/core';
import { fileSystem } from '@tensorfold/core/node';
import { loadDataset } from '../datasets.js';
import type { Output } from '../output.js';
import { fitImagesToModel } from './fit-images.js';
import { percent, readSaved, table, testModels } from './saved-model.js';

/** The command's method names and the library's. */
const METHODS = { tucker: 'tucker2', cp: 'cp', svd: 'svd', tt: 'tt' } as const;

/** Options of {@link compressCommand}. */
export interface CompressCommandOptions {
  method: 'tucker' | 'cp' | 'svd' | 'tt';
  /** Share of the energy the ranks keep, in (0, 1]. */
  energy: number;
  /** A rank for every decomposed layer instead of `energy`. */
  rank?: number;
  /** Layer names to decompose. Default: every layer the method takes. */
  layers?: string[];
  finetuneEpochs: number;
  dataset: string;
  /** Fine-tune on the first N training images only. */
  limit?: number;
  out?: string;
  seed: number;
}

export interface CompressResult {
  method: string;
  layers: { layer: string; ranks: number[]; paramsBefore: number; paramsAfter: number; status: string }[];
  paramsBefore: number;
  paramsAfter: number;
  accuracyBefore: number;
  accuracyDecomposed: number;
  accuracyAfter: number;
  msPer1000Before: number;
  msPer1000After: number;
}

export async function compressCommand(
  target: string,
  options: CompressCommandOptions,
  out: Output,
): Promise<CompressResult> {
  const artifacts = await readSaved(target);
  const { decompose, fineTune, isQuantized, loadQuantized } = await import('@tensorfold/compress');
  if (isQuantized(artifacts))
    out.error(
      `note: ${target} holds quantized weights; they are decoded to float32 (rounding error included) before decomposing. Compress the float model and quantize afterwards for the best accuracy.`,
    );
  setSeed(options.seed);
  const original = await loadQuantized(artifacts, { compile: false });
  const { model, layers } = await decompose(original, {
    method: METHODS[options.method],
    ...(options.layers ? { layers: options.layers } : {}),
    ...(options.rank !== undefined ? { ranks: options.rank } : { energy: options.energy }),
  });
  try {
    const decomposed = layers.filter((l) => l.status === 'decomposed');
    if (decomposed.length === 0)
      throw new ConfigError(
        `No layer was decomposed: ${layers.length === 0 ? `the model has no ${options.method === 'svd' || options.method === 'tt' ? 'Dense' : 'Conv2D'} layer (svd and tt take Dense, tucker and cp take Conv2D)` : 'each decomposition would have had as many parameters as its layer; lower --energy or give --rank'}.`,
      );
    const [before, justDecomposed] = await testModels([original, model], options.dataset);
    if (options.finetuneEpochs > 0) {
      const data = await loadDataset(options.dataset, { limit: options.limit });
      const fitted = fitImagesToModel(original as never, data.train.x, data.test.x);
      try {
        await fineTune(
          model,
          { x: fitted.train, y: data.train.y },
          { epochs: options.finetuneEpochs, batchSize: 64, seed: options.seed },
        );
      } finally {
        fitted.dispose();
        data.dispose();
      }
    }
    const [after] = await testModels([model], options.dataset);
    const result: CompressResult = {
      method: options.method,
      layers: layers.map(({ layer, ranks, paramsBefore, paramsAfter, status }) => ({
        layer,
        ranks,
        paramsBefore,
        paramsAfter,
        status,
      })),
      paramsBefore: original.countParams(),
      paramsAfter: model.countParams(),
      accuracyBefore: before.accuracy,
      accuracyDecomposed: justDecomposed.accuracy,
      accuracyAfter: after.accuracy,
      msPer1000Before: before.msPer1000,
      msPer1000After: after.msPer1000,
    };
    table(
      [
        ['layer', 'ranks', 'params before', 'params after', ''],
        ...layers.map((l) => [
          l.layer,
          l.ranks.join('x'),
          String(l.paramsBefore),
          String(l.paramsAfter),
          l.status,
        ]),
      ],
      out.line,
    );
    out.line('');
    table(
      [
        ['model', 'params', 'test accuracy', 'ms / 1000 images'],
        ['original', String(result.paramsBefore), percent(before.accuracy), before.msPer1000.toFixed(1)],
        [
          'decomposed',
          String(result.paramsAfter),
          percent(justDecomposed.accuracy),
          justDecomposed.msPer1000.toFixed(1),
        ],
        [
          `fine-tuned (${options.finetuneEpochs} epochs)`,
          String(result.paramsAfter),
          percent(after.accuracy),
          after.msPer1000.toFixed(1),
        ],
      ],
      out.line,
    );
    if (options.out) {
      await model.save(fileSystem(options.out));
      out.line(`saved to ${options.out}`);
    }
    return result;
  } finally {
    original.dispose();
    model.dispose();
  }
}
