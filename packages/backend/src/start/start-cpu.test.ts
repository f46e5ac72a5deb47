import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('startCpu', () => {
  it('does not print tfjs-backend-cpu advice to install @tensorflow/tfjs-node', () => {
    // A fresh process: the advice comes with the first tensor of a new CPU backend.
    const script = [
      "import * as tf from '@tensorflow/tfjs-core';",
      "import { initBackend } from './src/index.ts';",
      "await initBackend({ require: 'cpu' });",
      'const x = tf.add(tf.tensor1d([1, 2]), 1);',
      "console.log('sum', (await x.data()).join(','));",
    ].join('\n');
    const result = spawnSync(
      process.execPath,
      ['--conditions=@tensorfold/source', '--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: packageDir, encoding: 'utf8', env: { ...process.env, TENSORFOLD_BACKEND: undefined } },
    );
    expect(result.stdout).toContain('sum 2,3');
    expect(result.stderr).not.toContain('tfjs-node');
    expect(result.status).toBe(0);
  });
});
