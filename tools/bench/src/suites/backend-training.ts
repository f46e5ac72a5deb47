/**
 * Training throughput (samples/s) of the MLP 784-512-256-10 (Adam, batch 128) and LeNet-5 (batch 64),
 * tensorfold's own stack (core + layers + optim) against `@tensorflow/tfjs-layers`, the same network on
 * the same backend in the same process, and against PyTorch 1.13 on the CPU where a Python can import
 * torch (peers/pytorch.ts).
 *
 * Each network's rows run on two kinds of data (training-data.ts): random pixels and random one-hot
 * labels (the dense worst case: nothing for a kernel to skip; the case names of before), and real
 * MNIST batches (case "..., real MNIST batches": the first 16 batches of MNIST's training images,
 * pixels / 255, one-hot labels), whose blank borders the products' zero-step skip passes over, so that
 * a step's time depends on the values. On MNIST every side trains the same images in the same order
 * (step i of a round on batch i mod 16); the PyTorch workers read the same bytes from a temporary raw
 * file. On random data the PyTorch workers draw their own random batch (the same distribution).
 *
 * On WASM the peer runs twice: on stock tfjs-backend-wasm kernels (what a tfjs-layers user gets; it
 * cannot train LeNet-5, which lacks Conv2DBackpropFilter there) and on the kernels
 * `@tensorfold/backend` registers (the same kernels tensorfold runs on, so that ratio isolates
 * layers + optimizer + training loop).
 *
 * The yardstick (issue 22): every side warms up (training-sides.ts), then ours runs in paired rounds
 * against every other side, a round of ours right next to each of theirs (alternating-rounds.ts's
 * runPaired), so that the two rounds of a pair see the same machine: on the shared VM a side's own
 * rounds swing by 10-30% with nothing else running, their ratio much less. PyTorch runs in several
 * worker processes (a process's speed is one draw for its life, two modes 1.4x apart). Each row gives
 * both sides' median round (PyTorch: the mean of its processes' medians), as its ratio the median
 * round-by-round ratio (PyTorch: the geometric mean of its processes' median ratios), and its note the
 * interquartile range of each side's rounds, the median round-by-round ratio with a 95%+ confidence
 * interval and the verdict made from it (verdict.ts: level, faster, slower, or not judged and why;
 * across PyTorch's processes the interval is a t interval over the processes, widened by the spread
 * between processes of ours, since ours runs in one process: VERDICT.oursProcessSpread, 2%,
 * `BENCH_OURS_PROCESS_SPREAD`), against one-thread
 * sides the ratio of samples per CPU second, and how much CPU time other processes took (above
 * `BUSY`, steadiness.ts, the row is "busy", not judged).
 *
 * `BACKEND_TRAINING_NETWORKS=mlp,lenet5` picks networks, `BACKEND_TRAINING_DATA=random,mnist` the
 * kinds of data (all when unset; the rows of each kind run as they would alone, so a rerun can take
 * one kind), `BACKEND_TRAINING_PEERS=tfjs-layers,no-fma,
 * one-thread,pytorch` picks the peers (all when unset; tensorfold itself always runs), and
 * `BACKEND_TRAINING_PYTORCH_PROCESSES` the number of PyTorch worker processes (default 16, `--quick` 2;
 * with two modes 1.4x apart the interval over processes narrows only with more of them, and the
 * verdict judges it, and issue 22's target, over 8 or more: verdict.ts's YARDSTICK and
 * VERDICT.minProcesses; with 1 there is no interval: "only 1 process").
 */
import { availableParallelism } from 'node:os';
import { registerWasmKernels, wasmThreads } from '@tensorfold/backend';
import {
  setFmaKernelsEnabled,
  setThreadedKernelsEnabled,
  simdKernelsFlavor,
} from '@tensorfold/backend/testing';
import type { BenchContext, Suite } from '../harness.js';
import { type Comparison, comparisonNotes, measurePaired, type SideResult } from '../paired-comparison.js';
import { findPyTorch, PyTorchPeer, pytorchProcessesFromEnv } from '../peers/pytorch.js';
import { DATA_KINDS, type DataKind, disposeBatches, trainingBatches } from '../training-data.js';
import { type NetworkName, TRAINING_INPUT, tensorfoldModel, tfjsLayersModel } from '../training-models.js';
import { inProcessSide, pytorchSide, type Runner, type Side } from '../training-sides.js';
import { judgeTarget, YARDSTICK } from '../verdict.js';

interface Network {
  name: NetworkName;
  label: string;
  inputShape: number[];
  batch: number;
}

const NETWORKS: Network[] = [
  { name: 'mlp', label: 'MLP 784-512-256-10, Adam, batch 128', ...TRAINING_INPUT.mlp },
  { name: 'lenet5', label: 'LeNet-5, Adam, batch 64', ...TRAINING_INPUT.lenet5 },
];

/** The peers `BACKEND_TRAINING_PEERS` can pick. */
const PEERS = ['tfjs-layers', 'no-fma', 'one-thread', 'pytorch'] as const;
type PeerKind = (typeof PEERS)[number];

/** A comma-separated environment variable's choices among `allowed` (all when unset). */
export function chosen<T extends string>(variable: string, allowed: readonly T[]): T[] {
  const raw = process.env[variable];
  if (raw == null || raw.trim() === '') return [...allowed];
  const wanted = raw.split(',').map((w) => w.trim().toLowerCase());
  const unknown = wanted.filter((w) => !allowed.includes(w as T));
  if (unknown.length)
    throw new Error(`${variable}: unknown ${unknown.join(', ')}; choose from ${allowed.join(', ')}.`);
  return wanted as T[];
}

