/**
 * The main thread's scheduler counters (Linux's `/proc/self/task/<pid>/schedstat`): its time on a CPU
 * and its time waiting in the run queue, in ms since it started. A step whose wait did not grow ran
 * with a core of its own throughout (no other process took it), whatever the load average said.
 *
 * Linux adds a running thread's current slice to these counts only at a scheduler tick (every 4 ms at
 * this machine's HZ=250) or when the thread leaves the CPU. Reads inside a run of work are each late
 * by up to a tick, which evens out over consecutive reads; but a read at the end of a round that
 * began right after a sleep (whose first read was current) misses 1.9 ms on average, 3.5% of a 55 ms
 * round. {@link mainThreadSchedCurrent} brings the counts up to date first.
 */
import { readFileSync } from 'node:fs';

/** The main thread's time on a CPU and waiting for one, in ms; zeros where Linux's schedstat is missing. */
export function mainThreadSched(): { run: number; wait: number } {
  return readSched() ?? { run: 0, wait: 0 };
}

/** A cell to sleep on (Atomics.wait): nothing ever wakes it, its timeout does. */
const sleepCell = new Int32Array(new SharedArrayBuffer(4));

/**
 * {@link mainThreadSched} brought up to date: the thread first sleeps 50 us on a futex, leaving the
 * CPU, which makes Linux add its current slice to the counts (`process.cpuUsage()` needs no such
 * sleep: Linux brings a process's total up to date when it is read); null where schedstat is missing.
 * It costs about 0.1 ms of wall time: read it outside a timed window.
 */
export function mainThreadSchedCurrent(): { run: number; wait: number } | null {
  Atomics.wait(sleepCell, 0, 0, 0.05);
  return readSched();
}

function readSched(): { run: number; wait: number } | null {
  try {
    const [run, wait] = readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8')
      .split(' ')
      .map(Number);
    return { run: run / 1e6, wait: wait / 1e6 };
  } catch {
    return null;
  }
}
