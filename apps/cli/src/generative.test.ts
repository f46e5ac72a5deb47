import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './test-utils/cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'tensorfold-generative-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tensorfold train and generate for generative models', () => {
  it('trains a 2-D VAE on MNIST, reports its test ELBO terms, and draws samples and its latent grid', () => {
    const out = join(dir, 'vae');
    const train = runCli([
      'train',
      'vae',
      '--limit',
      '600',
      '--epochs',
      '1',
      '--latent',
      '2',
      '--backend',
      'wasm',
      '--out',
      out,
      '--json',
    ]);
    expect(train.stderr).toContain('Test negative elbo per image');
    expect(train.code).toBe(0);
    const result = JSON.parse(train.stdout.trim());
    expect(result.model).toBe('vae');
    expect(Object.keys(result.train).sort()).toEqual(['kl_loss', 'loss', 'reconstruction_loss']);
    expect(result.test.negative_elbo_per_image).toBeCloseTo(
      result.test.reconstruction_loss_per_image + result.test.kl_loss_per_image,
      2,
    );

    const samples = join(dir, 'samples.png');
    const generated = runCli(['generate', out, '--count', '6', '--seed', '3', '--out', samples]);
    expect(generated.code).toBe(0);
    const picture = decode(readFileSync(samples));
    // 6 samples of 28 x 28 in a grid of 3 columns and 2 rows, 2 pixels apart and around.
    expect([picture.width, picture.height]).toEqual([3 * 30 + 2, 2 * 30 + 2]);
    const again = join(dir, 'again.png');
    runCli(['generate', out, '--count', '6', '--seed', '3', '--out', again]);
    expect(readFileSync(again)).toEqual(readFileSync(samples));

    const grid = join(dir, 'grid.png');
    expect(runCli(['generate', out, '--latent-grid', '4', '--out', grid]).code).toBe(0);
    expect(decode(readFileSync(grid)).width).toBe(4 * 28); // edge to edge, as Keras draws it
  }, 300_000);

  it('trains a DCGAN a little, saves both players, and names what generate cannot do', () => {
    const out = join(dir, 'dcgan');
    const train = runCli([
      'train',
      'dcgan',
      '--limit',
      '128',
      '--epochs',
      '1',
      '--batch-size',
      '64',
      '--latent',
      '8',
      '--backend',
      'wasm',
      '--out',
      out,
    ]);
    expect(train.stdout).toMatch(/d_loss: [\d.]+ - g_loss: [\d.]+/);
    expect(train.code).toBe(0);
    const samples = join(dir, 'gan.png');
    expect(runCli(['generate', out, '--count', '4', '--out', samples]).code).toBe(0);
    const grid = runCli(['generate', out, '--latent-grid', '3', '--out', samples]);
    expect(grid.code).toBe(1);
    expect(grid.stderr).toContain("--latent-grid walks a VAE's latent space");
    // The truncation trick: the same pictures for the same seed and threshold, others than untruncated.
    const plain = join(dir, 'plain.png');
    const truncated = join(dir, 'truncated.png');
    const truncatedAgain = join(dir, 'truncated-again.png');
    expect(runCli(['generate', out, '--count', '4', '--seed', '2', '--out', plain]).code).toBe(0);
    for (const file of [truncated, truncatedAgain]) {
      const run = runCli([
        'generate',
        out,
        '--count',
        '4',
        '--seed',
        '2',
        '--truncation',
        '0.5',
        '--out',
        file,
      ]);
      expect(run.code).toBe(0);
    }
    expect(readFileSync(truncatedAgain)).toEqual(readFileSync(truncated));
    expect(readFileSync(truncated)).not.toEqual(readFileSync(plain));
    const bad = runCli(['generate', out, '--count', '4', '--truncation', '0', '--out', samples]);
    expect(bad.code).toBe(2); // a usage error, as the command's other numeric options give
    expect(bad.stderr).toContain('--truncation must be a finite number > 0 (e.g. 2), got "0".');
  }, 300_000);

  it('refuses a --truncation that is not a number > 0, naming the option and what was typed', () => {
    const samples = join(dir, 'never.png');
    for (const typed of ['abc', ' ', '-1', 'Infinity']) {
      const run = runCli(['generate', 'dcgan', '--truncation', typed, '--out', samples]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`--truncation must be a finite number > 0 (e.g. 2), got "${typed}".`);
    }
  }, 120_000);
});
