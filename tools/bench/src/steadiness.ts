/**
 * Is a measurement steady enough to judge? The bench machines are shared: other processes take
 * cores away at random, so wall-clock rounds swing. These helpers summarize repeated rounds (median
 * and spread), read the machine's load, and turn both into a verdict a suite prints beside its rows.
 */
import { availableParallelism, loadavg } from 'node:os';
import { mainThreadSchedCurrent } from './main-thread-sched.js';

/** One timed round: wall seconds and the CPU seconds the measured process spent in it. */
export interface RoundTime {
  wall: number;
  cpu: number;
}

/**
 * The median of `values`: the middle value of an odd count, the mean of the middle two of an even
 * count (the upper one alone would lean every even-count figure upwards, and a ratio of two such
 * figures, or a median of ratios, towards one side). The one median of the bench: every suite and
 * script uses it. NaN for an empty list (nothing measured: the report shows it, as the upper-middle
 * helpers it replaced showed `undefined`, rather than ending a suite's run).
 */
export function medianOf(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const half = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2;
}

/**
 * The median of positive `ratios` (ours over theirs) taken in log space: {@link medianOf}'s middle
 * value for an odd count, the geometric mean of the middle two for an even one, so that the
 * reciprocals of the same ratios (the roles swapped) give exactly its reciprocal; the plain mean of
 * the middle two would lean to whichever side is the numerator. NaN for an empty list.
 */
export function medianRatioOf(ratios: number[]): number {
  return Math.exp(medianOf(ratios.map(Math.log)));
}

/**
 * The spread of positive `values` (speeds of several processes, say) as one relative figure: the
 * sample standard deviation of their logarithms (0.17: about ±17%; two modes 1.4x apart, half the
 * processes in each, give 0.17-0.18); 0 for fewer than 2 values.
 */
export function logSpread(values: number[]): number {
  if (values.length < 2) return 0;
  const logs = values.map(Math.log);
  const mean = logs.reduce((s, v) => s + v, 0) / logs.length;
  return Math.sqrt(logs.reduce((s, v) => s + (v - mean) ** 2, 0) / (logs.length - 1));
}

/**
 * The spread of the process draws behind an A/A over pairs of processes (calibrate's: round i of set
 * A's process p against round i of set B's process p, `groups[i]` = p): the standard deviation (log)
 * of one process's speed about its side's centre, with the rounds' own noise taken out. The pairs'
 * log ratios (each pair's mean) vary by twice a process's draw variance plus the rounds' noise over
 * their count; the rounds' noise is read from the ratios' spread inside each pair (one-way analysis
 * of variance). 0 where the draws do not show above the rounds' noise; NaN with fewer than 2 pairs
 * or no pair of 2 rounds or more.
 */
export function drawSpread(ratios: number[], groups: number[]): number {
  const byGroup = new Map<number, number[]>();
  ratios.forEach((r, i) => {
    byGroup.set(groups[i], [...(byGroup.get(groups[i]) ?? []), Math.log(r)]);
  });
  const lists = [...byGroup.values()];
  const within = lists.filter((l) => l.length > 1);
  if (lists.length < 2 || within.length === 0) return Number.NaN;
  const mean = (l: number[]) => l.reduce((s, v) => s + v, 0) / l.length;
  const means = lists.map(mean);
  const grand = mean(means);
  const between = means.reduce((s, m) => s + (m - grand) ** 2, 0) / (means.length - 1);
  const df = within.reduce((s, l) => s + l.length - 1, 0);
  const noise = within.reduce((s, l) => s + l.reduce((t, v) => t + (v - mean(l)) ** 2, 0), 0) / df;
  // the harmonic mean of the rounds per pair: a pair's mean carries noise / rounds
  const rounds = lists.length / lists.reduce((s, l) => s + 1 / l.length, 0);
  return Math.sqrt(Math.max(0, between - noise / rounds) / 2);
}

/**
 * How a speed moves with the order the processes were built in: the least-squares slope of
 * `log(values[i])` on `positions[i]` (0 built first), given as the relative change from the first to
 * the last position (`change`: -0.1 is 10% slower at the last than at the first), with its t
 * statistic (`t`; |t| > 2 or so says the order matters beyond the draws' scatter). NaN for fewer than
 * 3 values or one position; a RangeError unless there is one position per value.
 */
