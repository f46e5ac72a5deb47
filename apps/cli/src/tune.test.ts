import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { modelEntry } from './models.js';
import { runCli } from './test-utils/cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'tensorfold-tune-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tensorfold tune', () => {
  it('searches, prints each trial and the best, then the test accuracy of the best, logging each trial', () => {
    const logdir = join(dir, 'mlp');
    const args = ['tune', 'mlp', '--dataset', 'fashion-mnist', '--limit', '400', '--trials', '2'];
    const run = runCli([...args, '--epochs', '2', '--backend', 'wasm', '--logdir', logdir, '--json']);
    expect(run.stderr).toMatch(/Searching learningRate, batchSize/);
    expect(run.stderr).toMatch(/trial {3}0 {2}val_accuracy 0\.\d{4}/);
    expect(run.stderr).toMatch(/Test accuracy of the best: 0\.\d{4}/);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.trials).toHaveLength(2);
    expect(report.testAccuracy).toBeGreaterThan(0.3);
    expect(existsSync(join(logdir, 'trial-1', 'validation'))).toBe(true);
    expect(JSON.parse(readFileSync(join(logdir, 'tuner.json'), 'utf8')).trials).toHaveLength(2);
  }, 300_000);

  it("finds the model's own options by what they change: stackedconvnet takes dropout and blocks, mlp neither", async () => {
    const { tunableOptions } = await import('./commands/tune.js');
    const { initBackend } = await import('@tensorfold/backend');
    await initBackend({ require: 'cpu' });
    const base = { numClasses: 10, inputShape: [28, 28, 1] };
    expect(await tunableOptions(modelEntry('stackedconvnet'), base)).toEqual(['dropout', 'blocks']);
    expect(await tunableOptions(modelEntry('mlp'), base)).toEqual([]);
  }, 120_000);

  it('refuses a model that is not an image classifier and an unwritable logdir before loading data', () => {
    const run = runCli(['tune', 'perceptron']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('tune searches image classifiers');
    const bad = runCli(['tune', 'mlp', '--logdir', '/proc/tensorfold-tune']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('cannot be written');
    expect(bad.stdout).not.toContain('Data:');
  }, 120_000);
});
