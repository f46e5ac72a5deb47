/**
 * Training throughput (samples/s) of the MLP 784-512-256-10 (Adam, batch 128) and LeNet-5 (batch 64)
 * on MNIST-shaped data (random pixels and one-hot labels: a step's time does not depend on the
 * values), tensorfold's own stack (core + layers + optim) against `@tensorflow/tfjs-layers`, the same
 * network on the same backend in the same process, and against PyTorch 1.13 on the CPU where a Python
 * can import torch (peers/pytorch.ts).
 *
 * On WASM the peer runs twice: on stock tfjs-backend-wasm kernels (what a tfjs-layers user gets; it
 * cannot train LeNet-5, which lacks Conv2DBackpropFilter there) and on the kernels
 * `@tensorfold/backend` registers (the same kernels tensorfold runs on, so that ratio isolates
 * layers + optimizer + training loop).
 *
 * The yardstick (issue 22): every side warms up (training-sides.ts), then the sides alternate in
 * rounds, each round in a rotated order (alternating-rounds.ts), so that load from other processes
 * hits them alike. Each PyTorch round spreads its steps over fresh copies of the network: one copy's
 * speed depends on where its buffers land in memory (1.4x between copies on the bench machine), so a
 * single copy made the same-run ratio swing between runs. Each row gives both sides' median round,
 * and its note the interquartile range of each side's rounds, the median and interquartile range of
 * the round-by-round ratio, against PyTorch on one thread the ratio of samples per CPU second, and how
 * much CPU time other processes took. A run is marked not judged, with the reason, when any of these
 * passes `BUSY` (steadiness.ts).
 *
 * `BACKEND_TRAINING_NETWORKS=mlp,lenet5` picks networks, `BACKEND_TRAINING_PEERS=tfjs-layers,no-fma,
 * one-thread,pytorch` picks the peers (all when unset; tensorfold itself always runs), and
 * `BACKEND_TRAINING_PYTORCH_PROCESSES` the number of PyTorch worker processes (default 4, `--quick` 2;
 * with two modes 1.4x apart, the mean of 4 draws still moves by about ±8% between runs, of 8 by ±6%).
 */
import { availableParallelism } from 'node:os';
import { registerWasmKernels, wasmThreads } from '@tensorfold/backend';
import {
  setFmaKernelsEnabled,
  setThreadedKernelsEnabled,
  simdKernelsFlavor,
} from '@tensorfold/backend/testing';
import { tf } from '@tensorfold/core';
import { runAlternating } from '../alternating-rounds.js';
import type { BenchContext, Suite } from '../harness.js';
import { findPyTorch, PyTorchPeer } from '../peers/pytorch.js';
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
} from '../steadiness.js';
import { type NetworkName, tensorfoldModel, tfjsLayersModel } from '../training-models.js';
import { inProcessSide, pytorchSide, type Runner, type Side } from '../training-sides.js';

interface Network {
  name: NetworkName;
  label: string;
  inputShape: number[];
  batch: number;
}

const NETWORKS: Network[] = [
  { name: 'mlp', label: 'MLP 784-512-256-10, Adam, batch 128', inputShape: [784], batch: 128 },
  { name: 'lenet5', label: 'LeNet-5, Adam, batch 64', inputShape: [28, 28, 1], batch: 64 },
];

/** The peers `BACKEND_TRAINING_PEERS` can pick. */
const PEERS = ['tfjs-layers', 'no-fma', 'one-thread', 'pytorch'] as const;
type PeerKind = (typeof PEERS)[number];

/** A comma-separated environment variable's choices among `allowed` (all when unset). */
function chosen<T extends string>(variable: string, allowed: readonly T[]): T[] {
  const raw = process.env[variable];
  if (raw == null || raw.trim() === '') return [...allowed];
  const wanted = raw.split(',').map((w) => w.trim().toLowerCase());
  const unknown = wanted.filter((w) => !allowed.includes(w as T));
  if (unknown.length)
    throw new Error(`${variable}: unknown ${unknown.join(', ')}; choose from ${allowed.join(', ')}.`);
  return wanted as T[];
}

/**
 * Timed rounds, steps per round and PyTorch worker processes, full and `--quick`: 16 rounds give each
 * of 4 processes 4 rounds (a full run should take 2-3 minutes on the quiet 2-core machine: estimated
 * from the old 31 s run, not measured quiet).
 */
const PLAN = { full: { rounds: 16, steps: 16, processes: 4 }, quick: { rounds: 4, steps: 4, processes: 2 } };

/** One side's rounds, summarized. */
interface SideResult {
  /** Samples/s of each round, in round order. */
  rates: number[];
  /** Summary of `rates`. */
  rate: Summary;
  /** The side's figure: the median round, or for a side in several processes their mean (see `grouped`). */
  centre: number;
  /** For a side measured in several processes: its rounds by process. */
  grouped: GroupedSummary | null;
  /** The rounds' own noise: their relative spread, within each process for a side in several. */
  spread: number;
  /** Samples per CPU second over all rounds (the mean over processes for a side in several). */
  cpuRate: number;
  /** Total wall / total CPU time of the rounds. */
  wallPerCpu: number;
  /** Cores the bench's own process used during this side's rounds (sides in another process). */
  ownCores: number | null;
}

