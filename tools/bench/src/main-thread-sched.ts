/**
 * The main thread's scheduler counters (Linux's `/proc/self/task/<pid>/schedstat`): its time on a CPU
 * and its time waiting in the run queue, in ms since it started. A step whose wait did not grow ran
 * with a core of its own throughout (no other process took it), whatever the load average said.
 */
import { readFileSync } from 'node:fs';

/** The main thread's time on a CPU and waiting for one, in ms; zeros where Linux's schedstat is missing. */
export function mainThreadSched(): { run: number; wait: number } {
  try {
    const [run, wait] = readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8')
      .split(' ')
      .map(Number);
    return { run: run / 1e6, wait: wait / 1e6 };
  } catch {
    return { run: 0, wait: 0 };
  }
}
