import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnCli } from './test-utils/cli-process.js';

const out = mkdtempSync(join(tmpdir(), 'tensorfold-cli-pipe-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('output piped into a reader that leaves early (`tensorfold train ... | head -1`)', () => {
  it('drops the rest of the output, finishes the run, saves the model and exits 0', async () => {
    const args = ['train', 'mlp', '--limit', '64', '--epochs', '1', '--backend', 'wasm', '--out', out];
    const child = spawnCli(args);
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    let firstLine = '';
    child.stdout.once('data', (chunk) => {
      firstLine = String(chunk).split('\n')[0];
      child.stdout.destroy(); // as head does after its line: later writes meet EPIPE
    });
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(firstLine).toMatch(/^Backend: wasm/);
    expect(stderr).not.toMatch(/EPIPE|Error/);
    expect(code).toBe(0);
    expect(existsSync(join(out, 'model.json'))).toBe(true);
  });
});
