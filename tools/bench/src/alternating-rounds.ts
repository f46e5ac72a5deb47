/**
 * Timed rounds of several sides, alternated so that whatever else the machine does in a given minute
 * hits every side alike: round r runs every side once, starting from side r (a rotation), so that no
 * side always follows the same one (whose caches, thread pool or V8 background work it would inherit).
 * Around the rounds it reads how much CPU time other processes took (cpu-time.ts) and the load average.
 */
import { type CpuSnapshot, cpuSnapshot, othersCores } from './cpu-time.js';
import { loadPerCore, type RoundTime } from './steadiness.js';

/**
 * One side being measured: timed rounds of `steps` steps. `T` is what a round gives back: its wall and
 * CPU time by default; an A/B script may return more (each step's time, a counter's increase).
 */
export interface RoundRunner<T = RoundTime> {
  round(steps: number): Promise<T>;
}

/** The order of the sides in round `round` of `count`: a rotation starting at `round mod count`. */
export function roundOrder(count: number, round: number): number[] {
  return Array.from({ length: count }, (_, i) => (round + i) % count);
}

/** What {@link runAlternating} measured. */
export interface AlternatingResult<T = RoundTime> {
  /** Each side's timed rounds, in round order (index i: round i), in the order the sides were given. */
  rounds: T[][];
  /** The largest 1-minute load average per core seen. */
  load: number;
  /** Cores' worth of CPU time other processes took during the timed rounds; null off Linux. */
  othersCores: number | null;
}

/**
 * Runs `warmupRounds` untimed rounds (of `warmupSteps` steps), then `rounds` timed rounds of `steps`
 * steps of every side, alternating (see {@link roundOrder}). `pids` are the bench's other processes
 * (peers), whose CPU time does not count as other processes'.
 */
export async function runAlternating<T = RoundTime>(
  sides: RoundRunner<T>[],
  options: {
    rounds: number;
    steps: number;
    /** Untimed rounds first (default 1). */
    warmupRounds?: number;
    /**
     * Steps of each side in an untimed round (default `steps`): fewer where a warm-up only needs to
     * compile and allocate (the training suites warm up with 2 steps, then time rounds of more).
     */
    warmupSteps?: number;
    pids?: number[];
    /**
     * Whether the timed rounds go on with the warm-up's rotation: timed round r in the order of
     * round `warmupRounds + r` (the A/B scripts' order: with two sides and one warm-up round, off-on,
     * then on-off, off-on, ...). Default false: the timed rounds start the rotation again at round 0.
     */
    continueRotation?: boolean;
    /**
     * Default true. False: every round runs the sides in the order given, so each side always
     * follows the same one (kernel-ab.ts's and training-ab.ts's loops, kept as they were measured).
     */
    rotate?: boolean;
  },
): Promise<AlternatingResult<T>> {
  const { rounds, steps, warmupRounds = 1, pids = [], continueRotation = false, rotate = true } = options;
  const warmupSteps = options.warmupSteps ?? steps;
  const order = (round: number) => (rotate ? roundOrder(sides.length, round) : sides.map((_, i) => i));
  for (let round = 0; round < warmupRounds; round++)
    for (const i of order(round)) await sides[i].round(warmupSteps);
  const times: T[][] = sides.map(() => []);
  const first = continueRotation ? warmupRounds : 0;
  let load = loadPerCore();
  const before = cpuSnapshot(pids);
  for (let round = 0; round < rounds; round++) {
    for (const i of order(first + round)) times[i].push(await sides[i].round(steps));
    load = Math.max(load, loadPerCore());
  }
  const after = cpuSnapshot(pids);
  return {
    rounds: times,
    load,
    othersCores: before == null || after == null ? null : othersCores(before, after),
  };
}

/** One step of a paired round: which side runs (`-1`: ours; otherwise the peer's index). */
export type PairedSlot = number;

