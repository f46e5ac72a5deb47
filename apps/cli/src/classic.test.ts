import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@tensorfold/core';
import { Perceptron } from '@tensorfold/models-classic';
import { afterAll, describe, expect, it } from 'vitest';
import type { Output } from './output.js';
import { buildProgram } from './program.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Runs the CLI in this process, capturing what it prints (result lines of --json included). */
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

describe('tensorfold train, classic neurons', () => {
  it("perceptron --dataset fruit prints each epoch, the boundary and the text's classifications", async () => {
    const text = (await run(['train', 'perceptron', '--dataset', 'fruit'])).join('\n');
    expect(text).toContain('Start: w = [-30, 300], w0 = -1230');
    expect(text).toContain('Epoch 1: w = [-27.72, 300.304], w0 = -1229.98, mistakes 1');
    expect(text).toContain('Epoch 2: w = [-27.72, 300.304], w0 = -1229.98, mistakes 0');
    expect(text).toContain('Converged after 2 epochs');
    expect(text).toContain('Boundary: -27.72·x1 + 300.304·x2 - 1229.98 = 0');
    expect(text).toContain('(180, 10) -> -1 (C2), (140, 20) -> +1 (C1), (140, 17.9) -> +1 (C1)');
  });

  it('perceptron defaults to its first dataset (fruit), and says when it cannot converge (xor)', async () => {
    expect((await run(['train', 'perceptron'])).join('\n')).toContain('fruit example');
    const text = (await run(['train', 'perceptron', '--dataset', 'xor', '--epochs', '20'])).join('\n');
    expect(text).toContain('Did not converge in 20 epochs');
    expect(text).toContain('tensorfold logic xor');
  });

  it('adaline --dataset iris separates setosa from versicolor', async () => {
    const lines = await run(['train', 'adaline', '--dataset', 'iris', '--json']);
    const result = JSON.parse(lines.at(-1) as string);
    expect(result).toMatchObject({
      model: 'adaline',
      dataset: 'iris',
      samples: 100,
      trainAccuracy: 1,
      mistakes: 0,
    });
    expect(
      lines.filter((l) => /^Epoch \d+: w = \[.*\], w0 = .*, mse .*, mistakes \d+$/.test(l)),
    ).toHaveLength(30);
  });

  it('madaline --dataset xor learns XOR by MRI and prints the hidden units', async () => {
    const lines = await run(['train', 'madaline', '--dataset', 'xor', '--json']);
    const text = lines.join('\n');
    expect(text).toMatch(/Epoch 1: Z1 w = \[.*\], b = .*; Z2 w = \[.*\], b = .*; mistakes \d/);
    expect(text).toContain('x = (1, 1): z = (-1, -1) -> y = -1');
    expect(JSON.parse(lines.at(-1) as string)).toMatchObject({ converged: true, trainAccuracy: 1 });
  });

  it('slp on Iris says which species one layer cannot separate', async () => {
    const text = (await run(['train', 'slp', '--epochs', '20'])).join('\n');
    expect(text).toContain('neuron 1 (setosa or not): separated');
    expect(text).toContain('neuron 2 (versicolor or not): NOT separated');
    expect(text).toContain('needs a hidden layer');
  });

  it('saves the trained model as JSON with --out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tensorfold-classic-'));
    dirs.push(dir);
    const out = join(dir, 'fruit');
    await run(['train', 'perceptron', '--dataset', 'fruit', '--out', out]);
    const p = Perceptron.fromJSON(readFileSync(join(out, 'model.json'), 'utf8'));
    expect(p.predict([[140, 17.9]])).toEqual([1]);
  });

  it('refuses datasets the model does not fit and flags of the image path, naming the fix', async () => {
    await expect(run(['train', 'perceptron', '--dataset', 'mnist'])).rejects.toThrow(ConfigError);
    await expect(run(['train', 'perceptron', '--dataset', 'mnist'])).rejects.toThrow(
      /pass --dataset with one of fruit/,
    );
    await expect(run(['train', 'adaline', '--optimizer', 'sgd'])).rejects.toThrow(
      /--optimizer does not apply to adaline/,
    );
  });
});

describe('tensorfold logic', () => {
  it('and: the truth table of w1 = w2 = 1, w0 = -1.5, and one neuron suffices', async () => {
    const text = (await run(['logic', 'and'])).join('\n');
    expect(text).toContain('y = step(1·x1 + 1·x2 - 1.5)');
    expect(text).toMatch(/1 {2}1 \| +0\.5 \| 1 \| 1/);
    expect(text).toContain('One neuron can realize AND');
  });

  it('xor: why one neuron cannot, and the two-layer network that can', async () => {
    const text = (await run(['logic', 'XOR'])).join('\n');
    expect(text).toContain('XOR cannot be computed by one neuron');
    expect(text).toContain('z1 = ¬x1 ∧ x2: w = [-1, 1], w0 = -0.5');
    expect(text).toContain(
      'One neuron cannot realize XOR; the two-layer network above does (all rows match).',
    );
    const json = JSON.parse((await run(['logic', 'xor', '--json'])).at(-1) as string);
    expect(json).toMatchObject({ function: 'xor', separable: false, matches: true });
  });

  it('knows nand, nor and not, and refuses other names', async () => {
    for (const name of ['nand', 'nor', 'not', 'or']) {
      const json = JSON.parse((await run(['logic', name, '--json'])).at(-1) as string);
      expect(json, name).toMatchObject({ separable: true, matches: true });
    }
    await expect(run(['logic', 'xnor'])).rejects.toThrow(
      /function must be one of and, or, xor, nand, nor, not/,
    );
  });

  it('models lists the classic neurons', async () => {
    const text = (await run(['models'])).join('\n');
    expect(text).toMatch(/perceptron[\s\S]*classic-neuron; datasets fruit/);
    expect(text).toMatch(/madaline/);
    expect(text).toMatch(/fruit +Seed 003's fruit example/);
  });
});

describe('tensorfold summary, classic neurons', () => {
  it('says a classic neuron has no layer table and where to look instead', async () => {
    await expect(run(['summary', 'perceptron'])).rejects.toThrow(
      /has no layer table: 'tensorfold models' describes it/,
    );
  });
});
