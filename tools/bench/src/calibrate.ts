/**
 * `pnpm --filter @tensorfold/bench calibrate [mlp,lenet5] [tensorfold,pytorch1,pytorch2,tensorfold-processes,burn] [rounds] [steps]`
 *
 * A/A runs of the backend-training yardstick: each side against a second copy of itself, measured
 * exactly as the suite measures a comparison (paired rounds, paired-comparison.ts; the verdict of
 * verdict.ts). `tensorfold`: two models of tensorfold's stack in this process, on the WASM thread pool
 * as `TENSORFOLD_WASM_THREADS` sets it; `pytorch1` / `pytorch2`: PyTorch on 1 / 2 threads, in two sets
 * of 16 worker processes (`BACKEND_TRAINING_PYTORCH_PROCESSES` sets how many per set). Defaults: both
 * networks, `tensorfold,pytorch1`, 32 rounds of 16 steps (the suite's plan, verdict.ts's YARDSTICK).
 * The two sets of processes are started and built **in turn** (A0 B0 B1 A1 A2 B2 ...; peers/
 * pytorch.ts's interleavedSets and buildInterleaved), so that a speed that follows the order a process
 * was started or built in, or its age, falls on both sets alike: before, all of set A's processes
 * started and built first, and a bias of set A as a whole is common to every pair, which the interval
 * over pairs cannot see (BENCHMARKS.md, "The interval over PyTorch's processes").
 * `CALIBRATE_PROCESS_ORDER=sets` restores the old order, to test whether the order matters: each row
 * over processes notes how speed moved from the first process built to the last (per CPU second,
 * with its t statistic) and the spread of one process's draw with the rounds' noise taken out
 * (`draws x%`: for `tensorfold-processes`, the figure `BENCH_OURS_PROCESS_SPREAD` wants). The trend
 * sees a 10% drift (|t| > 2) in about 88% of runs on the MLP's draws but 17% on LeNet-5's, whose two
 * modes hide it (simulated, interval-coverage.test.ts): read it on the MLP rows.
 * `CALIBRATE_SWAP=1` measures set B as the first side (the suite's "ours") and A as the peer, so the
 * rows read B / A; the sets are still started and built in the same order (A0 B0 B1 A1 ..., or all
 * of A's first), so a bias that follows the set shows as B reading slower, and one that follows the
 * role (measurePaired's first side) as B reading faster. Any other value than 1 or 0 is an error.
 * `burn`: two sets of fake peers (peers/burn_worker.py: the same fixed CPU work every step, python3
 * without torch) measured as PyTorch's are: per CPU second it must read 1.00x, and quiet in wall time
 * too; a wall ratio away from 1 that its CPU ratio does not share is the machine's or the schedule's
 * (its summary line about a set's spread then measures the machine, not a process of ours).
 * The sets' sides send their processes nothing at `start` (processSide's `built`): buildInterleaved has
 * built them, and pinging all of A's, then all of B's, touched one set last before the timed rounds.
 * `tensorfold-processes`: tensorfold in two sets of worker processes of its own (peers/
 * tensorfold_worker.ts; `CALIBRATE_TENSORFOLD_PROCESSES` per set, default 8), to see whether a
 * process of ours is a speed draw of its own as PyTorch's are: the row's note gives the spread
 * between each set's processes (the suite runs ours in its one process, so a spread there would be
 * a draw its interval leaves out).
 *
 * The two copies are the same code, so every row must read about 1.00x, and no row may be called
 * faster or slower: that would mean the yardstick itself favours one position (pairing order, a
 * copy's memory, a process's draw) by more than its interval admits. A row over rounds (both copies
 * in this process) must be called **level**; "not judged" on a quiet machine means its interval is
 * wider than the level band (`VERDICT.level`). A PyTorch row (over processes) is as wide as its
 * processes' draws (about ±14% over 16 processes), so quiet and over enough processes it is expected
 * to be "not judged". A `tensorfold-processes` row is not excused so: if ours were draws too, that
 * width is what it is there to show (the summary flags its sets' processes more than 5% apart per
 * CPU second). The last lines say which, and the band the
 * widest A/A interval needed (verdict.ts's bandNeeded), over rounds (the resolution this plan showed,
 * which the level band, `BENCH_LEVEL_BAND`, default 8%, must not undercut) and over processes. Each
 * row's note gives the band it needed too, and for sides in several processes the spread between
 * their processes. A side asked for that cannot run here (PyTorch's without torch) ends the run at
 * once, exit code 1, with the reason and the fix: a summary of the sides left would read as a
 * calibration of them all.
 */
