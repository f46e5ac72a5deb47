import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, DataError } from '@tensorfold/core';
import { decode, encode as encodePng } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainCommand } from './commands/explain.js';
import { finetuneCommand } from './commands/finetune.js';
import { loadSavedModel } from './commands/load-saved.js';
import { trainCommand } from './commands/train.js';
import { quietOutput as quiet } from './test-utils/quiet-output.js';

const root = mkdtempSync(join(tmpdir(), 'tensorfold-cli-explain-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function png(size: number, channels: 1 | 3, bright: 'top' | 'bottom', seed: number): Uint8Array {
  const data = new Uint8Array(size * size * channels);
  for (let i = 0; i < data.length; i++) {
    const r = Math.floor(i / channels / size);
    const lit = bright === 'top' ? r < size / 2 : r >= size / 2;
    data[i] = (lit ? 200 : 30) + ((seed * 17 + i * 7) % 40);
  }
  return encodePng({ width: size, height: size, data, channels });
}

const saved = join(root, 'model');
beforeAll(async () => {
  for (const cls of ['bottom', 'top'] as const) {
    mkdirSync(join(root, 'data', cls), { recursive: true });
    for (let i = 0; i < 10; i++) writeFileSync(join(root, 'data', cls, `${i}.png`), png(12, 3, cls, i));
  }
  writeFileSync(join(root, 'top.png'), png(12, 3, 'top', 99));
  writeFileSync(join(root, 'big-gray.png'), png(24, 1, 'top', 5));
  await trainCommand(
    {
      model: 'stackedconvnet',
      dataset: join(root, 'data'),
      epochs: 4,
      batchSize: 4,
      optimizer: 'adam',
      validationSplit: 0,
      backend: 'wasm',
      seed: 1,
      json: true,
      out: saved,
    },
    quiet,
  );
});

describe('tensorfold explain', () => {
  it('writes the Grad-CAM heatmap, the feature maps and filter patterns as pictures (and numbers with --data)', async () => {
    const out = join(root, 'explain');
    const files = await explainCommand(
      {
        model: saved,
        image: join(root, 'top.png'),
        out,
        gradcam: true,
        activations: true,
        filters: true,
        steps: 3,
        data: true,
      },
      quiet,
    );
    const names = files.map((f) => f.slice(out.length + 1));
    for (const name of ['activations-conv1', 'filters-conv3'])
      expect(names).toEqual(expect.arrayContaining([`${name}.png`, `${name}.svg`]));
    expect(names).toContain('activations-conv1.json');
    expect(names).toContain('filter-conv3-0.json');
    const cam = files.find((f) => /gradcam-class\d\.json$/.test(f)) as string;
    expect(names).toContain(cam.slice(out.length + 1).replace('.json', '.png'));
    // The heatmap at the resolution of the last conv layer (conv3 of 12x12 images: 3x3), not its pooling.
    expect(JSON.parse(readFileSync(cam, 'utf8')).shape).toEqual([3, 3]);
    const maps = JSON.parse(readFileSync(join(out, 'activations-conv1.json'), 'utf8'));
    expect(maps.shape).toEqual([1, 12, 12, 16]);
    // 16 feature maps of conv1 in one picture, 2x scale: wider than 4 columns of 12x6 px.
    const png = decode(readFileSync(join(out, 'activations-conv1.png')));
    expect(png.width).toBeGreaterThan(4 * 12 * 6 * 2);
    const summary = JSON.parse(readFileSync(join(out, 'explain.json'), 'utf8'));
    expect(summary.files).toEqual(files);
    expect(summary.gradcam.layer).toBe('conv3');
  });

  it('says what size the model takes and offers --resize; names unknown layers', async () => {
    const image = join(root, 'big-gray.png');
    const out = join(root, 'explain-2');
    await expect(explainCommand({ model: saved, image, out, gradcam: true }, quiet)).rejects.toThrow(
      DataError,
    );
    await expect(explainCommand({ model: saved, image, out, gradcam: true }, quiet)).rejects.toThrow(
      /24x24 with 1 channel\(s\), but the model takes 12x12 with 3: pass --resize/,
    );
    const files = await explainCommand({ model: saved, image, out, gradcam: true, resize: true }, quiet);
    expect(files.length).toBe(2); // .png and .svg
    // The picture shows the image as the model took it: 12x12 RGB (the gray image resized, repeated).
    const summary = JSON.parse(readFileSync(join(out, 'explain.json'), 'utf8'));
    expect(summary.gradcam.size).toEqual([3, 3]);
    expect(readFileSync(files[1], 'utf8')).toMatch(/<image[^>]*width="240"[^>]*height="240"/);
    await expect(
      explainCommand({ model: saved, image, out, activations: true, resize: true, layer: 'conv9' }, quiet),
    ).rejects.toThrow(/no layer "conv9". Its layers: .*conv1/);
    await expect(explainCommand({ model: saved, image, out }, quiet)).rejects.toThrow(ConfigError);
  });
});

describe('tensorfold finetune', () => {
  it('puts a new head on the shipped digits base, then fine-tunes it', async () => {
    const result = await finetuneCommand(
      {
        base: 'digits-base',
        dataset: 'mnist',
        epochs: 4,
        batchSize: 32,
        lr: 1e-3,
        unfreezeFrom: 'c3',
        fineTuneEpochs: 1,
        fineTuneLr: 1e-4,
        limit: 500,
        seed: 2,
        out: join(root, 'tuned'),
      },
      quiet,
    );
    expect(result.testSamples).toBe(10000);
    expect(result.headAccuracy).toBeGreaterThan(0.6); // 10 classes: chance is 0.1
    expect(result.testAccuracy).toBeGreaterThan(0.6);
    expect(result.savedTo).toBe(join(root, 'tuned'));
  });

  it("refuses a base whose input size is not the dataset's", async () => {
    await expect(
      finetuneCommand(
        {
          base: saved,
          dataset: 'mnist',
          epochs: 1,
          batchSize: 32,
          lr: 1e-3,
          fineTuneEpochs: 1,
          fineTuneLr: 1e-4,
          limit: 10,
          seed: 2,
        },
        quiet,
      ),
    ).rejects.toThrow(/takes 12x12x3 images but the dataset has 28x28x1; pass --resize/);
  });

  it('with --resize, fine-tunes the 28x28 gray digits base on 12x12 RGB images, resized inside the model', async () => {
    const result = await finetuneCommand(
      {
        base: 'digits-base',
        dataset: join(root, 'data'),
        epochs: 6,
        batchSize: 4,
        lr: 3e-3,
        unfreezeFrom: 'c3',
        fineTuneEpochs: 1,
        fineTuneLr: 1e-4,
        seed: 2,
        resize: true,
        out: join(root, 'resized'),
      },
      quiet,
    );
    expect(result.resizedFrom).toEqual([12, 12, 3]);
    expect(result.testAccuracy).toBeGreaterThanOrEqual(0.75); // 2 classes (bright top or bottom half)
    const reloaded = await loadSavedModel(join(root, 'resized'));
    expect(reloaded.inputs[0].shape).toEqual([null, 12, 12, 3]);
    expect(reloaded.layers.map((l) => l.name).slice(0, 4)).toEqual([
      'input_images',
      'input_resizing',
      'input_channels',
      'c1',
    ]);
    reloaded.dispose();
  });
});
