import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Output } from '../output.js';
import { buildProgram } from '../program.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'tensorfold-plot-'));
  dirs.push(d);
  return d;
}

let progress = '';

async function run(args: string[]): Promise<string[]> {
  const lines: string[] = [];
  progress = '';
  const output = (): Output => ({
    line: (t) => lines.push(t),
    error: (t) => lines.push(t),
    progress: {
      write: (chunk: string) => {
        progress += chunk;
        return true;
      },
      isTTY: false,
    },
  });
  await buildProgram(output).parseAsync(['node', 'tensorfold', ...args]);
  return lines;
}

describe('tensorfold plot', () => {
  const dir = tempDir();
  const file = join(dir, 'history.json');
  writeFileSync(
    file,
    JSON.stringify({ loss: [1, 0.5, 0.3], val_loss: [1.1, 0.7, null], accuracy: [0.5, 0.8, 0.9] }),
  );

  it('writes the learning curves as SVG, and says what it left as gaps', async () => {
    const out = join(dir, 'curves.svg');
    const lines = await run(['plot', file, '--out', out]);
    const svg = readFileSync(out, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('>loss</title>');
    expect(svg).toContain('>accuracy</title>');
    expect(lines[0]).toBe(`Wrote ${out} (loss, accuracy)`);
    expect(lines[1]).toMatch(/^Note: validation loss has 1 missing value/);
  });

  it('writes PNG at twice the size', async () => {
    const out = join(dir, 'curves.png');
    await run(['plot', file, '--out', out, '--metrics', 'loss']);
    const png = readFileSync(out);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(800); // IHDR width
  });

  it('draws in the terminal by default', async () => {
    const lines = await run(['plot', file, '--metrics', 'loss']);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('loss by epoch');
    expect(lines[0]).toContain('⣿ loss   + val_loss');
  });

  it('says what is wrong with an empty history, a missing file or a wrong extension', async () => {
    const empty = join(dir, 'empty.json');
    writeFileSync(empty, '{"loss": []}');
    await expect(run(['plot', empty])).rejects.toThrow(/no epochs/);
    await expect(run(['plot', join(dir, 'nope.json')])).rejects.toThrow(/Cannot read .*nope\.json/);
    await expect(run(['plot', file, '--out', join(dir, 'curves.jpg')])).rejects.toThrow(
      /name the file \.svg or \.png/,
    );
    expect(existsSync(join(dir, 'curves.jpg'))).toBe(false);
  });
});

describe('tensorfold train --plot', () => {
  it('writes learning curves, the confusion matrix, test mistakes and history.json', async () => {
    const dir = join(tempDir(), 'plots');
    const lines = await run([
      'train',
      'mlp',
      '--dataset',
      'mnist',
      '--limit',
      '500',
      '--epochs',
      '2',
      '--backend',
      'wasm',
      '--validation-split',
      '0.2',
      '--plot',
      dir,
    ]);
    expect(lines.at(-1)).toBe(`Wrote plots to ${dir} (learning curves, confusion matrix, test mistakes)`);
    for (const f of [
      'learning-curves.svg',
      'learning-curves.png',
      'confusion-matrix.svg',
      'confusion-matrix.png',
      'mistakes.svg',
      'mistakes.png',
      'history.json',
    ])
      expect(existsSync(join(dir, f)), f).toBe(true);
    const saved = JSON.parse(readFileSync(join(dir, 'history.json'), 'utf8'));
    expect(saved.history.loss).toHaveLength(2);
    expect(saved.history.val_loss).toHaveLength(2);
    const cm = readFileSync(join(dir, 'confusion-matrix.svg'), 'utf8');
    expect(cm).toContain('over 10000 samples');
    const counts = [...cm.matchAll(/data-count="(\d+)"/g)].map((m) => Number(m[1]));
    expect(counts).toHaveLength(100);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(10000);
    const mistakes = readFileSync(join(dir, 'mistakes.svg'), 'utf8');
    expect(mistakes).toContain('First 25 test mistakes');
    expect(mistakes).not.toContain('class="frame correct"');
    expect(progress).toContain('Epoch 2/2'); // the progress bar, without --live
    // The history file plots again.
    const again = await run(['plot', join(dir, 'history.json'), '--metrics', 'loss']);
    expect(again[0]).toContain('loss by epoch');
  });
});

describe('tensorfold summary --diagram', () => {
  it('draws the layer graph of a built-in model', async () => {
    const file = join(tempDir(), 'lenet5.svg');
    const lines = await run(['summary', 'lenet5', '--diagram', file]);
    expect(lines.at(-1)).toBe(`Wrote the model diagram to ${file}`);
    const svg = readFileSync(file, 'utf8');
    expect(svg).toContain('role="img"');
    expect(svg).toMatch(/Total params: [\d,]+ \(trainable/);
    expect((svg.match(/class="layer"/g) ?? []).length).toBeGreaterThanOrEqual(5);
  });
});

describe('tensorfold train --live', () => {
  it('draws the loss chart instead of the progress bar', async () => {
    await run([
      'train',
      'mlp',
      '--dataset',
      'mnist',
      '--limit',
      '300',
      '--epochs',
      '2',
      '--backend',
      'wasm',
      '--validation-split',
      '0.2',
      '--live',
    ]);
    expect(progress).not.toContain('Epoch 1/2');
    expect(progress).toContain('loss by epoch');
    expect(progress).toContain('⣿ loss   + val_loss');
  });
});
