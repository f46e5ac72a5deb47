/**
 * The verdict on a same-run ratio (issue 22): a confidence interval for the median round-by-round
 * ratio, and a call made from it. A side's own rounds swing with the machine (on the shared 2-core VM
 * a round's CPU time moves by 10-25% with nothing else running: the host's speed, which the VM cannot
 * see), but two rounds run back to back see nearly the same machine, so their ratio holds where the
 * rounds themselves do not. The call:
 *
 * - **busy** (not judged) when other processes took CPU during the rounds, read from /proc
 *   (steadiness.ts, {@link busyReason}): then a two-thread side loses more than a one-thread side.
 * - **level** (judged) when the interval lies within ±{@link VERDICT.level} of 1;
 * - **faster** / **slower** (judged) when it lies wholly above / below 1;
 * - **not judged** when it straddles 1 and reaches past the level band (too wide to say), or there
 *   are too few rounds (or processes) for an interval at all: fewer than 6 rounds, or an interval
 *   over fewer than {@link VERDICT.minProcesses} processes.
 *
 * Over processes (a peer in several worker processes, each a speed draw), the interval is a t interval
 * over the processes (or pairs of processes), checked by simulation from measured draws in
 * interval-coverage.test.ts: A/A coverage 94-95%, a true 1.3x called faster in 99.5% of runs over 16
 * processes a side (BENCHMARKS.md, "The interval over PyTorch's processes").
 *
 * Ratios are oriented so that > 1 means ours is better. `VERDICT` is checked with A/A runs (the same
 * side against itself, `pnpm --filter @tensorfold/bench calibrate`), which must never come out faster
 * or slower, and should come out level.
 *
 * The band and the plan (rounds, steps, processes: {@link YARDSTICK}) go together: a band narrower
 * than what the plan's A/A intervals reach can never call an A/A level. On the 2-core VM, quiet
 * (BENCHMARKS.md, "The lead's quiet reruns after wave 8"), tensorfold's A/A intervals were
 * 0.99x-1.15x / 0.89x-1.08x at 16 rounds of 16 steps and 0.94x-1.05x / 0.93x-1.06x at 32: a ±5% band was
 * narrower than both. So the plan is now 32 rounds and the band ±8%, the narrowest round figure that
 * holds both of those 32-round A/A intervals (0.93x needs 1 / 0.93 - 1 = 7.5%). That rests on two
 * quiet A/A runs, not on a calibration of these defaults: `calibrate` prints the band each A/A row
 * needs, and its last line the widest (BENCHMARKS.md, "The verdict's band and PyTorch's processes").
 * Plainly: ±8% is (just over) the wider of two draws of the band an A/A row needs, so a third quiet
 * A/A row needs more than both with probability about 1/3 (any of three exchangeable draws is the
 * largest with probability 1/3): about one quiet A/A row in three is expected to come out "not
 * judged" at ±8%, and a level band set this way is not a 95% one.
 */
import { medianOf, medianRatioOf } from './steadiness.js';

/**
 * The yardstick's plan, shared by the backend-training suite and `calibrate` (the band is only
 * calibrated for the plan its A/A runs used):
 */
export const YARDSTICK = {
  /**
   * Timed paired rounds (after one untimed round). 32: the quiet A/A intervals at 16 rounds reached
   * ±15%, at 32 ±7.5% (see the module doc); the order-statistics interval of 32 ratios runs from the
   * 10th to the 23rd smallest (98.0%).
   */
  rounds: 32,
  /** Training steps per round. */
  steps: 16,
  /**
   * PyTorch worker processes per set (the suite's one set; `calibrate`'s two). Each process's speed is
   * one draw that holds for its life (two modes about 1.4x apart, about a third of processes in the
   * fast one, BENCHMARKS.md), so the interval over processes narrows only with more processes: in
   * simulated draws (verdict.test.ts) a true 1.2x is called faster in about 70% of runs with 8
   * processes and 98-99% with 16, and over 4 processes a level comparison (ours in one process at
   * the peer's centre) was called faster or slower in 13-34% of runs (all 4 processes drawing the
   * same mode collapses the interval). 16 processes with 32 rounds
   * give each process 2 rounds per PyTorch side. `BACKEND_TRAINING_PYTORCH_PROCESSES` overrides it.
   */
  pytorchProcesses: 16,
} as const;

/**
 * The level band from `BENCH_LEVEL_BAND` (a fraction, e.g. `0.1`), for recalibrating on another
 * machine or with another plan without editing code; {@link DEFAULT_LEVEL_BAND} when unset.
 */
export function levelBandFromEnv(raw: string | undefined = process.env.BENCH_LEVEL_BAND): number {
  if (raw == null || raw.trim() === '') return DEFAULT_LEVEL_BAND;
  const band = Number(raw);
  if (!Number.isFinite(band) || band <= 0 || band >= 1)
    throw new Error(`BENCH_LEVEL_BAND=${raw}: give the level band as a fraction between 0 and 1, e.g. 0.05.`);
  return band;
}

