import { describe, expect, it } from 'vitest';
import * as kernels from './fused-recurrence.js';
import { FUSED_RECURRENCE_KERNELS, FUSED_RECURRENT_DROPOUT } from './fused-recurrence.js';

describe('FUSED_RECURRENCE_KERNELS', () => {
  it('lists every fused recurrent kernel of this module once (not the dropout marker), each forward before its backward', () => {
    const names = Object.entries(kernels)
      .filter(([key, value]) => key.startsWith('FUSED_') && typeof value === 'string')
      .map(([, value]) => value as string)
      .filter((name) => name !== FUSED_RECURRENT_DROPOUT);
    expect([...FUSED_RECURRENCE_KERNELS].sort()).toEqual(names.sort());
    expect(new Set(FUSED_RECURRENCE_KERNELS).size).toBe(FUSED_RECURRENCE_KERNELS.length);
    for (let i = 0; i < FUSED_RECURRENCE_KERNELS.length; i += 2) {
      expect(FUSED_RECURRENCE_KERNELS[i + 1]).toBe(`${FUSED_RECURRENCE_KERNELS[i]}Grad`);
    }
  });
});
