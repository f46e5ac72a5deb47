import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@tensorfold/backend';
import { ConfigError, sequential, setSeed } from '@tensorfold/core';
import { fileSystem } from '@tensorfold/core/node';
import { conv2d, dense, flatten, maxPooling2d } from '@tensorfold/layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Output } from './output.js';
import { buildProgram } from './program.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'tensorfold-compress-'));
  dirs.push(d);
  return d;
};
let saved = '';

beforeAll(async () => {
  await initBackend({ require: 'wasm' });
  setSeed(1);
  const model = sequential({
    layers: [
      conv2d({ filters: 8, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
      maxPooling2d({ poolSize: 2 }),
      conv2d({ filters: 16, kernelSize: 3, activation: 'relu' }),
      maxPooling2d({ poolSize: 4 }),
      flatten(),
      dense({ units: 32, activation: 'relu' }),
      dense({ units: 10, activation: 'softmax' }),
    ],
  });
  saved = join(tempDir(), 'net');
  await model.save(fileSystem(saved));
  model.dispose();
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function run(args: string[]): Promise<string[]> {
  const lines: string[] = [];
  const output = (): Output => ({
    line: (t) => lines.push(t),
    error: (t) => lines.push(t),
    progress: { write: () => true, isTTY: false },
  });
  await buildProgram(output).parseAsync(['node', 'tensorfold', ...args]);
  return lines;
}

describe('tensorfold quantize', () => {
  it('writes a 4x smaller uint8 model and tests it; refuses to quantize it again', async () => {
    const out = join(tempDir(), 'q');
    const lines = await run([
      'quantize',
      saved,
      '--dtype',
      'uint8',
      '--out',
      out,
      '--dataset',
      'mnist',
      '--json',
    ]);
    const result = JSON.parse(lines.at(-1) as string);
    expect(result.bytesBefore / result.bytesAfter).toBeCloseTo(4, 5);
    expect(Math.abs(result.accuracyBefore - result.accuracyAfter)).toBeLessThan(0.02); // an untrained net: chance level
    const manifest = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
    expect(manifest.weightsManifest[0].weights[0].quantization.dtype).toBe('uint8');
    await expect(run(['quantize', out, '--out', join(tempDir(), 'again')])).rejects.toThrow(
      /already quantized/,
    );
  }, 120_000);
});

describe('tensorfold compress', () => {
  it('decomposes the Dense layers by SVD, fine-tunes, prints the table and saves', async () => {
    const out = join(tempDir(), 'c');
    const lines = await run([
      'compress',
      saved,
      '--method',
      'svd',
      '--rank',
      '4',
      '--finetune-epochs',
      '1',
      '--limit',
      '512',
      '--out',
      out,
      '--json',
    ]);
    const result = JSON.parse(lines.at(-1) as string);
    expect(result.layers.map((l: { layer: string }) => l.layer)).toEqual(['dense', 'dense_1']);
    expect(result.layers[0]).toMatchObject({
      ranks: [4],
      paramsBefore: 64 * 32 + 32,
      paramsAfter: 4 * (64 + 32) + 32,
    });
    expect(result.paramsAfter).toBeLessThan(result.paramsBefore);
    expect(lines.join('\n')).toMatch(/fine-tuned \(1 epochs\)/);
    expect(readFileSync(join(out, 'model.json'), 'utf8')).toContain('dense_svd_in');
  }, 180_000);

  it('--layers picks the layers', async () => {
    const lines = await run([
      'compress',
      saved,
      '--method',
      'tucker',
      '--layers',
      'conv2d_1',
      '--rank',
      '2',
      '--finetune-epochs',
      '0',
      '--json',
    ]);
    const result = JSON.parse(lines.at(-1) as string);
    expect(result.layers.map((l: { layer: string }) => l.layer)).toEqual(['conv2d_1']);
    expect(result.layers[0].ranks).toEqual([2, 2]);
  }, 120_000);

  it('says what is wrong: a layer the method cannot take, a rank too large', async () => {
    await expect(run(['compress', saved, '--method', 'tt', '--finetune-epochs', '0'])).rejects.toThrow(
      ConfigError,
    );
    await expect(
      run(['compress', saved, '--method', 'svd', '--rank', '65', '--finetune-epochs', '0']),
    ).rejects.toThrow(/rank 65 of layer "dense" is larger than the layer allows \(32\)/);
  }, 60_000);
});

describe('tensorfold export', () => {
  it('writes an ONNX file', async () => {
    const file = join(tempDir(), 'net.onnx');
    const lines = await run(['export', saved, '--onnx', file, '--json']);
    const result = JSON.parse(lines.at(-1) as string);
    const bytes = readFileSync(file);
    expect(bytes.length).toBe(result.bytes);
    expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0x08, 0x07])); // ModelProto field 1 (ir_version) = 7
  }, 60_000);
});
