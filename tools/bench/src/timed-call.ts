/** The wall and CPU time of calls, for the A/B scripts' rounds. */

/**
 * Wall and process CPU milliseconds (user + system, every thread of this process) that `run` took,
 * awaited where it returns a promise; the CPU clock is read outside the wall clock's window.
 */
export async function timedMs(run: () => unknown): Promise<{ wall: number; cpu: number }> {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const out = run();
  if (out instanceof Promise) await out; // (a synchronous call is timed without a turn of the event loop)
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpuStart);
  return { wall, cpu: (used.user + used.system) / 1000 };
}

/**
 * Wall and process CPU milliseconds of `count` calls of `step`, one after the other (each awaited
 * where it returns a promise), timed in one window (a suite's round of training steps, timed whole).
 */
export function timedCalls(count: number, step: () => unknown): Promise<{ wall: number; cpu: number }> {
  return timedMs(async () => {
    for (let i = 0; i < count; i++) {
      const out = step();
      if (out instanceof Promise) await out;
    }
  });
}

/**
 * Runs `step` `count` times, one after the other; returns each call's wall milliseconds and the
 * process CPU milliseconds per call over all of them (a round of training steps or kernel calls).
 */
export async function timedSteps(
  count: number,
  step: () => unknown,
): Promise<{ walls: number[]; cpu: number }> {
  const walls: number[] = [];
  const { cpu } = await timedMs(async () => {
    for (let i = 0; i < count; i++) {
      const start = performance.now();
      const out = step();
      if (out instanceof Promise) await out;
      walls.push(performance.now() - start);
    }
  });
  return { walls, cpu: cpu / count };
}
