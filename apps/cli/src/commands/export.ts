/** `tensorfold export <saved> --onnx model.onnx`: writes a saved model as an ONNX file. */
import { writeFile } from 'node:fs/promises';
import { ConfigError } from '@tensorfold/core';
import type { Output } from '../output.js';
import { readSaved } from './saved-model.js';

export interface ExportResult {
  onnx: string;
  bytes: number;
}

export async function exportCommand(
  target: string,
  options: { onnx?: string },
  out: Output,
): Promise<ExportResult> {
  if (!options.onnx)
    throw new ConfigError(
      'Say where the file goes: --onnx model.onnx (ONNX is the one export format so far).',
    );
  const artifacts = await readSaved(target);
  const { exportOnnx, isQuantized, loadQuantized } = await import('@tensorfold/compress');
  if (isQuantized(artifacts))
    out.error(
      `note: ${target} holds quantized weights; the ONNX file gets them decoded to float32 (rounding error included).`,
    );
  const model = await loadQuantized(artifacts, { compile: false });
  try {
    const bytes = await exportOnnx(model);
    await writeFile(options.onnx, bytes);
    out.line(
      `wrote ${options.onnx} (${bytes.length} bytes, ONNX opset 13); run it with ONNX Runtime or serve it with Triton`,
    );
    return { onnx: options.onnx, bytes: bytes.length };
  } finally {
    model.dispose();
  }
}
