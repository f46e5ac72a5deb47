/**
 * Fixtures for the tests of the verdict and of calibrate's summary: ratio intervals (verdict.ts's
 * RatioInterval), measured per-process speeds of the PyTorch peer, and a simulator of the yardstick's
 * comparisons over worker processes (calibrate's A/A of two sets, the suite's ours-against-PyTorch)
 * built from them, so that the interval's coverage and power are checked against realistic draws.
 */
import { buildPosition } from './peers/pytorch.js';
import { normal, uniform } from './seeded-random.js';
import { groupedRatioInterval, judgeRatio, type RatioInterval } from './verdict.js';

/**
 * An interval from `low` to `high` around 1: over 32 rounds (98% coverage), or with `processes` over
 * that many processes (95%, the t interval's).
 */
export function intervalAt(low: number, high: number, processes?: number): RatioInterval {
  return processes == null
    ? { estimate: 1, low, high, coverage: 0.98, method: 'rounds', count: 32 }
    : { estimate: 1, low, high, coverage: 0.95, method: 'processes', count: processes };
}

/**
 * LeNet-5 on PyTorch 1.13, one thread: the samples per CPU second of 24 separate worker processes
 * (each the median of its rounds), as BENCHMARKS.md's "The PyTorch peer's yardstick" measured them
 * (22:31-22:52 UTC, the four standalone reference runs: 4 + 4 + 4 + 4 + 8 processes). Two modes about
 * 1.4x apart, 9 of 24 in the fast one; the standard deviation of their logs is 0.158 (15.8%), the
 * range 1.63x. The quiet wave-10 calibrate's 16 processes spread 6,781-10,551 samples/s (1.56x): the
 * same relative spread.
 */
export const LENET5_PYTORCH_PROCESSES = [
  5155, 7065, 7462, 5247, 5287, 5436, 6366, 7773, 7492, 5773, 5900, 7776, 8362, 5582, 6028, 6334, 5808, 6099,
  6047, 8262, 8393, 5770, 5652, 6706,
];

/**
 * The MLP on PyTorch: its processes draw far less than LeNet-5's. The quiet A/A intervals over 16 + 16
 * processes (0.97x-1.01x after wave 10, 1.00x-1.08x after wave 9) imply a spread between processes
 * of 2.7% and 5.3% (the t interval's half-width times sqrt(16) / 2.13, over sqrt(2) for one side);
 * the simulation takes the wider, as a lognormal spread of 0.053.
 */
export const MLP_PYTORCH_SPREAD = 0.053;

/** A process's speed draw: the log of its speed relative to the population's geometric mean. */
export type Draw = (next: () => number) => number;

/**
 * Draws from measured per-process speeds (`values`): one of them at random, times a lognormal jitter
 * of `jitter` (so that two processes never tie exactly), in log space about the values' geometric mean.
 */
export function empiricalDraw(values: number[], jitter = 0.02): Draw {
  const logs = values.map(Math.log);
  const centre = logs.reduce((s, v) => s + v, 0) / logs.length;
  return (next) => logs[Math.floor(next() * logs.length)] - centre + jitter * normal(next);
}

/** Draws a lognormal speed of spread `sd` (the standard deviation of the logs). */
export function lognormalDraw(sd: number): Draw {
  return (next) => sd * normal(next);
}

/** A draw that is always the population's centre (a side whose processes do not differ). */
export const noDraw: Draw = () => 0;

/** LeNet-5's PyTorch processes ({@link LENET5_PYTORCH_PROCESSES}). */
export const lenet5PyTorchDraw = empiricalDraw(LENET5_PYTORCH_PROCESSES);

/**
 * A simulated comparison as measurePaired runs it: side A (ours, or calibrate's set A) against side B
 * in `rounds` paired rounds (after one untimed round) whose B side runs in `processes` worker
 * processes, round r in process (r + 1) mod `processes` (the untimed round took process 0); A runs in
 * as many processes, paired by index (calibrate's A/A), or with `oneProcess` in one (the suite's
 * ours). Each process's speed is one draw for its life (`drawA`, `drawB`); A's population is `ratio`
 * times B's. Each round adds `roundNoise` (log standard deviation, each side, default 0.04) and a
 * machine swing both rounds of a pair share, which cancels exactly in their ratio: the simulation
 * takes the pairing's cancelling as given rather than testing it. `buildDrift`: how much slower
 * (log) the last process built runs than the first (a speed that depends on when a process was started and built, or on its age); the build
 * order is `order`'s: `sets` builds all of A's processes, then all of B's (calibrate before this
 * branch), `interleaved` builds the pairs' processes next to each other, A first in even pairs and B
 * first in odd ones (A0 B0 B1 A1 A2 B2 ...).
 */
export interface SimulatedComparison {
  processes: number;
  rounds: number;
  ratio: number;
  drawA: Draw;
  drawB: Draw;
  oneProcess?: boolean;
  roundNoise?: number;
  buildDrift?: number;
  order?: 'sets' | 'interleaved';
}

/** The ratios and groups measurePaired would give for one seeded run of `plan`. */
export function simulateComparison(seed: number, plan: SimulatedComparison) {
  const next = uniform(seed);
  const {
    processes,
    rounds,
    ratio,
    drawA,
    drawB,
    oneProcess = false,
    roundNoise = 0.04,
    buildDrift = 0,
    order = 'interleaved',
  } = plan;
  const built = 2 * processes - 1;
  const drift = (set: 0 | 1, i: number) =>
    oneProcess && set === 0 ? 0 : (-buildDrift * buildPosition(set, i, processes, order)) / built;
  const oursOne = drawA(next);
  const a = Array.from({ length: processes }, (_, i) => (oneProcess ? oursOne : drawA(next)) + drift(0, i));
  const b = Array.from({ length: processes }, (_, i) => drawB(next) + drift(1, i));
  const ratios: number[] = [];
  const groups: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const p = (r + 1) % processes;
    const machine = Math.log(0.75 + 0.5 * next()); // both rounds of a pair
    const ours = machine + Math.log(ratio) + a[p] + roundNoise * normal(next);
    const theirs = machine + b[p] + roundNoise * normal(next);
    ratios.push(Math.exp(ours - theirs));
    groups.push(p);
  }
  return { ratios, groups };
}

/** How many of `runs` seeded runs of `plan` the verdict calls each way (`oursSpread`: see groupedRatioInterval). */
export function simulatedCalls(
  runs: number,
  plan: SimulatedComparison,
  options: { firstSeed?: number; level?: number; oursSpread?: number } = {},
) {
  const { firstSeed = 1, level = 0.08, oursSpread = 0 } = options;
  const count = { faster: 0, slower: 0, level: 0, none: 0, covered: 0 };
  for (let seed = firstSeed; seed < firstSeed + runs; seed++) {
    const { ratios, groups } = simulateComparison(seed, plan);
    const interval = groupedRatioInterval(ratios, groups, { oursSpread });
    const call = judgeRatio(interval, null, level).call;
    count[call ?? 'none']++;
    if (interval != null && interval.low <= plan.ratio && plan.ratio <= interval.high) count.covered++;
  }
  return count;
}
