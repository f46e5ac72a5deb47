/** The wall and CPU time of one call, for the A/B scripts' rounds. */

/**
 * Wall and process CPU milliseconds (user + system, every thread of this process) that `run` took;
 * the CPU clock is read outside the wall clock's window.
 */
export async function timedMs(run: () => unknown): Promise<{ wall: number; cpu: number }> {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  await run();
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpuStart);
  return { wall, cpu: (used.user + used.system) / 1000 };
}
