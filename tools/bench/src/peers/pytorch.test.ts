import { describe, expect, it } from 'vitest';
import { pytorchProcessesFromEnv } from './pytorch.js';

describe('pytorchProcessesFromEnv', () => {
  it("takes the plan's count when unset, a whole number when set, and says what to give otherwise", () => {
    expect(pytorchProcessesFromEnv(16, undefined)).toBe(16);
    expect(pytorchProcessesFromEnv(16, ' ')).toBe(16);
    expect(pytorchProcessesFromEnv(16, '8')).toBe(8);
    expect(pytorchProcessesFromEnv(16, '1')).toBe(1);
    expect(() => pytorchProcessesFromEnv(16, '0')).toThrow(
      /BACKEND_TRAINING_PYTORCH_PROCESSES=0: give a whole number/,
    );
    expect(() => pytorchProcessesFromEnv(16, '2.5')).toThrow(/whole number/);
  });
});
