/**
 * Timed rounds of several sides, alternated so that whatever else the machine does in a given minute
 * hits every side alike: round r runs every side once, starting from side r (a rotation), so that no
 * side always follows the same one (whose caches, thread pool or V8 background work it would inherit).
 * Around the rounds it reads how much CPU time other processes took (cpu-time.ts) and the load average.
 */
import { cpuSnapshot, othersCores } from './cpu-time.js';
import { loadPerCore, type RoundTime } from './steadiness.js';

/** One side being measured: timed rounds of `steps` steps. */
export interface RoundRunner {
  round(steps: number): Promise<RoundTime>;
}

/** The order of the sides in round `round` of `count`: a rotation starting at `round mod count`. */
export function roundOrder(count: number, round: number): number[] {
  return Array.from({ length: count }, (_, i) => (round + i) % count);
}

/** What {@link runAlternating} measured. */
export interface AlternatingResult {
  /** Each side's timed rounds, in round order (index i: round i), in the order the sides were given. */
  rounds: RoundTime[][];
  /** The largest 1-minute load average per core seen. */
  load: number;
  /** Cores' worth of CPU time other processes took during the timed rounds; null off Linux. */
  othersCores: number | null;
}

/**
 * Runs `warmupRounds` untimed rounds, then `rounds` timed rounds of `steps` steps of every side,
 * alternating (see {@link roundOrder}). `pids` are the bench's other processes (peers), whose CPU
 * time does not count as other processes'.
 */
export async function runAlternating(
  sides: RoundRunner[],
  options: { rounds: number; steps: number; warmupRounds?: number; pids?: number[] },
): Promise<AlternatingResult> {
  const { rounds, steps, warmupRounds = 1, pids = [] } = options;
  for (let round = 0; round < warmupRounds; round++)
    for (const i of roundOrder(sides.length, round)) await sides[i].round(steps);
  const times: RoundTime[][] = sides.map(() => []);
  let load = loadPerCore();
  const before = cpuSnapshot(pids);
  for (let round = 0; round < rounds; round++) {
    for (const i of roundOrder(sides.length, round)) times[i].push(await sides[i].round(steps));
    load = Math.max(load, loadPerCore());
  }
  const after = cpuSnapshot(pids);
  return {
    rounds: times,
    load,
    othersCores: before == null || after == null ? null : othersCores(before, after),
  };
}