import { availableParallelism } from 'node:os';
import { wasmThreads } from '@tensorfold/backend';
import { useBackend } from './backends.js';
import { type CalibrationRow, calibrationSummary } from './calibration-summary.js';
import { comparisonNotes, measurePaired } from './paired-comparison.js';
import {
  buildInterleaved,
  buildOrderFromEnv,
  builtPositions,
  burnWorker,
  calibrateSwapFromEnv,
  findPyTorch,
  interleavedSets,
  PyTorchPeer,
  pytorchProcessesFromEnv,
  requirePyTorch,
  tensorfoldWorker,
} from './peers/pytorch.js';
import { drawSpread, logSpread, medianRatioOf, orderTrend } from './steadiness.js';
import { disposeBatches, randomBatches } from './training-data.js';
import { TRAINING_INPUT, tensorfoldModel } from './training-models.js';
import { inProcessSide, processSide, pytorchSide, type Side } from './training-sides.js';
import { bandNeeded, judgeRatio, VERDICT, type Verdict, YARDSTICK } from './verdict.js';

/** A verdict in a word or two. */
function describeCall(verdict: Verdict): string {
  return verdict.judged ? (verdict.call ?? '') : `not judged (${verdict.reason})`;
}

const KINDS = ['tensorfold', 'pytorch1', 'pytorch2', 'tensorfold-processes', 'burn'] as const;
type Kind = (typeof KINDS)[number];

/** A comma-separated argument's choices among `allowed`. */
function parseList<T extends string>(raw: string, allowed: readonly T[], what: string): T[] {
  const wanted = raw.split(',').map((w) => w.trim().toLowerCase());
  const unknown = wanted.filter((w) => !allowed.includes(w as T));
  if (unknown.length)
    throw new Error(`Unknown ${what} ${unknown.join(', ')}: choose from ${allowed.join(', ')}.`);
  return wanted as T[];
}

/** A whole number of at least `min` from `raw`, or an error naming `what`. */
function parseCount(raw: string, min: number, what: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min)
    throw new Error(`${what} must be a whole number >= ${min} (got ${raw}).`);
  return n;
}

