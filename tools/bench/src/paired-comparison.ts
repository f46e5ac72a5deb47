/**
 * Our side against each peer in paired rounds (alternating-rounds.ts's runPaired), summarized and
 * judged (verdict.ts): what the backend-training suite and the calibrate script print.
 */
import { runPaired } from './alternating-rounds.js';
import type { CpuSnapshot } from './cpu-time.js';
import {
  busyReason,
  type GroupedSummary,
  groupedSummary,
  medianOf,
  pairedRatios,
  type RoundTime,
  relativeSpread,
  type Summary,
  summarize,
} from './steadiness.js';
import type { Runner } from './training-sides.js';
import {
  describeVerdict,
  groupedRatioInterval,
  judgeRatio,
  medianRatioInterval,
  type RatioInterval,
  tooFewProcesses,
  VERDICT,
  type Verdict,
} from './verdict.js';

/** One side's rounds, summarized. */
export interface SideResult {
  /** Samples/s of each round, in round order. */
  rates: number[];
  /** Summary of `rates`. */
  rate: Summary;
  /** The side's figure: the median round, or for a side in several processes their mean (see `grouped`). */
  centre: number;
  /** The process of each round, for a side measured in several processes; else null. */
  processes: number[] | null;
  /** For a side measured in several processes: its rounds by process. */
  grouped: GroupedSummary | null;
  /** The rounds' own noise: their relative spread, within each process for a side in several. */
  spread: number;
  /** Samples per CPU second over all rounds (the mean over processes for a side in several). */
  cpuRate: number;
  /** For a side in several processes: each process's samples per CPU second, in process order. */
  processCpuRates: number[] | null;
  /** Cores the bench's own process used during this side's rounds (sides in another process). */
  ownCores: number | null;
}

/**
 * Samples per CPU second over all `times` (total samples / total CPU time: a round's CPU time is
 * counted in 10 ms ticks, too coarse for a round's own ratio), or with `processes` (the process of
 * each round) each process's figure, in process order.
 */
function samplesPerCpuSecond(
  times: RoundTime[],
  samplesPerRound: number,
  processes: number[] | null,
): number[] {
  const rate = (list: RoundTime[]) =>
    (samplesPerRound * list.length) /
    Math.max(
      list.reduce((sum, r) => sum + r.cpu, 0),
      1e-9,
    );
  if (processes == null) return [rate(times)];
  const ids = [...new Set(processes)].sort((a, b) => a - b);
  return ids.map((p) => rate(times.filter((_, i) => processes[i] === p)));
}

/** Summarizes `times` (rounds of `samplesPerRound` samples), `processes` giving each round's process. */
export function summarizeSide(
  times: RoundTime[],
  samplesPerRound: number,
  processes: number[] | null,
  ownCores: number | null = null,
): SideResult {
  const rates = times.map((r) => samplesPerRound / r.wall);
  const grouped = processes == null ? null : groupedSummary(rates, processes);
  const cpuRates = samplesPerCpuSecond(times, samplesPerRound, processes);
  return {
    rates,
    rate: summarize(rates),
    centre: grouped?.centre ?? medianOf(rates),
    processes,
    grouped,
    spread: grouped?.withinSpread ?? relativeSpread(rates),
    cpuRate: cpuRates.reduce((sum, r) => sum + r, 0) / cpuRates.length,
    processCpuRates: processes == null ? null : cpuRates,
    ownCores,
  };
}

/** Ours against one peer. */
export interface Comparison {
  /** Cores' worth of CPU time other processes took during this comparison's pairs; null off Linux. */
  othersCores: number | null;
  /** Our rounds that ran next to this peer's. */
  ours: SideResult;
  theirs: SideResult;
  /** Round-by-round ratios ours / theirs (> 1: ours faster). */
  ratios: number[];
  interval: RatioInterval | null;
  /** Why the machine was too busy to judge, or null. */
  busy: string | null;
  verdict: Verdict;
}

/** The pair of processes of each ratio (one group per pair) where either side ran in worker processes, else null. */
function processGroups(ratios: number[], ours: SideResult, theirs: SideResult): number[] | null {
  if (ours.processes == null && theirs.processes == null) return null;
  const width = Math.max(0, ...(theirs.processes ?? [0])) + 1;
  return ratios.map((_, i) => (ours.processes?.[i] ?? 0) * width + (theirs.processes?.[i] ?? 0));
}

/**
 * The interval for `ratios`: over processes where either side ran in worker processes (each pair of
 * processes one group), else over rounds. Where ours ran in this one process against a peer in
 * several, `oursSpread` (default VERDICT.oursProcessSpread) is the spread between processes of ours
 * that our one process draws from (groupedRatioInterval). Null with one pair of processes
 * (`BACKEND_TRAINING_PYTORCH_PROCESSES=1`): its rounds are one draw of a process whose speed holds for
 * its life, so an interval over them says nothing of the next process ({@link judgeComparison}).
 */
export function ratioInterval(
  ratios: number[],
  ours: SideResult,
  theirs: SideResult,
  oursSpread: number = VERDICT.oursProcessSpread,
): RatioInterval | null {
  const groups = processGroups(ratios, ours, theirs);
  if (groups == null) return medianRatioInterval(ratios);
  // ours in its one process against a peer in several: our process is one draw (VERDICT.oursProcessSpread)
  return groupedRatioInterval(ratios, groups, { oursSpread: ours.processes == null ? oursSpread : 0 });
}