/**
 * Samples per CPU second over all `times` (total samples / total CPU time: a round's CPU time is
 * counted in 10 ms ticks, too coarse for a round's own ratio), or the mean over processes of each
 * process's figure when `processes` gives the process of each round.
 */
function samplesPerCpuSecond(times: RoundTime[], samplesPerRound: number, processes?: number[]): number {
  const rate = (list: RoundTime[]) =>
    (samplesPerRound * list.length) /
    Math.max(
      list.reduce((sum, r) => sum + r.cpu, 0),
      1e-9,
    );
  if (processes == null) return rate(times);
  const byProcess = [...new Set(processes)].map((p) => times.filter((_, i) => processes[i] === p));
  return byProcess.reduce((sum, list) => sum + rate(list), 0) / byProcess.length;
}

/** Each side's rounds, alternated and summarized; null for a side that cannot train the network. */
async function measure(
  network: Network,
  sides: Side[],
  plan: { rounds: number; steps: number },
  pids: number[],
) {
  const x = tf.randomUniform([network.batch, ...network.inputShape], 0, 1, 'float32', 1);
  const y = tf.oneHot(tf.randomUniform([network.batch], 0, 10, 'int32', 2) as tf.Tensor1D, 10);
  const runners: Array<Runner | null> = [];
  try {
    for (const side of sides) runners.push(await side.start(network.name, x, y));
    const running = runners.filter((r): r is Runner => r != null);
    const { rounds, load, othersCores } = await runAlternating(running, { ...plan, pids });
    const samples = plan.steps * network.batch;
    const summarizeSide = (runner: Runner, times: RoundTime[]): SideResult => {
      const rates = times.map((r) => samples / r.wall);
      const total = (key: keyof RoundTime) => times.reduce((sum, r) => sum + r[key], 0);
      const processes = runner.processes?.().slice(-times.length);
      const grouped = processes == null ? null : groupedSummary(rates, processes);
      return {
        rates,
        rate: summarize(rates),
        centre: grouped?.centre ?? medianOf(rates),
        grouped,
        spread: grouped?.withinSpread ?? relativeSpread(rates),
        cpuRate: samplesPerCpuSecond(times, samples, processes),
        wallPerCpu: total('wall') / Math.max(total('cpu'), 1e-9),
        ownCores: runner.ownCoresDuringRounds?.() ?? null,
      };
    };
    const results = new Map<string, SideResult | null>();
    sides.forEach((side, i) => {
      const runner = runners[i];
      results.set(side.name, runner == null ? null : summarizeSide(runner, rounds[running.indexOf(runner)]));
    });
    return { results, load, othersCores };
  } finally {
    registerWasmKernels();
    setFmaKernelsEnabled(true);
    setThreadedKernelsEnabled(true);
    for (const runner of runners) runner?.dispose();
    tf.dispose([x, y]);
  }
}

/** `lo-hi` of a summary's quartiles, as whole numbers (or ratios with `x`). */
function iqr(s: Summary, ratio = false): string {
  const f = (v: number) => (ratio ? `${v.toFixed(2)}x` : Math.round(v).toString());
  return `${f(s.q1)}-${f(s.q3)}`;
}

