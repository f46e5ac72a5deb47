// When WASM cannot start, an automatic choice falls back to the CPU and says, once and on one line,
// that it is two orders of magnitude slower and how to get WASM.
import { BackendError } from '@tensorfold/core';
import { afterEach, describe, expect, it, vi } from 'vitest';

vi.mock('./start/start-wasm.js', () => ({
  startWasm: async () => {
    throw new BackendError('The WASM backend did not start: fetch failed (simulated).');
  },
  wasmInfo: () => ({ threads: 1, simd: false, fma: false, addedKernels: [] }),
}));

const { initBackend } = await import('./init-backend.js');
const { CPU_SLOWDOWN } = await import('./cpu-advice.js');

describe('initBackend falling back to the CPU', () => {
  afterEach(() => vi.restoreAllMocks());

  it('warns once with the slowdown, the reason and the fix when it chose the CPU by itself', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const info = await initBackend();
    expect(info.name).toBe('cpu');
    expect(info.skipped.map((s) => s.name)).toContain('wasm');
    expect(warn).toHaveBeenCalledTimes(1);
    const line = String(warn.mock.calls[0][0]);
    expect(line).toContain(`${CPU_SLOWDOWN}x slower than wasm`);
    expect(line).toContain('fetch failed (simulated)');
    expect(line).not.toContain('\n');
    expect(info.advice).toBe(line.replace(/^tensorfold: /, ''));
  });

  it('does not warn when the CPU was asked for', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await initBackend({ require: 'cpu' });
    await initBackend({ prefer: 'cpu' });
    expect(warn).not.toHaveBeenCalled();
  });
});
