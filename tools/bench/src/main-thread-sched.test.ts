import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mainThreadSched, mainThreadSchedCurrent } from './main-thread-sched.js';

const hasSchedstat = existsSync(`/proc/self/task/${process.pid}/schedstat`);

/** Keeps the thread on the CPU for `ms` of wall time. */
function busy(ms: number): number {
  const until = performance.now() + ms;
  let x = 0;
  while (performance.now() < until) x += Math.sqrt(x + 1);
  return x;
}

describe('mainThreadSched', () => {
  it.runIf(hasSchedstat)("counts the main thread's CPU time in ms: a 30 ms busy loop adds about 30", () => {
    const before = mainThreadSched();
    expect(busy(30)).toBeGreaterThan(0);
    const after = mainThreadSched();
    expect(after.wait).toBeGreaterThanOrEqual(before.wait);
    // on a CPU at most the wall time (plus the reads), at least some of it even on a busy machine
    expect(after.run - before.run).toBeLessThan(40);
    expect(after.run - before.run).toBeGreaterThan(1);
  });
});

describe('mainThreadSchedCurrent', () => {
  it.runIf(hasSchedstat)(
    "is up to date after a round begun right after a sleep: on a CPU or waiting for one the round's wall time, within 1 ms, five times in five",
    async () => {
      // (a plain read at a round's end misses up to a scheduler tick, 4 ms at HZ=250: 1.9 ms on average.)
      // The wall time ends after the last read: that read's 50 us sleep can end in a wait for a CPU on a
      // loaded machine (1.3 ms once in CI), which schedstat counts and a wall time that stopped before
      // the read would not.
      // A first round, not checked, compiles the loop and the reads: on a loaded machine that round once
      // spent 3.9 ms neither on a CPU nor waiting for one.
      for (let round = -1; round < 5; round++) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        const before = mainThreadSchedCurrent()!;
        const start = performance.now();
        expect(busy(30)).toBeGreaterThan(0);
        const after = mainThreadSchedCurrent()!;
        const wall = performance.now() - start;
        const accounted = after.run - before.run + (after.wait - before.wait);
        if (round >= 0) expect(Math.abs(accounted - wall)).toBeLessThan(1);
      }
    },
  );

  it('is null, not zeros, where schedstat is missing, so that callers fall back', () => {
    const sched = mainThreadSchedCurrent();
    if (hasSchedstat) expect(sched).not.toBeNull();
    else expect(sched).toBeNull();
  });
});
