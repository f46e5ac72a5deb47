import { describe, expect, it } from 'vitest';
import { timedMs } from './timed-call.js';

describe('timedMs', () => {
  it('measures the wall and CPU milliseconds of a call, awaited', async () => {
    const { wall, cpu } = await timedMs(async () => {
      const end = performance.now() + 30;
      while (performance.now() < end); // busy: CPU time too
      await new Promise((resolve) => setTimeout(resolve, 20));
    });
    expect(wall).toBeGreaterThanOrEqual(49);
    expect(cpu).toBeGreaterThan(10);
    expect(cpu).toBeLessThan(wall + 50);
  });
});
