import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './test-utils/cli-process.js';

const parent = mkdtempSync(join(tmpdir(), 'tensorfold-cli-oom-'));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

describe('a --batch-size too large for the WASM heap', () => {
  it('fails with a message naming --batch-size, not a stack trace of a secondary error', () => {
    // LeNet-5's activations for all 60,000 images at once exceed WASM's 4 GiB heap (its first layer's
    // output alone is 1.5 GB; ~12 s, 4 GiB of memory). 20,000 fit since the SIMD filter gradient.
    const out = join(parent, 'model');
    const args = ['train', 'lenet5', '--epochs', '1', '--limit', '60000', '--batch-size', '60000'];
    const result = runCli([...args, '--backend', 'wasm', '--out', out]);
    expect(result.stderr).toMatch(
      /^error: The WASM backend failed during a training step \(.*\), most likely out of memory: .* a batch of 60000 needs more\. Pass a smaller --batch-size \(the default is 64\)\.\n$/,
    );
    expect(result.code).toBe(1);
    expect(existsSync(out)).toBe(false);
  });
});