async function main() {
  const [
    networksArg = 'mlp,lenet5',
    kindsArg = 'tensorfold,pytorch1',
    roundsArg = String(YARDSTICK.rounds),
    stepsArg = String(YARDSTICK.steps),
  ] = process.argv.slice(2);
  const networks = parseList(networksArg, ['mlp', 'lenet5'] as const, 'network');
  const kinds = parseList(kindsArg, KINDS, 'side');
  const rounds = parseCount(roundsArg, 6, 'rounds');
  const steps = parseCount(stepsArg, 1, 'steps');
  const processes = pytorchProcessesFromEnv(YARDSTICK.pytorchProcesses);
  // The two sets' processes started (and below, built) in turn, A0 B0 B1 A1 ...: see interleavedSets.
  const order = buildOrderFromEnv();
  const swap = calibrateSwapFromEnv();
  // A kind asked for that cannot run ends the run with the reason and the fix (exit 1), before
  // anything is measured: the summary of the kinds left would read as a calibration.
  const torchKinds = kinds.filter((k) => k.startsWith('pytorch'));
  const torch = torchKinds.length
    ? requirePyTorch(
        findPyTorch(),
        `calibrate ${torchKinds.join(',')}`,
        `leave ${torchKinds.join(',')} out of the sides to calibrate the rest`,
      )
    : null;
  const python = torch?.python ?? null;
  const info = await useBackend('wasm');
  console.log(
    `## calibrate (A/A): ${info}, ${rounds} rounds of ${steps} steps, level band ±${+(VERDICT.level * 100).toFixed(1)}%\n`,
  );
  const sets = python == null ? [] : interleavedSets(processes, () => new PyTorchPeer(python), order);
  const poolThreads = wasmThreads();
  const ourProcesses = kinds.includes('tensorfold-processes')
    ? parseCount(process.env.CALIBRATE_TENSORFOLD_PROCESSES ?? '8', 2, 'CALIBRATE_TENSORFOLD_PROCESSES')
    : 0;
  const ourSets = ourProcesses ? interleavedSets(ourProcesses, tensorfoldWorker, order) : [];
  // `burn`: two sets of fake peers (peers/burn_worker.py), the same fixed CPU work a step in every
  // process, as many as PyTorch's: an A/A of them must read 1.00x (per CPU second always).
  const burnSets = kinds.includes('burn') ? interleavedSets(processes, () => burnWorker(), order) : [];
  const pids = [...sets, ...ourSets, ...burnSets]
    .flat()
    .flatMap((peer) => (peer.pid == null ? [] : [peer.pid]));
  // For sides in two sets of processes: the sets and the thread count, to build them in `order`.
  const pairs: Array<{
    kind: Kind;
    a: Side;
    b: Side;
    processSets?: [PyTorchPeer[], PyTorchPeer[]];
    threads?: number;
  }> = [];
  // Sides in two sets of processes are built (and warmed up) in turn by buildInterleaved below, so
  // their `start` sends nothing: pinging all of A's processes, then all of B's, right before the
  // timed rounds touched one set last (BENCHMARKS.md, "(branch wip/aa-bias)").
  const built = { built: true };
  for (const kind of kinds) {
    if (kind === 'tensorfold') {
      const side = (name: string) => inProcessSide(name, tensorfoldModel, { poolThreads });
      pairs.push({ kind, a: side('tensorfold A'), b: side('tensorfold B') });
    } else if (kind === 'tensorfold-processes') {
      const name = (set: string) => `tensorfold in ${ourProcesses} processes ${set}`;
      pairs.push({
        kind,
        a: processSide(ourSets[0], name('A'), poolThreads, built),
        b: processSide(ourSets[1], name('B'), poolThreads, built),
        processSets: [ourSets[0], ourSets[1]],
        threads: poolThreads,
      });
    } else if (kind === 'burn') {
      const name = (set: string) => `burn worker in ${processes} processes ${set}`;
      pairs.push({
        kind,
        a: processSide(burnSets[0], name('A'), 1, built),
        b: processSide(burnSets[1], name('B'), 1, built),
        processSets: [burnSets[0], burnSets[1]],
        threads: 1,
      });
    } else {
      const threads = kind === 'pytorch1' ? 1 : availableParallelism();
      pairs.push({
        kind,
        a: pytorchSide(sets[0], `${torch!.version} A`, threads, built),
        b: pytorchSide(sets[1], `${torch!.version} B`, threads, built),
        processSets: [sets[0], sets[1]],
        threads,
      });
    }
  }
  // CALIBRATE_SWAP=1: set B measured as "ours" (measurePaired's first side), A as the peer, to tell a
  // bias of a set from a bias of the role (the rows then read B / A). The sets keep their start and
  // build order, so that a bias that follows the set (its order included) stays with A.
  if (swap) for (const pair of pairs) [pair.a, pair.b] = [pair.b, pair.a];
  // The set of the first side (A, or B with CALIBRATE_SWAP=1) and of the second.
  const [first, second] = swap ? (['B', 'A'] as const) : (['A', 'B'] as const);
  const results: CalibrationRow[] = [];
  console.log(`| case | ${first} | ${second} | ${first} / ${second} | note |`);
  console.log('|---|---|---|---|---|');
  try {
    for (const network of networks) {
      const { batch, inputShape } = TRAINING_INPUT[network];
      const data = randomBatches(batch, inputShape);
      try {
        for (const { kind, a, b, processSets, threads } of pairs) {
          // Build the network in both sets' processes in turn, so that neither set is built first.
          if (processSets != null)
            await buildInterleaved(processSets, network, threads ?? 1, order, data.peerFile);
          const ra = await a.start(network, data);
          const rb = await b.start(network, data);
          if (ra == null || rb == null) throw new Error(`${kind} could not train ${network}.`);
          try {
            const measured = await measurePaired(ra, [rb], {
              rounds,
              steps,
              samplesPerRound: steps * batch,
              pids,
            });
            const c = measured.comparisons[0];
            const label = `${network}, ${a.name} / ${b.name}`;
            results.push({ label, comparison: c, knownDraws: kind.startsWith('pytorch') });
            const cpuRates: [number, number] | undefined =
              a.oneThread && b.oneThread ? [c.ours.cpuRate, c.theirs.cpuRate] : undefined;
            const notes = comparisonNotes(c, cpuRates);
            const call = c.verdict.judged ? c.verdict.call : 'not judged';
            // The first side's position in the pair: first in even rounds, second in odd ones (a bias
            // there widens the interval).
            const half = (parity: number) => medianRatioOf(c.ratios.filter((_, i) => i % 2 === parity));
            notes.push(`${first} first ${half(0).toFixed(2)}x, ${first} second ${half(1).toFixed(2)}x`);
            if (c.interval != null) notes.push(`level needs ±${(100 * bandNeeded(c.interval)).toFixed(1)}%`);
            for (const [who, side] of [
              [first, c.ours],
              [second, c.theirs],
            ] as const)
              if (side.grouped != null && side.processCpuRates != null)
                notes.push(
                  `${who}'s processes spread ${(100 * logSpread(side.grouped.medians)).toFixed(1)}% (${(100 * logSpread(side.processCpuRates)).toFixed(1)}% per CPU second)`,
                );
            if (
              processSets != null &&
              c.ours.processes != null &&
              c.theirs.processes != null &&
              c.ours.processCpuRates != null &&
              c.theirs.processCpuRates != null
            ) {
              // A process's draw without the rounds' noise (the figure VERDICT.oursProcessSpread wants
              // for ours), and whether speed follows the order the processes were built in.
              const spread = drawSpread(c.ratios, c.ours.processes);
              const count = processSets[0].length;
              const [oursSet, theirsSet] = swap ? ([1, 0] as const) : ([0, 1] as const);
              const trend = orderTrend(
                [...c.ours.processCpuRates, ...c.theirs.processCpuRates],
                [
                  ...builtPositions(c.ours.processes, oursSet, count, order),
                  ...builtPositions(c.theirs.processes, theirsSet, count, order),
                ],
              );
              const draws = Number.isFinite(spread)
                ? `draws ${(100 * spread).toFixed(1)}% a process (rounds' noise out)`
                : "draws not separable from the rounds' noise (give each process 2 rounds or more)";
              notes.push(
                `${draws}; built ${order}, speed from first to last built ${trend.change >= 0 ? '+' : ''}${(100 * trend.change).toFixed(1)}% per CPU second (t = ${trend.t.toFixed(1)})`,
              );
            }
            // Under load, what the interval alone would say (a same-run A/A is still informative).
            if (c.busy != null)
              notes.push(`the interval alone: ${describeCall(judgeRatio(c.interval, null))}`);
            console.log(
              `| ${label} | ${Math.round(c.ours.centre)} | ${Math.round(c.theirs.centre)} | ${(c.interval?.estimate ?? c.ours.centre / c.theirs.centre).toFixed(2)}x, ${call} | ${notes.join('; ')}`,
            );
          } finally {
            ra.dispose();
            rb.dispose();
          }
        }
      } finally {
        disposeBatches(data);
      }
    }
  } finally {
    for (const peer of [...sets, ...ourSets, ...burnSets].flat()) peer.close();
  }
  console.log(`\n${calibrationSummary(results).join('\n')}`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
