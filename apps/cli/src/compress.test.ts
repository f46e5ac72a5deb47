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

describe('tensorfold evaluate', () => {
  it('runs an int8 file on the int8 kernels beside float32: accuracy and throughput', async () => {
    const int8 = join(tempDir(), 'int8');
    const quantized = await run(['quantize', saved, '--dtype', 'int8', '--out', int8]);
    expect(quantized.join('\n')).toContain(`tensorfold evaluate ${int8}`);
    const lines = await run(['evaluate', int8, '--dataset', 'mnist', '--limit', '256', '--json']);
    const result = JSON.parse(lines.at(-1) as string);
    expect(result).toMatchObject({ dataset: 'mnist', weights: 'int8', images: 256 });
    expect(result.rows.map((r: { model: string }) => r.model)).toEqual(['float32', 'int8 kernels']);
    // conv2d (3x3x1: 9 inputs, under minInputs) is replaced all the same (its 2 x 2 max pool folds in);
    // the two dense layers run as one Int8DenseStack
    expect(result.int8Layers).toEqual(['conv2d', 'conv2d_1', 'dense', 'dense_1']);
    const [float, q] = result.rows;
    expect(Math.abs(float.accuracy - q.accuracy)).toBeLessThan(0.05); // an untrained net: chance level, close predictions
    expect(q.imagesPerSecond).toBeGreaterThan(0);
    expect(result.speedup).toBeCloseTo(float.msPer1000 / q.msPer1000, 6);
    expect(lines.join('\n')).toMatch(
      /int8 kernels \(conv2d, conv2d_1, dense, dense_1\): [\d.]+x the float32 throughput/,
    );
  }, 120_000);

  it('tests a float32 model alone, or also on the int8 kernels with --int8', async () => {
    const alone = JSON.parse((await run(['evaluate', saved, '--limit', '64', '--json'])).at(-1) as string);
    expect(alone.rows.map((r: { model: string }) => r.model)).toEqual(['float32']);
    expect(alone.weights).toBe('float32');
    expect(alone.speedup).toBeUndefined();
    const both = JSON.parse(
      (await run(['evaluate', saved, '--int8', '--limit', '64', '--json'])).at(-1) as string,
    );
    expect(both.rows).toHaveLength(2);
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
