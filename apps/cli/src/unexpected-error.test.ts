/**
 * The CLI's last resort: an error that tensorfold did not throw on purpose (a bug, not a bad command)
 * prints one line saying what failed and one saying what to do, never a stack trace, and exits 1;
 * `TENSORFOLD_DEBUG=1` prints the stack. The real executable runs in a child process, made to fail by
 * test-utils/unexpected-error.ts.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from './test-utils/cli-process.js';

const FAIL_EVERY_COMMAND = './src/test-utils/unexpected-error.ts';

/** A line of a stack trace (`    at fn (file.ts:1:2)`), from the error or from Node. */
const STACK_LINE = /^\s+at\s/m;

describe('an unexpected error in the CLI', () => {
  it('prints a one-line message and what to do, no stack trace, and exits 1', () => {
    const { code, stdout, stderr } = runCli(['summary', 'lenet5'], { TENSORFOLD_DEBUG: '' }, [
      FAIL_EVERY_COMMAND,
    ]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const lines = stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe("error: TypeError: Cannot read properties of undefined (reading 'shape')");
    expect(lines[1]).toMatch(/bug in tensorfold.*report it.*TENSORFOLD_DEBUG=1/);
    expect(stderr).not.toMatch(STACK_LINE);
  });

  it('prints the stack trace with TENSORFOLD_DEBUG=1', () => {
    const { code, stderr } = runCli(['summary', 'lenet5'], { TENSORFOLD_DEBUG: '1' }, [FAIL_EVERY_COMMAND]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^TypeError: Cannot read properties of undefined/);
    expect(stderr).toMatch(STACK_LINE);
  });
});
