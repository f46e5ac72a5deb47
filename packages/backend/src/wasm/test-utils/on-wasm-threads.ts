import { afterAll, beforeAll, expect } from 'vitest';
import { useBackend } from '../../init-backend.js';
import { setFmaKernelsEnabled } from '../simd/simd-kernels.js';
import { setWasmThreads } from '../threads/wasm-threads.js';

/**
 * Registers, in the calling `describe`: the WASM backend on `threads` threads before its tests (the
 * pool started, or the test fails); after them, the FMA build back on (tests may turn it off) and one
 * thread.
 */
export function onWasmThreads(threads: number): void {
  beforeAll(async () => {
    await useBackend('wasm');
    expect(await setWasmThreads(threads)).toBe(threads);
  });
  afterAll(async () => {
    setFmaKernelsEnabled(true);
    await setWasmThreads(1);
  });
}
