import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, DataError } from '@tensorfold/core';
import { encode as encodePng } from 'fast-png';
import { afterAll, describe, expect, it } from 'vitest';
import { trainCommand } from './commands/train.js';
import { quietOutput as quiet } from './test-utils/quiet-output.js';

const root = mkdtempSync(join(tmpdir(), 'tensorfold-cli-folders-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A 12x12 RGB PNG: class "top" is bright in its top half, "bottom" in its bottom half, with noise. */
function png(bright: 'top' | 'bottom', seed: number): Uint8Array {
  const data = new Uint8Array(12 * 12 * 3);
  for (let r = 0; r < 12; r++)
    for (let c = 0; c < 12; c++)
      for (let k = 0; k < 3; k++) {
        const lit = bright === 'top' ? r < 6 : r >= 6;
        data[(r * 12 + c) * 3 + k] = (lit ? 200 : 30) + ((seed * 31 + r * 7 + c * 13 + k) % 40);
      }
  return encodePng({ width: 12, height: 12, data, channels: 3 });
}

function imageFolder(name: string, classes: Array<'top' | 'bottom'>, perClass: number): string {
  const dir = join(root, name);
  for (const cls of classes) {
    mkdirSync(join(dir, cls), { recursive: true });
    for (let i = 0; i < perClass; i++) writeFileSync(join(dir, cls, `${i}.png`), png(cls, i));
  }
  return dir;
}

const base = {
  optimizer: 'adam' as const,
  validationSplit: 0,
  backend: 'wasm' as const,
  seed: 3,
  json: true,
};

describe('tensorfold train on an image folder, with --augment, --early-stopping and --history', () => {
  it('trains a model on one sub-folder per class and writes the per-epoch logs', async () => {
    const dir = imageFolder('shapes', ['top', 'bottom'], 20);
    const history = join(root, 'history.json');
    const result = await trainCommand(
      {
        ...base,
        model: 'stackedconvnet',
        dataset: dir,
        epochs: 8,
        batchSize: 8,
        validationSplit: 0.25,
        augment: true,
        earlyStopping: 2,
        history,
      },
      quiet,
    );
    // 40 images: every fifth of a class is held out (8), the rest split 75/25 for validation.
    expect(result.testSamples).toBe(8);
    const logs = JSON.parse(readFileSync(history, 'utf8')) as Record<string, number[]>;
    expect(logs.epoch[0]).toBe(1);
    expect(logs.epoch.length).toBe(result.epochs);
    expect(logs.loss.length).toBe(result.epochs);
    expect(logs.val_loss.length).toBe(result.epochs);
    expect(result.historyFile).toBe(history);
    expect(result.testAccuracy).toBeGreaterThanOrEqual(0.75);
  });

  it('stops early when the loss stops improving', async () => {
    const dir = join(root, 'shapes');
    const result = await trainCommand(
      {
        ...base,
        model: 'stackedconvnet',
        dataset: dir,
        epochs: 60,
        batchSize: 8,
        earlyStopping: 1,
        lr: 0.005,
      },
      quiet,
    );
    expect(result.epochs).toBeLessThan(60);
  });

  it('refuses a folder with one class, and a --history in a missing folder', async () => {
    const one = imageFolder('one-class', ['top'], 3);
    await expect(trainCommand({ ...base, model: 'stackedconvnet', dataset: one }, quiet)).rejects.toThrow(
      DataError,
    );
    await expect(trainCommand({ ...base, model: 'stackedconvnet', dataset: one }, quiet)).rejects.toThrow(
      /one class folder \(top\).*at least two/,
    );
    await expect(
      trainCommand(
        { ...base, model: 'stackedconvnet', dataset: 'mnist', history: join(root, 'nope', 'h.json') },
        quiet,
      ),
    ).rejects.toThrow(ConfigError);
  });
});
