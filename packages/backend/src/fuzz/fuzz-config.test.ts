import { describe, expect, it } from 'vitest';
import { DEFAULT_RUNS, DEFAULT_SEED, fuzzConfig } from './fuzz-config.js';

describe('fuzzConfig', () => {
  it('uses a fixed seed and the default runs in the normal test run', () => {
    expect(fuzzConfig({})).toEqual({
      runs: DEFAULT_RUNS,
      seed: DEFAULT_SEED,
      sequenceLength: 40,
      webgpuOnGpu: true,
    });
  });

  it('takes FUZZ_RUNS, FUZZ_SEED and FUZZ_SEQUENCE', () => {
    expect(fuzzConfig({ FUZZ_RUNS: '500', FUZZ_SEED: '42', FUZZ_SEQUENCE: '100' })).toEqual({
      runs: 500,
      seed: 42,
      sequenceLength: 100,
      webgpuOnGpu: true,
    });
  });

  it('keeps tfjs-backend-webgpu forwarding small CPU-held tensors to its CPU kernels with FUZZ_WEBGPU_CPU_FORWARD=1', () => {
    expect(fuzzConfig({ FUZZ_WEBGPU_CPU_FORWARD: '1' }).webgpuOnGpu).toBe(false);
  });

  it('picks a fresh seed for a long run without FUZZ_SEED', () => {
    const { seed } = fuzzConfig({ FUZZ_RUNS: '300' });
    expect(Number.isInteger(seed)).toBe(true);
    expect(seed).not.toBe(DEFAULT_SEED);
  });

  it('rejects values that are not non-negative integers', () => {
    expect(() => fuzzConfig({ FUZZ_RUNS: 'many' })).toThrow(/FUZZ_RUNS must be a non-negative integer/);
    expect(() => fuzzConfig({ FUZZ_SEED: '-1' })).toThrow(/FUZZ_SEED/);
  });
});