const suite: Suite = {
  name: 'backend-training',
  description:
    'MLP and LeNet-5 training samples/s: tensorfold (core + layers + optim) vs tfjs-layers, and vs PyTorch CPU where python3 has torch',
  async run(ctx: BenchContext) {
    const wasm = ctx.backend === 'wasm';
    const peerKinds = chosen('BACKEND_TRAINING_PEERS', PEERS);
    const want = (kind: PeerKind) => peerKinds.includes(kind);
    const networks = chosen(
      'BACKEND_TRAINING_NETWORKS',
      NETWORKS.map((n) => n.name),
    ).map((name) => NETWORKS.find((n) => n.name === name)!);
    const poolThreads = wasm ? wasmThreads() : 1;
    const sides: Side[] = [inProcessSide('tensorfold', tensorfoldModel, { poolThreads })];
    if (want('tfjs-layers')) {
      sides.push(inProcessSide('tfjs-layers', tfjsLayersModel, { poolThreads }));
      if (wasm)
        sides.push(
          inProcessSide('tfjs-layers on stock wasm', tfjsLayersModel, { kernels: 'stock', poolThreads }),
        );
    }
    // Where the SIMD kernels run their FMA build: tensorfold again on their plain SIMD build.
    const fma = wasm && simdKernelsFlavor() === 'fma';
    if (fma && want('no-fma'))
      sides.push(
        inProcessSide('tensorfold without FMA', tensorfoldModel, { kernels: 'no-fma', poolThreads }),
      );
    // Where tensorfold's thread pool runs: tensorfold on the calling thread alone, with and without FMA
    // (so that each lever shows alone and together).
    if (poolThreads > 1 && want('one-thread')) {
      const options = { oneThread: true, poolThreads };
      sides.push(inProcessSide('tensorfold on 1 thread', tensorfoldModel, options));
      if (fma)
        sides.push(
          inProcessSide('tensorfold on 1 thread without FMA', tensorfoldModel, {
            ...options,
            kernels: 'no-fma',
          }),
        );
    }
    const plan = { ...(ctx.quick ? PLAN.quick : PLAN.full) };
    const processes = process.env.BACKEND_TRAINING_PYTORCH_PROCESSES;
    if (processes) {
      plan.processes = Number(processes);
      if (!Number.isInteger(plan.processes) || plan.processes < 1)
        throw new Error(
          `BACKEND_TRAINING_PYTORCH_PROCESSES=${processes}: give a whole number of processes, 1 or more.`,
        );
    }
    const torch = want('pytorch') ? findPyTorch() : null;
    const python = torch?.python;
    const peers = python == null ? [] : Array.from({ length: plan.processes }, () => new PyTorchPeer(python));
    if (torch != null && python == null) console.log(`backend-training: no PyTorch peer: ${torch.reason}.`);
    // PyTorch with a thread per core and with one, as tensorfold's WASM runs.
    const threadCounts = [...new Set([availableParallelism(), 1])];
    const torchSides = peers.length ? threadCounts.map((t) => pytorchSide(peers, torch!.version!, t)) : [];
    sides.push(...torchSides);
    try {
      for (const network of networks) {
        const pids = peers.flatMap((peer) => (peer.pid == null ? [] : [peer.pid]));
        const { results, load, othersCores } = await measure(network, sides, plan, pids);
        const ours = results.get('tensorfold') ?? null;
        if (ours == null) throw new Error(`tensorfold could not train ${network.label} on ${ctx.backend}.`);
        const oursSide = sides[0];
        const row = (peerSide: string, peerName: string, missing?: string) => {
          const theirs = results.get(peerSide) ?? null;
          const side = sides.find((s) => s.name === peerSide)!;
          if (theirs == null) {
            ctx.report({ ...base(network, ours, null, peerName), note: missing });
            return;
          }
          const ratio = summarize(pairedRatios(ours.rates, theirs.rates));
          const notes = [`IQR ${iqr(ours.rate)} / ${iqr(theirs.rate)}`];
          if (theirs.grouped != null) {
            const medians = theirs.grouped.medians;
            notes.push(
              `mean of ${medians.length} processes' medians (${Math.round(Math.min(...medians))}-${Math.round(Math.max(...medians))})`,
            );
          }
          notes.push(`by round ${ratio.median.toFixed(2)}x (IQR ${iqr(ratio, true)})`);
          // Samples per CPU second compare one-thread sides even on a busy machine.
          if (side.oneThread && oursSide.oneThread)
            notes.push(
              `per CPU second ${(ours.cpuRate / theirs.cpuRate).toFixed(2)}x (${Math.round(ours.cpuRate)} / ${Math.round(theirs.cpuRate)})`,
            );
          if (othersCores != null) notes.push(`others ${othersCores.toFixed(2)} cores`);
          if (theirs.ownCores != null)
            notes.push(`bench during its rounds ${theirs.ownCores.toFixed(2)} cores`);
          const busy = busyReason({
            load,
            othersCores,
            ownDuringPeerCores: theirs.ownCores,
            spreads: [ours.spread, theirs.spread],
            wallPerCpu: [oursSide, side]
              .filter((s) => s.oneThread)
              .map((s) => results.get(s.name)!.wallPerCpu),
          });
          if (busy != null) {
            notes.push(busy);
            console.warn(
              `WARNING: backend-training, ${network.label} against ${peerName}: ${busy}; not judged.`,
            );
          }
          ctx.report({
            ...base(network, ours, theirs, peerName),
            judged: busy == null,
            note: notes.join('; '),
          });
        };
        if (want('tfjs-layers')) {
          if (wasm)
            row(
              'tfjs-layers on stock wasm',
              'tfjs-layers on stock wasm kernels',
              'stock WASM cannot train it (no Conv2DBackpropFilter)',
            );
          row(
            'tfjs-layers',
            wasm ? "tfjs-layers on @tensorfold/backend's wasm kernels" : `tfjs-layers on ${ctx.backend}`,
          );
        }
        if (fma && want('no-fma')) row('tensorfold without FMA', 'tensorfold, SIMD kernels without FMA');
        if (poolThreads > 1 && want('one-thread')) {
          row('tensorfold on 1 thread', `tensorfold on 1 thread (against ${poolThreads})`);
          if (fma)
            row(
              'tensorfold on 1 thread without FMA',
              `tensorfold on 1 thread without FMA (against ${poolThreads} with FMA)`,
            );
        }
        for (const side of torchSides) row(side.name, side.name);
      }
    } finally {
      for (const peer of peers) peer.close();
    }
  },
};

/** The fields of a row every comparison shares. */
function base(network: Network, ours: SideResult, theirs: SideResult | null, peerName: string) {
  return {
    suite: 'backend-training',
    case: network.label,
    unit: 'samples/s',
    value: ours.centre,
    peer: theirs?.centre ?? null,
    peerName,
    higherIsBetter: true,
  };
}

export default suite;