export function orderTrend(values: number[], positions: number[]): { change: number; t: number } {
  const n = values.length;
  if (n !== positions.length)
    throw new RangeError(
      `orderTrend needs one position per value (got ${n} values, ${positions.length} positions).`,
    );
  if (n < 3) return { change: Number.NaN, t: Number.NaN };
  const ys = values.map(Math.log);
  const mx = positions.reduce((s, v) => s + v, 0) / n;
  const my = ys.reduce((s, v) => s + v, 0) / n;
  const sxx = positions.reduce((s, x) => s + (x - mx) ** 2, 0);
  if (sxx === 0) return { change: Number.NaN, t: Number.NaN };
  const slope = positions.reduce((s, x, i) => s + (x - mx) * (ys[i] - my), 0) / sxx;
  const residual = ys.reduce((s, y, i) => s + (y - my - slope * (positions[i] - mx)) ** 2, 0) / (n - 2);
  const span = Math.max(...positions) - Math.min(...positions);
  const t = residual === 0 ? Math.sign(slope) * Number.POSITIVE_INFINITY : slope / Math.sqrt(residual / sxx);
  return { change: Math.exp(slope * span) - 1, t };
}

/** Median, quartiles and range of a sample. */
export interface Summary {
  median: number;
  /** First quartile. */
  q1: number;
  /** Third quartile. */
  q3: number;
  min: number;
  max: number;
}

/**
 * The median, quartiles and range of `values` (at least one). The median is {@link medianOf}'s; the
 * quartiles are order statistics (the value at rank round(q * (n - 1)) of the sorted sample), so each
 * is one of the measured rounds.
 */
export function summarize(values: number[]): Summary {
  if (values.length === 0) throw new RangeError('summarize needs at least one value.');
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))];
  return {
    median: medianOf(values),
    q1: at(0.25),
    q3: at(0.75),
    min: sorted[0],
    max: sorted[sorted.length - 1],
  };
}

/** `median [q1, q3]` of `values` (at least one; {@link summarize}'s), each with `digits` decimals. */
export function medianAndQuartiles(values: number[], digits: number): string {
  const { median, q1, q3 } = summarize(values);
  return `${median.toFixed(digits)} [${q1.toFixed(digits)}, ${q3.toFixed(digits)}]`;
}

/**
 * The relative spread of `values`: (third quartile - first quartile) / median, 0 for fewer than
 * 2 values. 0.05 means the middle half of the rounds lies within 5% of the median's size.
 */
export function relativeSpread(values: number[]): number {
  if (values.length < 2) return 0;
  const { q1, q3, median } = summarize(values);
  return median === 0 ? 0 : (q3 - q1) / median;
}

/**
 * Round-by-round ratios `ours[i] / theirs[i]` of two sides' figures (rates: higher is better) measured
 * in the same rounds, so that each ratio compares two measurements taken seconds apart. Both arrays
 * hold one figure per round, in round order; the shorter one decides how many ratios there are.
 */
export function pairedRatios(ours: number[], theirs: number[]): number[] {
  const n = Math.min(ours.length, theirs.length);
  return Array.from({ length: n }, (_, i) => ours[i] / theirs[i]);
}

/** Rounds measured in several processes (see {@link groupedSummary}). */
export interface GroupedSummary {
  /** The mean of the processes' median rounds: each process weighs the same. */
  centre: number;
  /** Each process's median round, in process order (processes with no round left out). */
  medians: number[];
  /** The mean of the processes' relative spreads (see {@link relativeSpread}): the rounds' own noise. */
  withinSpread: number;
}

/**
 * Summarizes `values` measured in several processes, `groups[i]` naming the process of `values[i]`.
 * Where a process's speed is one draw that holds for its lifetime (the PyTorch peer's is, on the
 * bench machine: two modes 1.4x apart), the median of all rounds jumps from one mode to the other
 * with the draws; the mean of the processes' medians moves by a fraction of that, and the spread
 * within each process still says how noisy the rounds were.
 */
