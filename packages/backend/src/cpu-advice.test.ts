import { describe, expect, it } from 'vitest';
import { CPU_SLOWDOWN, cpuAdvice } from './cpu-advice.js';
import { initBackend } from './init-backend.js';

describe('cpuAdvice', () => {
  it('says how much slower the CPU is, why WASM did not start, and how to get it, on one line', () => {
    const browser = cpuAdvice([{ name: 'wasm', reason: 'The WASM backend did not start: 404.' }], 'browser');
    expect(browser).toContain(`about ${CPU_SLOWDOWN}x slower than wasm`);
    expect(browser).toContain('wasm did not start: The WASM backend did not start: 404.');
    expect(browser).toContain('initBackend({ wasmPaths:');
    expect(browser).not.toContain('\n');
    const node = cpuAdvice([], 'node');
    expect(node).toContain('TENSORFOLD_BACKEND');
    expect(node).not.toContain('did not start');
  });

  it('is part of the CPU backend info, and only of it', async () => {
    const cpu = await initBackend({ prefer: 'cpu' });
    expect(cpu.advice).toBe(cpuAdvice([], 'node'));
    expect((await initBackend({ require: 'wasm' })).advice).toBeUndefined();
  });
});