/**
 * The order of paired round `round` against `peers` peers: every peer once, in a rotation starting at
 * `round mod peers`, each right next to a round of ours, ours first in even rounds and second in odd
 * ones (so that neither side of a pair always inherits the other's caches or heap). Ours runs once per
 * peer: `-1` stands for ours.
 */
export function pairedOrder(peers: number, round: number): PairedSlot[] {
  const oursFirst = round % 2 === 0;
  return roundOrder(peers, round).flatMap((peer) => (oursFirst ? [-1, peer] : [peer, -1]));
}

/** What {@link runPaired} measured. */
export interface PairedResult {
  /** For each peer (in the order given), our timed rounds that ran next to its rounds, in round order. */
  ours: RoundTime[][];
  /** Each peer's timed rounds, in round order. */
  peers: RoundTime[][];
  /** The largest 1-minute load average per core seen. */
  load: number;
  /** Cores' worth of CPU time other processes took during the timed rounds; null off Linux. */
  othersCores: number | null;
  /**
   * For each peer, cores' worth of CPU time other processes took during its pairs alone (their CPU
   * seconds over the pairs' wall seconds); null off Linux. A burst of other work then makes busy only
   * the comparisons whose pairs it hit.
   */
  othersCoresByPeer: Array<number | null>;
}

/**
 * Runs `warmupRounds` untimed paired rounds, then `rounds` timed ones of `steps` steps (see
 * {@link pairedOrder}): each ratio of ours to a peer then compares two rounds run back to back, which
 * see nearly the same machine, where a rotation of all sides put up to a whole round of other sides
 * between them (measured under load: the ratio's interquartile range 12% back to back, 37% with one
 * other side's round between). `pids` are the bench's other processes (peers), whose CPU time does
 * not count as other processes'.
 */
export async function runPaired(
  ours: RoundRunner,
  peers: RoundRunner[],
  options: {
    rounds: number;
    steps: number;
    warmupRounds?: number;
    pids?: number[];
    /** Reads the machine's and the bench's CPU time (default: cpu-time.ts's, from /proc; tests fake it). */
    snapshot?: (pids: number[]) => CpuSnapshot | null;
  },
): Promise<PairedResult> {
  const { rounds, steps, warmupRounds = 1, pids = [], snapshot = cpuSnapshot } = options;
  for (let round = 0; round < warmupRounds; round++)
    for (const slot of pairedOrder(peers.length, round)) await (slot < 0 ? ours : peers[slot]).round(steps);
  const oursTimes: RoundTime[][] = peers.map(() => []);
  const peerTimes: RoundTime[][] = peers.map(() => []);
  // Per peer: other processes' CPU seconds and the wall seconds of its pairs.
  const others = peers.map(() => ({ cpu: 0, wall: 0, known: true }));
  let load = loadPerCore();
  const before = snapshot(pids);
  for (let round = 0; round < rounds; round++) {
    const order = pairedOrder(peers.length, round);
    for (let i = 0; i < order.length; i += 2) {
      const peer = Math.max(order[i], order[i + 1]);
      const pairStart = snapshot(pids);
      for (const slot of [order[i], order[i + 1]]) {
        const time = await (slot < 0 ? ours : peers[slot]).round(steps);
        (slot < 0 ? oursTimes : peerTimes)[peer].push(time);
      }
      const pairEnd = snapshot(pids);
      if (pairStart == null || pairEnd == null) others[peer].known = false;
      else {
        const wall = pairEnd.wall - pairStart.wall;
        others[peer].cpu += othersCores(pairStart, pairEnd) * wall;
        others[peer].wall += wall;
      }
    }
    load = Math.max(load, loadPerCore());
  }
  const after = snapshot(pids);
  return {
    ours: oursTimes,
    peers: peerTimes,
    load,
    othersCores: before == null || after == null ? null : othersCores(before, after),
    othersCoresByPeer: others.map((o) => (o.known ? o.cpu / Math.max(o.wall, 1e-9) : null)),
  };
}