export function groupedSummary(values: number[], groups: number[]): GroupedSummary {
  if (values.length === 0 || values.length !== groups.length)
    throw new RangeError(
      `groupedSummary needs one group per value (got ${values.length} values, ${groups.length} groups).`,
    );
  const byGroup = new Map<number, number[]>();
  values.forEach((v, i) => {
    const list = byGroup.get(groups[i]) ?? [];
    list.push(v);
    byGroup.set(groups[i], list);
  });
  const lists = [...byGroup.entries()].sort(([a], [b]) => a - b).map(([, list]) => list);
  const medians = lists.map(medianOf);
  return {
    centre: medians.reduce((sum, m) => sum + m, 0) / medians.length,
    medians,
    withinSpread: lists.reduce((sum, list) => sum + relativeSpread(list), 0) / lists.length,
  };
}

/** The 1-minute load average per core (1 = every core busy on average). */
export function loadPerCore(): number {
  return loadavg()[0] / availableParallelism();
}

/**
 * Thresholds above which a run is called too busy to judge (issue 22; see BENCHMARKS.md, "A steady
 * yardstick"). Only CPU time that other processes (or the bench itself, during a peer process's
 * rounds) really took counts: the rounds' own spread does not, since on the quiet machine it is
 * 10-30% while the paired ratios the verdict uses (verdict.ts) hold far better.
 */
export const BUSY = {
  /**
   * 1-minute load average per core, used only where the CPU time of other processes cannot be read
   * (no /proc): it counts the bench's own threads too, and lags a minute behind.
   */
  loadPerCore: 1,
  /**
   * CPU time other processes took during the rounds, in cores (CPU seconds per wall second). 0.2 is a
   * tenth of a 2-core machine: a one-thread side that shares its core with that much loses up to 20%
   * in the rounds where it is hit, and a two-thread side more than a one-thread one. An idle machine
   * shows 0.00-0.05 (kernel threads, agents).
   */
  othersCores: 0.2,
  /**
   * CPU time the bench's own process took while the PyTorch peer ran its rounds, in cores: above it,
   * our thread pool or V8's background threads (garbage collection, compilation) competed with it.
   */
  ownDuringPeerCores: 0.1,
} as const;

/** What {@link busyReason} judges: who else used the CPU while the rounds ran. */
export interface RunConditions {
  /** The largest 1-minute load average per core seen during the run. */
  load: number;
  /** Cores' worth of CPU time other processes took during the rounds; null where it cannot be read. */
  othersCores: number | null;
  /** Cores' worth of CPU time the bench's own process took during the peer's rounds; null if unknown. */
  ownDuringPeerCores?: number | null;
}

/**
 * Why the machine was too busy to judge wall time, or null when it was quiet (every measure within
 * {@link BUSY}). The load average counts only where `othersCores` is unknown.
 */
export function busyReason(conditions: RunConditions): string | null {
  const { load, othersCores, ownDuringPeerCores = null } = conditions;
  const busy: string[] = [];
  if (othersCores == null) {
    if (load > BUSY.loadPerCore) busy.push(`load ${load.toFixed(1)}/core`);
  } else if (othersCores > BUSY.othersCores) {
    busy.push(`other processes used ${othersCores.toFixed(2)} cores`);
  }
  if (ownDuringPeerCores != null && ownDuringPeerCores > BUSY.ownDuringPeerCores)
    busy.push(`the bench used ${ownDuringPeerCores.toFixed(2)} cores during the peer's rounds`);
  return busy.length ? `too busy to judge wall time (${busy.join(', ')})` : null;
}

/**
 * CPU seconds the JavaScript thread has spent so far, up to date (`process.cpuUsage()` would add V8's
 * garbage-collector and compiler threads, which PyTorch's figure does not carry). On Linux it reads
 * the main thread's schedstat after a 50 us sleep ({@link mainThreadSchedCurrent}: without it a
 * round's last read missed up to a 4 ms tick, and our samples per CPU second read about 3.5% high
 * against PyTorch's `time.process_time()`, which is current); it costs about 0.1 ms of wall time, so
 * read it outside a timed window. Elsewhere, `process.cpuUsage()`.
 */
export function mainThreadCpuSeconds(): number {
  const sched = mainThreadSchedCurrent();
  if (sched != null) return sched.run / 1000;
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}
