// `tensorfold train forecaster | spam | charlm` and `generate-text`, on small parts of the real data.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, SerializationError } from '@tensorfold/core';
import { afterAll, describe, expect, it } from 'vitest';
import type { Output } from './output.js';
import { buildProgram } from './program.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function run(args: string[]): Promise<string[]> {
  const lines: string[] = [];
  const output = (): Output => ({
    line: (t) => lines.push(t),
    data: (t) => lines.push(t),
    error: (t) => lines.push(t),
    progress: { write: () => true, isTTY: false },
  });
  await buildProgram(output).parseAsync(['node', 'tensorfold', ...args]);
  return lines;
}

describe('tensorfold train, recurrent models', () => {
  it('forecaster on seattle-weather reports the model beside persistence', async () => {
    const lines = await run([
      'train',
      'forecaster',
      '--window',
      '14',
      '--epochs',
      '1',
      '--limit',
      '64',
      '--json',
    ]);
    const result = JSON.parse(lines.at(-1) as string);
    expect(result).toMatchObject({
      model: 'forecaster',
      dataset: 'seattle-weather',
      baselineName: 'persistence',
    });
    expect(result.baseline).toBeGreaterThan(1); // persistence MAE in degrees C on 2015
    expect(result.baseline).toBeLessThan(4);
    expect(lines.join('\n')).toMatch(/Test MAE: forecaster [\d.]+ degrees C, persistence/);
  }, 120_000);

  it('refuses a window longer than the series, saying so', async () => {
    await expect(run(['train', 'forecaster', '--dataset', 'stocks', '--window', '200'])).rejects.toThrow(
      /longer than the series/,
    );
    await expect(run(['train', 'forecaster', '--dataset', 'mnist'])).rejects.toThrow(ConfigError);
    await expect(run(['train', 'lenet5', '--window', '5'])).rejects.toThrow(
      /--window does not apply to lenet5: --window applies to the recurrent models \(forecaster, /,
    );
  });

  it('charlm on names saves a model that generate-text continues, the same for the same seed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tensorfold-charlm-'));
    dirs.push(dir);
    const out = join(dir, 'names');
    const lines = await run([
      'train',
      'charlm',
      '--dataset',
      'female-first-names',
      '--limit',
      '3000',
      '--window',
      '8',
      '--epochs',
      '1',
      '--out',
      out,
    ]);
    expect(lines.join('\n')).toMatch(/Held-out bits per character: charlm [\d.]+ .*bigram [\d.]+/);
    expect(JSON.parse(readFileSync(join(out, 'sequence.json'), 'utf8')).task).toBe('generate-text');
    const args = ['generate-text', out, '--temperature', '0.5', '--length', '20', '--seed', '1', '--json'];
    const [a, b] = [
      JSON.parse((await run(args)).at(-1) as string),
      JSON.parse((await run(args)).at(-1) as string),
    ];
    expect(a.text).toHaveLength(20);
    expect(b.text).toBe(a.text);
    await expect(run(['generate-text', out, '--temperature', '0'])).rejects.toThrow();
    await expect(run(['generate-text', dir])).rejects.toThrow(SerializationError);
  }, 180_000);
});
