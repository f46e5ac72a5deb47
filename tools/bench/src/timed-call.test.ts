import { describe, expect, it } from 'vitest';
import { timedCalls, timedMs, timedSteps } from './timed-call.js';

/** A call that logs 'call', then resolves 15 ms later, logging 'done'. */
function sleeper(order: string[]): () => Promise<unknown> {
  return () => {
    order.push('call');
    return new Promise((resolve) => setTimeout(() => resolve(order.push('done')), 15));
  };
}

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

describe('timedSteps and timedCalls', () => {
  it('run the calls one after the other, each awaited where it returns a promise', async () => {
    const stepsOrder: string[] = [];
    const { walls, cpu } = await timedSteps(3, sleeper(stepsOrder));
    const callsOrder: string[] = [];
    const whole = await timedCalls(3, sleeper(callsOrder));
    for (const order of [stepsOrder, callsOrder]) {
      expect(order).toEqual(['call', 'done', 'call', 'done', 'call', 'done']);
    }
    // timedSteps: each call's wall and the CPU per call; timedCalls: the calls in one window
    expect(walls).toHaveLength(3);
    for (const wall of walls) expect(wall).toBeGreaterThanOrEqual(14);
    expect(whole.wall).toBeGreaterThanOrEqual(44);
    expect(Math.min(cpu, whole.cpu)).toBeGreaterThanOrEqual(0);
    let calls = 0;
    const sync = await timedSteps(4, () => {
      calls++;
    });
    await timedCalls(4, () => {
      calls++;
    });
    expect(calls).toBe(8);
    expect(sync.walls).toHaveLength(4);
  });
});