/**
 * Timed rounds, steps per round and PyTorch worker processes, full (verdict.ts's YARDSTICK: 32 rounds
 * of 16 steps, 16 processes of 2 rounds each per PyTorch side) and `--quick` (6 rounds, the fewest
 * with a 95% interval; 2 processes, too few for the verdict to judge PyTorch's rows or the target).
 */
const PLAN = {
  full: { rounds: YARDSTICK.rounds, steps: YARDSTICK.steps, processes: YARDSTICK.pytorchProcesses },
  quick: { rounds: 6, steps: 4, processes: 2 },
};

/** The case a network's rows on `data` carry: the random rows keep the suite's older names. */
export function caseLabel(label: string, data: DataKind): string {
  return data === 'random' ? label : `${label}, real MNIST batches`;
}

/**
 * Ours against each side that can train the network on `data`'s batches, in paired rounds; null for
 * one that cannot.
 */
async function measure(
  network: Network,
  kind: DataKind,
  sides: Side[],
  plan: { rounds: number; steps: number },
  pids: number[],
) {
  const { data, remove } = await trainingBatches(kind, network.batch, network.inputShape);
  const runners: Array<Runner | null> = [];
  try {
    for (const side of sides) runners.push(await side.start(network.name, data));
    const [ours, ...others] = runners;
    if (ours == null) throw new Error(`tensorfold could not train ${network.label}.`);
    const peers = others.filter((r): r is Runner => r != null);
    const measured = await measurePaired(ours, peers, {
      ...plan,
      samplesPerRound: plan.steps * network.batch,
      pids,
    });
    const comparisons = new Map<string, Comparison | null>();
    sides.slice(1).forEach((side, i) => {
      const runner = others[i];
      comparisons.set(side.name, runner == null ? null : measured.comparisons[peers.indexOf(runner)]);
    });
    return { ours: measured.ours, comparisons };
  } finally {
    registerWasmKernels();
    setFmaKernelsEnabled(true);
    setThreadedKernelsEnabled(true);
    for (const runner of runners) runner?.dispose();
    disposeBatches(data);
    remove();
  }
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
    const dataKinds = chosen('BACKEND_TRAINING_DATA', DATA_KINDS);
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
    plan.processes = pytorchProcessesFromEnv(plan.processes);
    const torch = want('pytorch') ? findPyTorch() : null;
    const python = torch?.python;
    const peers = python == null ? [] : Array.from({ length: plan.processes }, () => new PyTorchPeer(python));
    if (torch != null && python == null) console.log(`backend-training: no PyTorch peer: ${torch.reason}.`);
    // PyTorch with a thread per core and with one, as tensorfold's WASM runs.
    const threadCounts = [...new Set([availableParallelism(), 1])];
    const torchSides = peers.length
      ? threadCounts.map((threads) => ({ side: pytorchSide(peers, torch!.version!, threads), threads }))
      : [];
    sides.push(...torchSides.map(({ side }) => side));
    try {
      for (const network of networks)
        for (const kind of dataKinds) {
          const label = caseLabel(network.label, kind);
          const pids = peers.flatMap((peer) => (peer.pid == null ? [] : [peer.pid]));
          const { ours, comparisons } = await measure(network, kind, sides, plan, pids);
          const oursSide = sides[0];
          const row = (peerSide: string, peerName: string, missing?: string, target?: number | null) => {
            const comparison = comparisons.get(peerSide) ?? null;
            const side = sides.find((s) => s.name === peerSide)!;
            if (comparison == null) {
              ctx.report({ ...base(label, ours, null, peerName), note: missing });
              return;
            }
            // Samples per CPU second compare one-thread sides even on a busy machine.
            const cpuRates: [number, number] | undefined =
              side.oneThread && oursSide.oneThread ? [ours.cpuRate, comparison.theirs.cpuRate] : undefined;
            const notes = comparisonNotes(comparison, cpuRates);
            if (target != null) {
              const met = judgeTarget(comparison.interval, comparison.busy, target);
              notes.push(`issue 22's target >= ${target}x: ${met ?? 'not judged'}`);
            }
            const { verdict } = comparison;
            if (!verdict.judged)
              console.warn(
                `WARNING: backend-training, ${label} against ${peerName}: ${verdict.reason}; not judged.`,
              );
            ctx.report({
              ...base(label, ours, comparison.theirs, peerName),
              judged: verdict.judged,
              call: verdict.call ?? undefined,
              ratio: comparison.interval?.estimate,
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
          for (const { side, threads } of torchSides)
            row(side.name, side.name, undefined, issueTarget(network.name, poolThreads, threads));
        }
    } finally {
      for (const peer of peers) peer.close();
    }
  },
};

/**
 * Issue 22's target for ours (on `oursThreads`) against PyTorch (on `torchThreads`), same-run ratios:
 * the MLP >= 1.5x PyTorch with both on one thread and >= 1x with both on two; LeNet-5 >= 1x PyTorch
 * whichever of its thread settings is faster (so against each); null where the issue sets none.
 */
export function issueTarget(network: NetworkName, oursThreads: number, torchThreads: number): number | null {
  if (network === 'lenet5') return 1;
  if (oursThreads === 1 && torchThreads === 1) return 1.5;
  if (oursThreads > 1 && torchThreads > 1) return 1;
  return null;
}

/** The fields of a row every comparison shares (`label`: the case, from {@link caseLabel}). */
function base(label: string, ours: SideResult, theirs: SideResult | null, peerName: string) {
  return {
    suite: 'backend-training',
    case: label,
    unit: 'samples/s',
    value: ours.centre,
    peer: theirs?.centre ?? null,
    peerName,
    higherIsBetter: true,
  };
}

export default suite;
