/**
 * `tensorfold evaluate <saved> --dataset mnist [--int8] [--limit N]`: test accuracy and inference
 * throughput of a saved image classifier; for a `quantize --dtype int8` file (or with `--int8`) also
 * of its copy on the int8 kernels (Int8Dense, Int8Conv2D), side by side, timed in the same run.
 */
import { backendInfo, describeBackend } from '@tensorfold/backend';
import { ConfigError, type Model, type Sequential, tf } from '@tensorfold/core';
import { loadDataset } from '../datasets.js';
import type { Output } from '../output.js';
import { fitImagesToModel } from './fit-images.js';
import { percent, readSaved, table } from './saved-model.js';

/** Options of {@link evaluateCommand}. */
export interface EvaluateCommandOptions {
  /** The dataset whose test split is used. */
  dataset: string;
  /** Also run the model on the int8 kernels (always for an int8 file). Default `false`. */
  int8?: boolean;
  /** Test on the first N test images only. Default: all. */
  limit?: number;
  /** Timed passes over the test images per model (alternating; the median is reported). Default 3. */
  rounds?: number;
}

/** One model's figures. */
export interface EvaluateRow {
  /** `float32` (the weights as the file decodes them) or `int8 kernels`. */
  model: 'float32' | 'int8 kernels';
  /** Test accuracy, 0..1. */
  accuracy: number;
  /** Median milliseconds of inference per 1000 images (`predict`, batches of 32). */
  msPer1000: number;
  imagesPerSecond: number;
}

/** What {@link evaluateCommand} prints, as data. */
export interface EvaluateResult {
  dataset: string;
  /** The backend, e.g. `wasm (SIMD + FMA, 2 threads)`. */
  backend: string;
  /** How the file stores its weights: `float32`, or the `quantize` dtype. */
  weights: string;
  images: number;
  rows: EvaluateRow[];
  /** Int8 throughput over float32 throughput, where both ran. */
  speedup?: number;
  /**
   * The layers that run on the int8 kernels, by their names in the saved model; the others stay float:
   * under 32 inputs an output, except a convolution whose 2 x 2 max pool folds in (LeNet-5's first).
   */
  int8Layers?: string[];
}

/** The dtype a file's weights are stored in (the first quantized one), or float32. */
function storedAs(artifacts: tf.io.ModelArtifacts): string {
  const q = (artifacts.weightSpecs ?? []).find((s) => s.quantization != null)?.quantization?.dtype;
  return q ? String(q) : 'float32';
}

/** The median of `xs` (not empty): the middle value, or the mean of the middle two for an even count. */
export function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export async function evaluateCommand(
  target: string,
  options: EvaluateCommandOptions,
  out: Output,
): Promise<EvaluateResult> {
  const rounds = options.rounds ?? 3;
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new ConfigError(`evaluate needs rounds >= 1 (a whole number), got ${rounds}.`);
  const artifacts = await readSaved(target);
  const { loadQuantized, quantizeForInference } = await import('@tensorfold/compress');
  const weights = storedAs(artifacts);
  const float = await loadQuantized(artifacts, { compile: false });
  const models: Model[] = [float];
  try {
    if (options.int8 || weights === 'int8') models.push(quantizeForInference(float));
    const data = await loadDataset(options.dataset, { limit: 1 });
    try {
      const fitted = fitImagesToModel(float as Sequential, data.train.x, data.test.x);
      const count = Math.min(options.limit ?? data.test.count, data.test.count);
      const x = fitted.test.slice(0, count);
      const labels = (await data.test.y.slice(0, count).data()) as Float32Array | Int32Array;
      try {
        const correct: number[] = [];
        const times: number[][] = models.map(() => []);
        // round 0 warms up (and gives the predictions); the models alternate in every round
        for (let round = 0; round <= rounds; round++) {
          for (let i = 0; i < models.length; i++) {
            const start = performance.now();
            const y = models[i].predict(x) as tf.Tensor; // [count, classes]
            const predicted = tf.tidy(() => tf.argMax(y, -1));
            const classes = (await predicted.data()) as Int32Array;
            const ms = performance.now() - start;
            tf.dispose([y, predicted]);
            if (round === 0) correct.push(classes.reduce((n, c, j) => n + (c === labels[j] ? 1 : 0), 0));
            else times[i].push(ms);
          }
        }
        const rows: EvaluateRow[] = models.map((_, i) => {
          const msPer1000 = (median(times[i]) / count) * 1000;
          return {
            model: i === 0 ? 'float32' : 'int8 kernels',
            accuracy: correct[i] / count,
            msPer1000,
            imagesPerSecond: 1e6 / msPer1000,
          };
        });
        const result: EvaluateResult = {
          dataset: options.dataset,
          backend: describeBackend(backendInfo()),
          weights,
          images: count,
          rows,
          ...(rows.length > 1
            ? {
                speedup: rows[0].msPer1000 / rows[1].msPer1000,
                int8Layers: models[1].layers
                  .filter((l) => l.className.startsWith('Int8'))
                  // an Int8DenseStack stands for several Dense layers
                  .flatMap((l) => {
                    const stacked = (l as { layerNames?: string[] }).layerNames;
                    return stacked?.length ? stacked : [l.name];
                  }),
              }
            : {}),
        };
        out.line(
          `${target} (${weights} weights) on ${count} ${options.dataset} test images, ${result.backend}:`,
        );
        table(
          [
            ['model', 'test accuracy', 'ms / 1000 images', 'images / s'],
            ...rows.map((r) => [
              r.model,
              percent(r.accuracy),
              r.msPer1000.toFixed(1),
              r.imagesPerSecond.toFixed(0),
            ]),
          ],
          out.line,
        );
        if (result.speedup != null)
          out.line(
            `int8 kernels (${result.int8Layers?.join(', ')}): ${result.speedup.toFixed(2)}x the float32 throughput (median of ${rounds} rounds)`,
          );
        return result;
      } finally {
        tf.dispose(x);
        fitted.dispose();
      }
    } finally {
      data.dispose();
    }
  } finally {
    for (const m of models) m.dispose();
  }
}