/**
 * The level band's default half-width for {@link YARDSTICK}'s plan: 0.08 (±8%), the widest of two
 * quiet 32-round A/A runs (they needed ±6.4% and ±7.5%; see the module doc), not a calibration: a
 * third quiet A/A run needs more than the wider of two with probability about 1/3, per row. To be
 * confirmed, or widened, by `calibrate` on a quiet machine.
 */
export const DEFAULT_LEVEL_BAND = 0.08;

/** {@link VERDICT.oursProcessSpread}'s default: 0.02 (a log standard deviation, about 2%). */
export const DEFAULT_OURS_PROCESS_SPREAD = 0.02;

/** The verdict's settings (see BENCHMARKS.md, "A steady yardstick"). */
export const VERDICT = {
  /** Confidence of the interval (two-sided). */
  confidence: 0.95,
  /**
   * Half-width of the level band, relative: an interval within [1 / 1.08, 1.08] is "level" at the
   * default. The smallest difference the yardstick claims to resolve: A/A runs must land inside it.
   * Default {@link DEFAULT_LEVEL_BAND} (0.08); `BENCH_LEVEL_BAND` overrides it (see
   * {@link levelBandFromEnv}).
   */
  level: levelBandFromEnv(),
  /**
   * The fewest processes an interval over processes is judged with (default 8). A t interval over a
   * few draws of a bimodal process collapses when they all draw the same mode: in simulated level
   * comparisons (ours in one process, the peer in several; BENCHMARKS.md, "The verdict's band and
   * PyTorch's processes", and verdict.test.ts) 4 processes were called faster or slower 13-34% of the
   * time against the nominal 5%, 8 processes 6-17% (depending on how many draw the fast mode), 16
   * processes 5-7%.
   */
  minProcesses: 8,
  /**
   * The spread between processes of ours (a log standard deviation), added to an interval of ours in
   * its one process against a peer in several (groupedRatioInterval's `oursSpread`): our process is
   * one draw of it, which the peer's processes cannot show. Default 0.02 (2%): tensorfold's processes
   * lay 2.1% and 3.1% apart per CPU second under load (LeNet-5, 6 rounds a process, the rounds' noise
   * included; one run's two sets of 4 processes, so each figure is uncertain by about 0.6x-3.7x at
   * 95%; BENCHMARKS.md, "Is our side one draw too?"). Should ours draw 3%, this 2% term covers the
   * MLP's population ratio in about 89% of simulated runs rather than 95%. `calibrate ... tensorfold-processes` prints
   * the draw's spread with the rounds' noise taken out (`draws x%`), to set it from a quiet run.
   * `BENCH_OURS_PROCESS_SPREAD` overrides it (a fraction, 0 to leave ours' draw out).
   */
  oursProcessSpread: oursProcessSpreadFromEnv(),
} as const;

/**
 * {@link VERDICT.oursProcessSpread} from `BENCH_OURS_PROCESS_SPREAD` (a fraction, e.g. `0.02`; `0`
 * leaves ours' draw out), 0.02 when unset.
 */
export function oursProcessSpreadFromEnv(
  raw: string | undefined = process.env.BENCH_OURS_PROCESS_SPREAD,
): number {
  if (raw == null || raw.trim() === '') return DEFAULT_OURS_PROCESS_SPREAD;
  const spread = Number(raw);
  if (!Number.isFinite(spread) || spread < 0 || spread >= 1)
    throw new Error(
      `BENCH_OURS_PROCESS_SPREAD=${raw}: give the spread between our processes as a fraction from 0 to 1, e.g. 0.02.`,
    );
  return spread;
}

/** A confidence interval for the median ratio. */
export interface RatioInterval {
  /** The point estimate: the median ratio (or, across processes, their geometric mean). */
  estimate: number;
  low: number;
  high: number;
  /** The interval's actual coverage (order statistics give discrete levels at or above the one asked). */
  coverage: number;
  /** `rounds`: order statistics of the rounds' ratios; `processes`: a t interval over processes. */
  method: 'rounds' | 'processes';
  /** Rounds or processes behind it. */
  count: number;
}

/** P(X <= k) for X ~ Binomial(n, 1/2). */
function binomialHalfCdf(n: number, k: number): number {
  let term = 0.5 ** n; // C(n, 0) / 2^n
  let sum = 0;
  for (let i = 0; i <= k; i++) {
    sum += term;
    term = (term * (n - i)) / (i + 1);
  }
  return sum;
}

