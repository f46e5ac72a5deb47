/**
 * `tensorfold quantize <saved> --dtype uint8|uint16|float16|int8 --out DIR`: post-training weight
 * quantization of a saved model (see @tensorfold/compress); with `--dataset`, the test accuracy before
 * and after.
 */
import { ConfigError } from '@tensorfold/core';
import { loadModel } from '@tensorfold/core/node';
import type { Output } from '../output.js';
import { percent, readSaved, table, testModels, writeArtifacts } from './saved-model.js';

/** Options of {@link quantizeCommand}. */
export interface QuantizeCommandOptions {
  dtype: 'float16' | 'uint8' | 'uint16' | 'int8';
  out: string;
  /** Test both models on this dataset's test split. */
  dataset?: string;
}

/** The sizes (and accuracies, with a dataset) before and after. */
export interface QuantizeResult {
  dtype: string;
  bytesBefore: number;
  bytesAfter: number;
  accuracyBefore?: number;
  accuracyAfter?: number;
}

export async function quantizeCommand(
  target: string,
  options: QuantizeCommandOptions,
  out: Output,
): Promise<QuantizeResult> {
  const artifacts = await readSaved(target);
  const { isQuantized, loadQuantized, modelWeightBytes, quantizeArtifacts } = await import(
    '@tensorfold/compress'
  );
  if (isQuantized(artifacts))
    throw new ConfigError(
      `${target} is already quantized; quantize the float32 model it came from (quantizing twice only adds rounding error).`,
    );
  const quantized = quantizeArtifacts(artifacts, { dtype: options.dtype });
  await writeArtifacts(options.out, quantized);
  const result: QuantizeResult = {
    dtype: options.dtype,
    bytesBefore: modelWeightBytes(artifacts),
    bytesAfter: modelWeightBytes(quantized),
  };
  const rows = [
    [
      'weights',
      'bytes (model weights; optimizer state left out)',
      ...(options.dataset ? ['test accuracy'] : []),
    ],
    ['float32', String(result.bytesBefore)],
    [options.dtype, String(result.bytesAfter)],
  ];
  if (options.dataset) {
    const before = await loadModel(artifacts, { compile: false });
    const after = await loadQuantized(quantized, { compile: false });
    try {
      const [a, b] = await testModels([before, after], options.dataset);
      result.accuracyBefore = a.accuracy;
      result.accuracyAfter = b.accuracy;
      rows[1].push(percent(a.accuracy));
      rows[2].push(percent(b.accuracy));
    } finally {
      before.dispose();
      after.dispose();
    }
  }
  table(rows, out.line);
  out.line(
    `saved to ${options.out} (${(result.bytesBefore / result.bytesAfter).toFixed(2)}x smaller weights)${options.dtype === 'int8' ? `; int8 files load with loadQuantized or loadForInference (the int8 kernels) from @tensorfold/compress, not in tfjs-layers; run it on the int8 kernels: tensorfold evaluate ${options.out} --dataset ${options.dataset ?? 'mnist'}` : ''}`,
  );
  return result;
}
