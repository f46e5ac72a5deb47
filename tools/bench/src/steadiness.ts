/**
 * Is a measurement steady enough to judge? The bench machines are shared: other processes take
 * cores away at random, so wall-clock rounds swing. These helpers summarize repeated rounds (median
 * and spread), read the machine's load, and turn both into a verdict a suite prints beside its rows.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';

/** One timed round: wall seconds and the CPU seconds the measured process spent in it. */
export interface RoundTime {
  wall: number;
  cpu: number;
}

/** The median of `values` (the upper one of an even count). */
export function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

/**
 * The relative spread of `values`: (third quartile - first quartile) / median, 0 for fewer than
 * 2 values. 0.05 means the middle half of the rounds lies within 5% of the median's size.
 */
export function relativeSpread(values: number[]): number {
  if (values.length < 2) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))];
  const mid = medianOf(values);
  return mid === 0 ? 0 : (at(0.75) - at(0.25)) / mid;
}

/** The 1-minute load average per core (1 = every core busy on average). */
export function loadPerCore(): number {
  return loadavg()[0] / availableParallelism();
}

/** Thresholds above which a run is called too busy to judge. */
export const BUSY = {
  /** 1-minute load average per core. */
  loadPerCore: 1,
  /** Relative spread (see {@link relativeSpread}) of a side's rounds. */
  spread: 0.15,
  /** Median wall / CPU time of a one-thread side: above it, the process waited for a core. */
  wallPerCpu: 1.3,
} as const;

/**
 * Why the machine was too busy to judge wall-clock ratios, or null when it was quiet enough.
 * `load` is the load per core seen during the run (its largest reading), `spreads` the relative
 * spread of each side's rounds, `wallPerCpu` the median wall/CPU ratio of each one-thread side.
 */
export function busyReason(load: number, spreads: number[], wallPerCpu: number[]): string | null {
  const reasons: string[] = [];
  if (load > BUSY.loadPerCore) reasons.push(`load ${load.toFixed(1)}/core`);
  const spread = Math.max(0, ...spreads);
  if (spread > BUSY.spread) reasons.push(`spread ${(spread * 100).toFixed(0)}%`);
  const waited = Math.max(0, ...wallPerCpu);
  if (waited > BUSY.wallPerCpu) reasons.push(`wall/CPU ${waited.toFixed(2)}`);
  return reasons.length ? `too busy to judge wall time (${reasons.join(', ')})` : null;
}

/** Clock ticks per second of Linux's /proc CPU times (USER_HZ, 100 on every mainstream build). */
const TICKS_PER_SECOND = 100;

/**
 * CPU seconds the JavaScript thread has spent so far. On Linux it reads the main thread's own line
 * in /proc (10 ms resolution): `process.cpuUsage()` would add V8's garbage-collector and compiler
 * threads, which PyTorch's figure does not carry. Elsewhere, `process.cpuUsage()`.
 */
export function mainThreadCpuSeconds(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // utime + stime
  } catch {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1e6;
  }
}
