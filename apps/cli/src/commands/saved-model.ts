/** What `quantize` and `compress` share: reading a saved model, testing it on a dataset, timing it. */
import { initBackend } from '@tensorfold/backend';
import { type Model, type Sequential, SerializationError, type tf } from '@tensorfold/core';
import { fileSystem } from '@tensorfold/core/node';
import { loadDataset } from '../datasets.js';
import { fitImagesToModel } from './fit-images.js';

/** Reads the artifacts of the model saved in `dir` (registers the layer classes first). */
export async function readSaved(dir: string): Promise<tf.io.ModelArtifacts> {
  await initBackend({ prefer: 'wasm' });
  await import('@tensorfold/layers');
  await import('@tensorfold/compress'); // its QatDense layer
  const handler = fileSystem(dir);
  if (!handler.load) throw new SerializationError(`Cannot read a model from ${dir}.`);
  return handler.load();
}

/** Writes artifacts to `dir` (a new or empty directory). */
export async function writeArtifacts(dir: string, artifacts: tf.io.ModelArtifacts): Promise<void> {
  const handler = fileSystem(dir);
  if (!handler.save) throw new SerializationError(`Cannot write a model to ${dir}.`);
  await handler.save(artifacts);
}

/** Test accuracy (0..1) and inference time per 1000 images (milliseconds) of models on one dataset. */
export interface TestResult {
  accuracy: number;
  msPer1000: number;
}

/** Loads `dataset` once and tests each model on its test split (padding images the model needs larger). */
export async function testModels(models: Model[], dataset: string): Promise<TestResult[]> {
  const data = await loadDataset(dataset, { limit: 1 });
  try {
    const results: TestResult[] = [];
    for (const model of models) {
      const fitted = fitImagesToModel(model as Sequential, data.train.x, data.test.x);
      try {
        if (!model.isCompiled)
          model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
        const start = performance.now();
        const logs = await model.evaluate(fitted.test, data.test.y, { batchSize: 1000 });
        const ms = performance.now() - start;
        results.push({ accuracy: Number(logs.accuracy), msPer1000: (ms / data.test.count) * 1000 });
      } finally {
        fitted.dispose();
      }
    }
    return results;
  } finally {
    data.dispose();
  }
}

/** `0.98765` as `98.77%`. */
export const percent = (x: number) => `${(x * 100).toFixed(2)}%`;

/** Prints rows as a table with padded columns. */
export function table(rows: string[][], line: (text: string) => void): void {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const r of rows)
    line(
      r
        .map((cell, c) => cell.padEnd(widths[c]))
        .join('  ')
        .trimEnd(),
    );
}