/**
 * The ranks of a distribution-free interval for the median of `n` independent values: the `k`-th
 * smallest to the `k`-th largest (1-based), with `k` the largest rank whose coverage,
 * 1 - 2 P(Binomial(n, 1/2) <= k - 1), reaches `confidence`; null when even the range falls short
 * (5 values or fewer at 95%).
 */
export function medianRanks(n: number, confidence: number): { k: number; coverage: number } | null {
  let best: { k: number; coverage: number } | null = null;
  for (let k = 1; 2 * k <= n + 1; k++) {
    const coverage = 1 - 2 * binomialHalfCdf(n, k - 1);
    if (coverage < confidence) break;
    best = { k, coverage };
  }
  return best;
}

/**
 * The median of `ratios` (in logs: an even count's geometric mean of the middle two, steadiness.ts's
 * medianRatioOf) with a distribution-free interval (order statistics: no assumption about the
 * rounds' distribution, only that the rounds' ratios are independent draws); null when there are too
 * few for `confidence`.
 */
export function medianRatioInterval(
  ratios: number[],
  confidence: number = VERDICT.confidence,
): RatioInterval | null {
  const ranks = medianRanks(ratios.length, confidence);
  if (ranks == null) return null;
  const sorted = [...ratios].sort((a, b) => a - b);
  return {
    estimate: medianRatioOf(ratios), // in logs, as groupedRatioInterval's processes: A/B and B/A reciprocal
    low: sorted[ranks.k - 1],
    high: sorted[sorted.length - ranks.k],
    coverage: ranks.coverage,
    method: 'rounds',
    count: ratios.length,
  };
}

/** Student's t quantiles at 0.975 for 1..30 degrees of freedom (then 1.96). */
const T_975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/**
 * For ratios whose peer ran in several processes (`groups[i]` the process, or pair of processes, of
 * round i) whose speeds are draws of their own (PyTorch's: two modes 1.4x apart): each group's median
 * ratio, and a 95% t interval of their mean in log space. The spread between groups, not the rounds'
 * count, then sets the width: with 16 processes t has 15 degrees of freedom (2.13), with 4 only 3
 * (3.18). A few draws can all land in one mode, and then the interval is narrow around the wrong
 * centre: judgeRatio refuses intervals over fewer than {@link VERDICT.minProcesses} processes. Null
 * with fewer than 2 groups. Only 95% is supported.
 *
 * The groups are taken as independent draws. Where both sides ran in processes (calibrate's A/A,
 * process i of set A paired with process i of set B) the interval is a paired one over the pairs: its
 * ratios compare rounds run back to back, so the machine's swings cancel inside each pair, and a
 * pair's spread already holds both sides' draws (the variance of a difference of two independent
 * draws is the sum of theirs), so it is about as wide as a Welch interval on the two sets' process
 * medians would be on average (a little wider: t with p - 1 degrees of freedom where Welch has up to
 * 2(p - 1), 2.13 against 2.04 at 16 pairs), and it keeps the pairing in time that such an interval
 * would throw away. It is honest only if the pairs are exchangeable: if a process's speed depends on
 * when it was started or built and set A is built before set B, every pair carries the same bias,
 * which no spread between pairs shows. Calibrate therefore builds the two sets interleaved
 * (peers/pytorch.ts's interleavedSets; BENCHMARKS.md, "The interval over PyTorch's processes").
 *
 * `oursSpread` (a log standard deviation, default 0): where our side ran in one process against a
 * peer in several, the spread between processes of ours; our one process is one draw of it, which
 * no spread between the peer's processes shows, so its variance is added to the mean's (the suite
 * passes {@link VERDICT.oursProcessSpread}).
 */
export function groupedRatioInterval(
  ratios: number[],
  groups: number[],
  options: { oursSpread?: number } = {},
): RatioInterval | null {
  if (ratios.length !== groups.length)
    throw new RangeError(
      `groupedRatioInterval needs one group per ratio (got ${ratios.length} ratios, ${groups.length} groups).`,
    );
  const { oursSpread = 0 } = options;
  const byGroup = new Map<number, number[]>();
  ratios.forEach((r, i) => {
    byGroup.set(groups[i], [...(byGroup.get(groups[i]) ?? []), r]);
  });
  // each process's median ratio in log space (the geometric mean of the middle two of an even count):
  // the upper one would lean every process's ratio towards "faster", and so would the plain mean of
  // the middle two, by about half the rounds' log variance for whichever side is ours; in logs, A/B
  // and B/A of the same rounds read as exact reciprocals (aa-slots.test.ts)
  const logs = [...byGroup.values()].map((list) => medianOf(list.map(Math.log)));
  const p = logs.length;
  if (p < 2) return null;
  const mean = logs.reduce((s, v) => s + v, 0) / p;
  const variance = logs.reduce((s, v) => s + (v - mean) ** 2, 0) / (p - 1);
  // t with the groups' degrees of freedom for the whole: conservative, since the known part has no
  // sampling error (Welch-Satterthwaite would give about 1.99 for the MLP's rows at 16 processes, 2.07
  // for LeNet-5's, against 2.13); kept so, since oursSpread is itself a rough figure (see VERDICT)
  const half = (T_975[p - 2] ?? 1.96) * Math.sqrt(variance / p + oursSpread ** 2);
  return {
    estimate: Math.exp(mean),
    low: Math.exp(mean - half),
    high: Math.exp(mean + half),
    coverage: 0.95,
    method: 'processes',
    count: p,
  };
}

