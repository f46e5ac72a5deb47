import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mainThreadSched } from './main-thread-sched.js';

describe('mainThreadSched', () => {
  it.runIf(existsSync(`/proc/self/task/${process.pid}/schedstat`))(
    "counts the main thread's CPU time in ms: a 30 ms busy loop adds about 30",
    () => {
      const before = mainThreadSched();
      const until = performance.now() + 30;
      let x = 0;
      while (performance.now() < until) x += Math.sqrt(x + 1);
      const after = mainThreadSched();
      expect(x).toBeGreaterThan(0);
      expect(after.wait).toBeGreaterThanOrEqual(before.wait);
      // on a CPU at most the wall time (plus the reads), at least some of it even on a busy machine
      expect(after.run - before.run).toBeLessThan(40);
      expect(after.run - before.run).toBeGreaterThan(1);
    },
  );
});
