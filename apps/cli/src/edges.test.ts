import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './test-utils/cli-process.js';

const parent = mkdtempSync(join(tmpdir(), 'tensorfold-cli-edges-'));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

/** Every file of `dir` and its bytes. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f)).toString('base64')]));
}

const STACK = /\bat .*\.[jt]s:\d+/;

describe('a run whose loss stays finite but ends far above where it started', () => {
  it('is reported as diverged, exits 1 and keeps the earlier model unless --force', () => {
    const out = join(parent, 'mlp');
    const small = ['train', 'mlp', '--limit', '256', '--epochs', '1', '--backend', 'wasm', '--out', out];
    expect(runCli(small).code).toBe(0);
    const good = snapshot(out);
    // sgd at 1e10 keeps a finite loss on WASM (no NaN for the other checks), ending near 14 from 2.3
    const bad = runCli([...small, '--optimizer', 'sgd', '--lr', '1e10']);
    expect(bad.stderr).toMatch(
      /error: Training diverged: the training loss ended at [\d.]+, over 2 times the [\d.]+ it started from\. Nothing was saved; .* is as it was \(--force saves such a run anyway\)\. Lower the learning rate/,
    );
    expect(bad.stderr).not.toMatch(STACK);
    expect(bad.stdout).not.toMatch(/Test accuracy/);
    expect(bad.code).toBe(1);
    expect(snapshot(out)).toEqual(good);
    const forced = runCli([...small, '--optimizer', 'sgd', '--lr', '1e10', '--force']);
    expect(forced.stderr).toMatch(/Training diverged: .* the model was saved to .* anyway as --force asked/);
    expect(forced.code).toBe(1);
    expect(snapshot(out)).not.toEqual(good);
  });
});

describe('--out', () => {
  it('that cannot be written is refused before loading data, even as root (/proc/x)', () => {
    const result = runCli(['train', 'mlp', '--limit', '64', '--backend', 'cpu', '--out', '/proc/x']);
    expect(result.stderr).toMatch(/--out \/proc\/x cannot be written/);
    expect(result.stdout).not.toMatch(/Data:|Epoch/);
    expect(result.code).toBe(2);
  });
});

describe('tensorfold summary on a damaged model', () => {
  it('prints a message naming the fix, not a stack trace (and a table despite NaN weights)', () => {
    const dir = join(parent, 'damaged');
    expect(
      runCli(['train', 'mlp', '--limit', '64', '--epochs', '1', '--backend', 'wasm', '--out', dir]).code,
    ).toBe(0);
    // NaN in the weights (a diverged run saved by hand): the table needs only the structure
    const shard = readdirSync(dir).find((f) => f.endsWith('.bin')) as string;
    const bytes = readFileSync(join(dir, shard));
    bytes.writeFloatLE(Number.NaN, 0);
    writeFileSync(join(dir, shard), bytes);
    const nan = runCli(['summary', dir]);
    expect(nan.stdout).toMatch(/Total params: 535,818/);
    expect(nan.code).toBe(0);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    json.weightsManifest[0].weights[0] = null;
    writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
    const result = runCli(['summary', dir]);
    expect(result.stderr).toMatch(
      /^error: Weights manifest entry 0 must be an object .*re-save the model\.\n$/,
    );
    expect(result.stderr).not.toMatch(STACK);
    expect(result.code).toBe(1);
  });
});

describe('lenet5-classic', () => {
  it('is listed, summarized with 61,706 parameters and trained on MNIST padded to 32x32', () => {
    const summary = runCli(['summary', 'lenet5-classic']);
    expect(summary.stdout).toMatch(/Total params: 61,706/);
    expect(summary.code).toBe(0);
    const run = runCli(['train', 'lenet5-classic', '--limit', '128', '--backend', 'wasm', '--json']);
    expect(run.stderr).toMatch(/Data: padded the 28x28 images to 32x32 with 2 zero pixel\(s\) on each side/);
    expect(JSON.parse(run.stdout.trim().split('\n').at(-1) as string)).toMatchObject({
      model: 'lenet5-classic',
      params: 61_706,
      trainSamples: 128,
    });
    expect(run.code).toBe(0);
  });
});

describe('--dataset', () => {
  it('names the loaders to use for other data', () => {
    const result = runCli(['train', 'mlp', '--dataset', 'cifar10']);
    expect(result.stderr).toMatch(
      /Allowed choices are mnist, fashion-mnist, .*For other data, .*loadImageFolder\(dir\).*readCsv\(path\).*loadIris\(\)/,
    );
    expect(result.code).toBe(2);
  });

  it('sends a dataset of other models to the models that take it, before anything starts', () => {
    const result = runCli(['train', 'mlp', '--dataset', 'iris']);
    expect(result.stderr).toMatch(
      /mlp trains on images \(mnist, fashion-mnist or a folder of images.*\); "iris" is for perceptron, adaline.*: tensorfold train perceptron --dataset iris\./,
    );
    expect(result.stdout).not.toContain('Backend:');
    expect(result.code).toBe(1);
  });
});
