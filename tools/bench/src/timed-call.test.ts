import { describe, expect, it } from 'vitest';
import { timedCalls, timedMs, timedSteps } from './timed-call.js';

describe('timedMs', () => {
  it('measures the wall and CPU milliseconds of a call, awaited', async () => {
    const { wall, cpu } = await timedMs(async () => {
      // busy until 30 ms have passed AND this process has used 30 ms of CPU: however loaded the
      // machine is (a busy wait of 30 ms wall alone got 8 ms of CPU on the shared 2 cores)
      const end = performance.now() + 30;
      const cpuStart = process.cpuUsage();
      const cpuMs = () => {
        const { user, system } = process.cpuUsage(cpuStart);
        return (user + system) / 1000;
      };
      while (performance.now() < end || cpuMs() < 30);
      await new Promise((resolve) => setTimeout(resolve, 20));
    });
    expect(wall).toBeGreaterThanOrEqual(49);
    expect(cpu).toBeGreaterThanOrEqual(30);
    expect(cpu).toBeLessThan(wall + 50);
  });
});

describe('timedSteps', () => {
  it('times each call, awaited where it returns a promise, and the CPU per call', async () => {
    const order: string[] = [];
    const { walls, cpu } = await timedSteps(3, () => {
      order.push('call');
      return new Promise((resolve) => setTimeout(() => resolve(order.push('done')), 15));
    });
    expect(order).toEqual(['call', 'done', 'call', 'done', 'call', 'done']);
    expect(walls).toHaveLength(3);
    for (const wall of walls) expect(wall).toBeGreaterThanOrEqual(14);
    expect(cpu).toBeGreaterThanOrEqual(0);
    let calls = 0;
    const sync = await timedSteps(4, () => {
      calls++;
    });
    expect(calls).toBe(4);
    expect(sync.walls).toHaveLength(4);
  });
});

describe('timedCalls', () => {
  it('times the calls in one window, each awaited before the next', async () => {
    const order: string[] = [];
    const { wall, cpu } = await timedCalls(3, () => {
      order.push('call');
      return new Promise((resolve) => setTimeout(() => resolve(order.push('done')), 15));
    });
    expect(order).toEqual(['call', 'done', 'call', 'done', 'call', 'done']);
    expect(wall).toBeGreaterThanOrEqual(44);
    expect(cpu).toBeGreaterThanOrEqual(0);
    let calls = 0;
    await timedCalls(4, () => {
      calls++;
    });
    expect(calls).toBe(4);
  });
});
