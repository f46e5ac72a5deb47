import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { RELAXED_SIMD_FLAG } from './relaxed-simd.js';
import { appDir, runCli } from './test-utils/cli-process.js';

/** Node 20 keeps relaxed SIMD behind a flag; Node 22+ has it on by default. */
const flagged = Number(process.versions.node.split('.')[0]) < 21;

/**
 * Runs `enableRelaxedSimd()` in a fresh Node process started with `nodeArgs` and `env`, and returns what
 * it printed: the probe's answer before, the state it returned, the probe's answer after.
 */
function inFreshNode(nodeArgs: string[], env: NodeJS.ProcessEnv = {}): string {
  const script = [
    "const { enableRelaxedSimd, relaxedSimdValidates } = await import('./src/relaxed-simd.ts');",
    'const before = relaxedSimdValidates();',
    'const state = enableRelaxedSimd();',
    "console.log([before, state, relaxedSimdValidates()].join(' '));",
  ].join('\n');
  const result = spawnSync(
    process.execPath,
    [...nodeArgs, '--import', 'tsx', '--input-type=module', '-e', script],
    { cwd: appDir, encoding: 'utf8', env: { ...process.env, TENSORFOLD_RELAXED_SIMD: undefined, ...env } },
  );
  expect(result.stderr).toBe('');
  return result.stdout.trim();
}

describe('relaxed SIMD in the CLI', () => {
  it.runIf(flagged)('turns relaxed SIMD on in a Node 20 started without the flag', () => {
    expect(inFreshNode([])).toBe('false turned-on true');
  });

  it.runIf(flagged)('leaves a Node 20 started with the flag as it is', () => {
    expect(inFreshNode([RELAXED_SIMD_FLAG])).toBe('true on true');
  });

  it.runIf(flagged)('TENSORFOLD_RELAXED_SIMD=0 leaves it off', () => {
    expect(inFreshNode([], { TENSORFOLD_RELAXED_SIMD: '0' })).toBe('false off false');
  });

  it.runIf(!flagged)('finds it on by default on Node 22+', () => {
    expect(inFreshNode([])).toBe('true on true');
  });

  it('trains on the FMA build, and the banner says so', () => {
    const args = ['train', 'mlp', '--limit', '64', '--epochs', '1', '--backend', 'wasm'];
    const result = runCli(args);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Backend: wasm \(SIMD \+ FMA, \d+ threads?\)/m);
    expect(result.stdout).toMatch(/Test accuracy: /);
    if (flagged) {
      // The runtime's own build where the variable keeps relaxed SIMD off: today's path, same flow.
      const plain = runCli(args, { TENSORFOLD_RELAXED_SIMD: '0' });
      expect(plain.code).toBe(0);
      expect(plain.stdout).toMatch(/^Backend: wasm \(SIMD, \d+ threads?\)/m);
    }
  });
});