/** What the verdict says about a ratio. */
export type Call = 'faster' | 'slower' | 'level';

/** A verdict: judged with a call, or not judged and why. */
export interface Verdict {
  judged: boolean;
  /** Set when judged. */
  call: Call | null;
  /** Why not judged (null when judged). */
  reason: string | null;
}

/** Where an interval lies against a target ratio (e.g. issue 22's ">= 1.5x PyTorch"). */
export type TargetCall = 'met' | 'missed' | 'undecided';

/** Why an interval over `count` processes is not judged (fewer than `minProcesses`). */
export function tooFewProcesses(count: number, minProcesses: number = VERDICT.minProcesses): string {
  return `only ${count} process${count === 1 ? '' : 'es'}: an interval over processes needs ${minProcesses}`;
}

/**
 * Why `interval` cannot be judged at all, or null when it can: the machine was busy (`busy`), there
 * is no interval, or it is over fewer than `minProcesses` processes. {@link judgeRatio} and
 * {@link judgeTarget} refuse alike.
 */
function refusal(interval: RatioInterval | null, busy: string | null, minProcesses: number): string | null {
  if (busy != null) return busy;
  if (interval == null) return 'too few rounds or processes for an interval';
  if (interval.method === 'processes' && interval.count < minProcesses)
    return tooFewProcesses(interval.count, minProcesses);
  return null;
}

/**
 * `met` when the whole interval lies at or above `target`, `missed` when it lies wholly below, else
 * `undecided`; null where {@link judgeRatio} would not judge either: no interval, a busy machine
 * (`busy`), or an interval over fewer than `minProcesses` processes (a few draws of a bimodal peer
 * can all land in one mode; `--quick` runs 2).
 */
export function judgeTarget(
  interval: RatioInterval | null,
  busy: string | null,
  target: number,
  minProcesses: number = VERDICT.minProcesses,
): TargetCall | null {
  if (interval == null || refusal(interval, busy, minProcesses) != null) return null;
  if (interval.low >= target) return 'met';
  if (interval.high < target) return 'missed';
  return 'undecided';
}

/**
 * The narrowest level band (a fraction) that would call `interval` level: how far its farther end
 * lies from 1, as {@link judgeRatio} measures it (`low` against 1 / (1 + band), `high` against
 * 1 + band). For A/A runs this is the resolution the yardstick showed: the band must be at least the
 * widest of them.
 */
export function bandNeeded(interval: RatioInterval): number {
  return Math.max(interval.high - 1, 1 / interval.low - 1, 0);
}

/** `1.02x` */
const x = (v: number) => `${v.toFixed(2)}x`;

/**
 * Judges `interval` (null: too few rounds or processes) on a machine whose business `busy` states
 * (null: quiet; see steadiness.ts's busyReason). `level`: the level band's half-width;
 * `minProcesses`: the fewest processes an interval over processes is judged with.
 */
export function judgeRatio(
  interval: RatioInterval | null,
  busy: string | null,
  level: number = VERDICT.level,
  minProcesses: number = VERDICT.minProcesses,
): Verdict {
  const reason = refusal(interval, busy, minProcesses);
  if (interval == null || reason != null) return { judged: false, call: null, reason };
  const { low, high } = interval;
  if (low >= 1 / (1 + level) && high <= 1 + level) return { judged: true, call: 'level', reason: null };
  if (low > 1) return { judged: true, call: 'faster', reason: null };
  if (high < 1) return { judged: true, call: 'slower', reason: null };
  return {
    judged: false,
    call: null,
    reason: `the interval straddles 1 and reaches past ±${+(level * 100).toFixed(1)}%`,
  };
}

/**
 * One line for a row's note: the interval, then the call or why there is none, e.g. `by round 1.03x,
 * 95% CI 0.99x-1.06x (16 rounds): level` or `... (4 processes): not judged (...)`.
 */
export function describeVerdict(interval: RatioInterval | null, verdict: Verdict): string {
  const ci =
    interval == null
      ? 'no interval'
      : `by round ${x(interval.estimate)}, ${Math.round(interval.coverage * 100)}% CI ${x(interval.low)}-${x(interval.high)} (${interval.count} ${interval.method})`;
  return `${ci}: ${verdict.judged ? verdict.call : `not judged (${verdict.reason})`}`;
}