/**
 * The verdict on `interval` (ratioInterval's for these sides): judgeRatio's, except that where a side
 * ran in worker processes but all the ratios came from one pair of them it says so ("only 1
 * process: ..."), rather than "too few rounds".
 */
export function judgeComparison(
  ratios: number[],
  ours: SideResult,
  theirs: SideResult,
  interval: RatioInterval | null,
  busy: string | null,
): Verdict {
  const groups = processGroups(ratios, ours, theirs);
  if (interval == null && busy == null && groups != null && ratios.length > 0)
    return { judged: false, call: null, reason: tooFewProcesses(new Set(groups).size) };
  return judgeRatio(interval, busy);
}

/** The process of each of `runner`'s last `count` rounds (null for a side in this process). */
function lastProcesses(runner: Runner, count: number): number[] | null {
  return runner.processes?.().slice(-count) ?? null;
}

/**
 * Runs `ours` against each of `peers` in paired rounds and judges each comparison. All of our rounds
 * together give `ours` (our figure); each comparison uses the rounds of ours that ran next to it.
 */
export async function measurePaired(
  ours: Runner,
  peers: Runner[],
  options: {
    rounds: number;
    steps: number;
    samplesPerRound: number;
    pids?: number[];
    /** See runPaired's option of that name (tests fake the machine's CPU time). */
    snapshot?: (pids: number[]) => CpuSnapshot | null;
  },
) {
  if (peers.length === 0)
    throw new Error(
      'No peer could run, so there is nothing to compare with: install the missing peer (e.g. apt-get install python3-torch) or name peers that can run here in BACKEND_TRAINING_PEERS.',
    );
  const { samplesPerRound, ...plan } = options;
  const result = await runPaired(ours, peers, plan);
  const all = result.ours.flat();
  // Our processes (a side in several processes against itself, as the calibrate script runs), in
  // the order of `all`: peer by peer.
  const executed = lastProcesses(ours, all.length);
  const oursProcesses =
    executed == null ? null : peers.map((_, j) => oursRoundProcesses(executed, peers.length, j, plan.rounds));
  const comparisons = peers.map((peer, j): Comparison => {
    const theirs = summarizeSide(
      result.peers[j],
      samplesPerRound,
      lastProcesses(peer, result.peers[j].length),
      peer.ownCoresDuringRounds?.() ?? null,
    );
    const oursHere = summarizeSide(result.ours[j], samplesPerRound, oursProcesses?.[j] ?? null);
    const ratios = pairedRatios(oursHere.rates, theirs.rates);
    const interval = ratioInterval(ratios, oursHere, theirs);
    const others = result.othersCoresByPeer[j];
    const busy = busyReason({ load: result.load, othersCores: others, ownDuringPeerCores: theirs.ownCores });
    return {
      othersCores: others,
      ours: oursHere,
      theirs,
      ratios,
      interval,
      busy,
      verdict: judgeComparison(ratios, oursHere, theirs, interval, busy),
    };
  });
  return {
    ours: summarizeSide(all, samplesPerRound, oursProcesses?.flat() ?? null),
    comparisons,
    load: result.load,
    othersCores: result.othersCores,
  };
}

/**
 * The processes of our rounds next to peer `peer`, from the processes of all our timed rounds in the
 * order they ran (`runPaired` runs ours once per peer per round, visiting peers in a rotation).
 */
function oursRoundProcesses(all: number[], peers: number, peer: number, rounds: number): number[] {
  const out: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const position = (peer - (round % peers) + peers) % peers; // where the rotation visits `peer`
    out.push(all[round * peers + position]);
  }
  return out;
}

/** `lo-hi` of a summary's quartiles, as whole numbers. */
function iqr(s: Summary): string {
  return `${Math.round(s.q1)}-${Math.round(s.q3)}`;
}

/**
 * The note of a comparison's row: both sides' interquartile ranges, a peer's processes, the interval
 * and verdict, samples per CPU second where both sides run on one thread (`cpuRates`: ours, theirs),
 * other processes' CPU time during its pairs and the bench's during a peer process's rounds.
 */
export function comparisonNotes(c: Comparison, cpuRates?: [number, number]): string[] {
  const notes = [`IQR ${iqr(c.ours.rate)} / ${iqr(c.theirs.rate)}`];
  const medians = c.theirs.grouped?.medians;
  if (medians != null)
    notes.push(
      `mean of ${medians.length} processes' medians (${Math.round(Math.min(...medians))}-${Math.round(Math.max(...medians))})`,
    );
  notes.push(describeVerdict(c.interval, c.verdict));
  if (cpuRates != null) {
    const [ours, theirs] = cpuRates;
    notes.push(`per CPU second ${(ours / theirs).toFixed(2)}x (${Math.round(ours)} / ${Math.round(theirs)})`);
  }
  if (c.othersCores != null) notes.push(`others ${c.othersCores.toFixed(2)} cores`);
  if (c.theirs.ownCores != null) notes.push(`bench during its rounds ${c.theirs.ownCores.toFixed(2)} cores`);
  return notes;
}
