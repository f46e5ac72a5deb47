import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Sequential, TrainingError, tf } from '@tensorfold/core';
import { afterAll, describe, expect, it } from 'vitest';
import { hasNonFiniteWeights } from './commands/divergence.js';
import { modelEntry } from './models.js';
import type { Output } from './output.js';
import { buildProgram } from './program.js';
import { runCli } from './test-utils/cli-process.js';

const out = mkdtempSync(join(tmpdir(), 'tensorfold-cli-diverge-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Every file of `dir` and its bytes. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f)).toString('base64')]));
}

describe('a run whose training diverges', () => {
  const small = ['train', 'mlp', '--limit', '256', '--epochs', '1', '--out', out, '--json'];

  it('fails with exit code 1 and a message naming --lr, and leaves an earlier save untouched', () => {
    const good = runCli([...small, '--backend', 'wasm']);
    expect(good.code).toBe(0);
    const before = snapshot(out);
    expect(Object.keys(before)).toContain('model.json');

    // On both backends the loss turns NaN and fit refuses the step. (NaN weights under a finite loss,
    // which XNNPACK can produce on WASM, are caught after fit: see hasNonFiniteWeights below.)
    for (const backend of ['cpu', 'wasm']) {
      const bad = runCli([...small, '--lr', '1e20', '--optimizer', 'sgd', '--backend', backend]);
      expect(bad.stderr).toMatch(
        /error: Training diverged: the (loss became NaN at|weights became NaN or infinite by) epoch 1, batch \d+\. Nothing was saved; .* is as it was\. Lower the learning rate: pass --lr 1e\+19 or less \(it was 1e\+20; the default is 0\.001\), or try --optimizer adam\./,
      );
      expect(bad.stderr).not.toMatch(/\bat .*\.ts:\d+/); // a message, not a stack trace
      expect(bad.stdout).not.toMatch(/Test accuracy|"model"/); // nothing reported as a result
      expect(bad.code).toBe(1);
      expect(snapshot(out)).toEqual(before);
    }
  });

  it('ends the progress bar line on a terminal before the error', async () => {
    let progress = '';
    const output = (): Output => ({
      line: () => {},
      error: () => {},
      progress: {
        write: (chunk: string) => {
          progress += chunk;
          return true;
        },
        isTTY: true,
        columns: 120,
      },
    });
    // Two batches on CPU: the second one's loss is NaN, in the middle of the epoch's bar.
    const args = ['train', 'mlp', '--limit', '256', '--epochs', '1', '--lr', '1e20', '--optimizer', 'sgd'];
    const run = buildProgram(output).parseAsync(['node', 'tensorfold', ...args, '--backend', 'cpu']);
    await expect(run).rejects.toThrow(TrainingError);
    expect(progress).toMatch(/Epoch 1\/1 +1\/2 /);
    expect(progress.endsWith('\n')).toBe(true);
  });
});

describe('hasNonFiniteWeights', () => {
  it('finds a NaN or an infinity in any one weight, and leaves no tensor behind', async () => {
    const model = (await modelEntry('lenet5').build({ numClasses: 10 })) as Sequential;
    try {
      const before = tf.memory().numTensors;
      expect(await hasNonFiniteWeights(model)).toBe(false);
      for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
        // The first layer's kernel and the last layer's bias.
        for (const weight of [model.weights[0], model.weights[model.weights.length - 1]]) {
          const good = weight.read().clone();
          const values = good.dataSync().slice();
          values[values.length - 1] = bad;
          const broken = tf.tensor(values, weight.shape);
          weight.write(broken);
          expect(await hasNonFiniteWeights(model)).toBe(true);
          weight.write(good);
          tf.dispose([good, broken]);
        }
      }
      expect(await hasNonFiniteWeights(model)).toBe(false);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      model.dispose();
    }
  });
});
