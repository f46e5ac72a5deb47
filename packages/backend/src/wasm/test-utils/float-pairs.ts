import { afterEach, beforeAll, expect } from 'vitest';
import { useBackend } from '../../init-backend.js';
import { setFloatPairListsEnabled, setFloatZeroSkipEnabled } from '../kernels/float-zero-skip.js';
import { setPairsTransposeFused } from '../kernels/mat-mul-by-simd.js';
import { setWasmThreads } from '../threads/wasm-threads.js';
import type { KernelInput } from './run-kernel.js';

// What the tests of the float products over lists per pair of rows share (float-pair-lists.test.ts,
// float-pair-transposed.test.ts).

/** A float32 kernel input of `shape` holding `values`. */
export const input = (values: Float32Array, shape: number[]): KernelInput => ({ values, shape });

/**
 * Registers, in the calling `describe`: the WASM backend on one thread before its tests, and after each
 * test the switches that the tests turn off back at their defaults (on): the float zero-step skip, the
 * lists per pair of rows, and W transposed into the panels (setPairsTransposeFused).
 */
export function onOneWasmThreadWithFloatSkip(): void {
  beforeAll(async () => {
    await useBackend('wasm');
    expect(await setWasmThreads(1)).toBe(1);
  });
  afterEach(() => {
    setFloatZeroSkipEnabled(true);
    setFloatPairListsEnabled(true);
    setPairsTransposeFused(true);
  });
}
