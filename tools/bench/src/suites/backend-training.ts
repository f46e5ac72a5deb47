/**
 * Training throughput (samples/s) of the MLP 784-512-256-10 (Adam, batch 128) and LeNet-5 (batch 64)
 * on MNIST-shaped data (random pixels and one-hot labels: a step's time does not depend on the
 * values), tensorfold's own stack (core + layers + optim) against `@tensorflow/tfjs-layers`, the same
 * network on the same backend in the same process.
 *
 * On WASM the peer runs twice: on stock tfjs-backend-wasm kernels (what a tfjs-layers user gets; it
 * cannot train LeNet-5, which lacks Conv2DBackpropFilter there) and on the kernels
 * `@tensorfold/backend` registers (the same kernels tensorfold runs on, so that ratio isolates
 * layers + optimizer + training loop). The sides alternate in rounds and each reports the median
 * round, so that load from other processes on a shared machine hits all of them alike. PyTorch warms
 * up every thread setting before its first timed round. Each row's note gives both sides' spread
 * (interquartile range / median) and, against PyTorch on one thread, the ratio of samples per CPU
 * second (which other processes' load barely moves); a run is called too busy to judge when the load
 * average per core, a spread or a one-thread side's wall/CPU time ratio passes `BUSY` (steadiness.ts).
 */
import { availableParallelism } from 'node:os';
import { registerWasmKernels, unregisterWasmKernels, wasmThreads } from '@tensorfold/backend';
import {
  setFmaKernelsEnabled,
  setThreadedKernelsEnabled,
  simdKernelsFlavor,
} from '@tensorfold/backend/testing';
import { tf } from '@tensorfold/core';
import type { BenchContext, Suite } from '../harness.js';
import { findPyTorch, PyTorchPeer } from '../peers/pytorch.js';
import {
  busyReason,
  loadPerCore,
  mainThreadCpuSeconds,
  medianOf,
  type RoundTime,
  relativeSpread,
} from '../steadiness.js';
import { type NetworkName, type Trainable, tensorfoldModel, tfjsLayersModel } from '../training-models.js';

/** One network being trained by one side: timed rounds, then cleanup. */
interface Runner {
  /** Runs `steps` optimization steps on the suite's batch; resolves to their wall and CPU seconds. */
  round(steps: number): Promise<RoundTime>;
  dispose(): void;
}

interface Side {
  name: string;
  /** Whether the side computes on one thread (then its wall/CPU time ratio says how long it waited for a core). */
  oneThread: boolean;
  /** Builds the network and runs 3 warm-up steps; null when this side cannot train it. */
  start(network: Network, x: tf.Tensor, y: tf.Tensor): Promise<Runner | null>;
}

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

/**
 * A side that trains in this process with `build`, on tensorfold's WASM kernels or on the stock ones
 * (`kernels: 'stock'`), or on tensorfold's with their SIMD kernels' plain build instead of the FMA one
 * (`'no-fma'`); `oneThread` keeps tensorfold's thread pool off (its kernels on the calling thread
 * alone). The kernel set is switched before every round, since sides alternate.
 */
function inProcessSide(
  name: string,
  build: (network: NetworkName) => Trainable,
  kernels: 'tensorfold' | 'stock' | 'no-fma' = 'tensorfold',
  oneThread = false,
): Side {
  const useKernels = () => {
    setFmaKernelsEnabled(kernels !== 'no-fma');
    setThreadedKernelsEnabled(!oneThread);
    if (kernels === 'stock') unregisterWasmKernels();
    else registerWasmKernels();
  };
  return {
    name,
    oneThread: oneThread || wasmThreads() === 1,
    async start(network, x, y) {
      useKernels();
      const model = build(network.name);
      try {
        for (let i = 0; i < 3; i++) await model.trainOnBatch(x, y);
      } catch {
        model.dispose();
        return null;
      }
      return {
        async round(steps) {
          useKernels();
          const start = performance.now();
          const cpuStart = mainThreadCpuSeconds();
          for (let i = 0; i < steps; i++) await model.trainOnBatch(x, y);
          return { wall: (performance.now() - start) / 1000, cpu: mainThreadCpuSeconds() - cpuStart };
        },
        dispose: () => model.dispose(),
      };
    },
  };
}

/** PyTorch on the CPU with `threads` intra-op threads, in a worker process shared by its sides. */
function pytorchSide(peer: PyTorchPeer, version: string, threads: number): Side {
  return {
    name: `PyTorch ${version} CPU, ${threads} thread${threads === 1 ? '' : 's'}`,
    oneThread: threads === 1,
    async start(network) {
      await peer.timedRound(network.name, 0, threads); // builds the network and warms this thread setting up
      return { round: (steps) => peer.timedRound(network.name, steps, threads), dispose: () => {} };
    },
  };
}

/** One side's rounds, summarized. */
interface SideResult {
  /** Median samples/s (wall clock). */
  rate: number;
  /** Median samples per CPU second. */
  cpuRate: number;
  /** Relative spread of the rounds' samples/s (see `relativeSpread`). */
  spread: number;
  /** Median wall / CPU time of a round. */
  wallPerCpu: number;
}

/** Each side's rounds, interleaved, summarized; null for a side that cannot train the network. */
async function measure(
  network: Network,
  sides: Side[],
  rounds: number,
  stepsPerRound: number,
): Promise<{ results: Map<string, SideResult | null>; load: number }> {
  const x = tf.randomUniform([network.batch, ...network.inputShape], 0, 1, 'float32', 1);
  const y = tf.oneHot(tf.randomUniform([network.batch], 0, 10, 'int32', 2) as tf.Tensor1D, 10);
  const runners = new Map<string, Runner | null>();
  const times = new Map<string, RoundTime[]>();
  let load = loadPerCore();
  try {
    for (const side of sides) {
      runners.set(side.name, await side.start(network, x, y));
      times.set(side.name, []);
    }
    for (let round = 0; round < rounds; round++) {
      for (const side of sides) {
        const runner = runners.get(side.name);
        if (runner == null) continue;
        times.get(side.name)!.push(await runner.round(stepsPerRound));
      }
      load = Math.max(load, loadPerCore());
    }
  } finally {
    registerWasmKernels();
    setFmaKernelsEnabled(true);
    setThreadedKernelsEnabled(true);
    for (const runner of runners.values()) runner?.dispose();
    tf.dispose([x, y]);
  }
  const samples = stepsPerRound * network.batch;
  const summarize = (rounds: RoundTime[]): SideResult => {
    const rates = rounds.map((r) => samples / r.wall);
    return {
      rate: medianOf(rates),
      cpuRate: medianOf(rounds.map((r) => samples / Math.max(r.cpu, 1e-9))),
      spread: relativeSpread(rates),
      wallPerCpu: medianOf(rounds.map((r) => r.wall / Math.max(r.cpu, 1e-9))),
    };
  };
  const results = new Map(
    sides.map((side) => [
      side.name,
      runners.get(side.name) == null ? null : summarize(times.get(side.name)!),
    ]),
  );
  return { results, load };
}

const suite: Suite = {
  name: 'backend-training',
  description:
    'MLP and LeNet-5 training samples/s: tensorfold (core + layers + optim) vs tfjs-layers, and vs PyTorch CPU where python3 has torch',
  async run(ctx: BenchContext) {
    const wasm = ctx.backend === 'wasm';
    const sides: Side[] = [
      inProcessSide('tensorfold', tensorfoldModel),
      inProcessSide('tfjs-layers', tfjsLayersModel),
      ...(wasm ? [inProcessSide('tfjs-layers on stock wasm', tfjsLayersModel, 'stock')] : []),
    ];
    // Where the SIMD kernels run their FMA build: tensorfold again on their plain SIMD build.
    const fma = wasm && simdKernelsFlavor() === 'fma';
    if (fma) sides.push(inProcessSide('tensorfold without FMA', tensorfoldModel, 'no-fma'));
    // Where tensorfold's thread pool runs: tensorfold on the calling thread alone, with and without FMA
    // (so that each lever shows alone and together).
    const threads = wasm ? wasmThreads() : 1;
    if (threads > 1) {
      sides.push(inProcessSide('tensorfold on 1 thread', tensorfoldModel, 'tensorfold', true));
      if (fma)
        sides.push(inProcessSide('tensorfold on 1 thread without FMA', tensorfoldModel, 'no-fma', true));
    }
    const torch = findPyTorch();
    const peer = torch.python == null ? null : new PyTorchPeer(torch.python);
    if (peer == null) console.log(`backend-training: no PyTorch peer: ${torch.reason}.`);
    // PyTorch with a thread per core (its default) and with one, as tensorfold's WASM runs.
    const threadCounts = [...new Set([availableParallelism(), 1])];
    const torchSides =
      peer == null ? [] : threadCounts.map((threads) => pytorchSide(peer, torch.version!, threads));
    sides.push(...torchSides);
    const [rounds, steps] = ctx.quick ? [3, 3] : [9, 8];
    try {
      for (const network of NETWORKS) {
        const { results, load } = await measure(network, sides, rounds, steps);
        const ours = results.get('tensorfold') ?? null;
        if (ours == null) throw new Error(`tensorfold could not train ${network.label} on ${ctx.backend}.`);
        const measured = sides.filter((side) => results.get(side.name) != null);
        const busy = busyReason(
          load,
          measured.map((side) => results.get(side.name)!.spread),
          measured.filter((side) => side.oneThread).map((side) => results.get(side.name)!.wallPerCpu),
        );
        const pct = (spread: number) => `±${((spread / 2) * 100).toFixed(0)}%`;
        const row = (peerSide: string, peerName: string, missing?: string) => {
          const theirs = results.get(peerSide) ?? null;
          const notes = [`spread ${pct(ours.spread)} / ${theirs == null ? 'n/a' : pct(theirs.spread)}`];
          // Samples per CPU second compare one-thread sides even on a busy machine.
          const oneThreadPeer = sides.find((side) => side.name === peerSide)?.oneThread ?? false;
          if (theirs != null && oneThreadPeer && threads === 1)
            notes.push(`per CPU second ${(ours.cpuRate / theirs.cpuRate).toFixed(2)}x`);
          if (busy != null) notes.push(busy);
          ctx.report({
            suite: 'backend-training',
            case: network.label,
            unit: 'samples/s',
            value: ours.rate,
            peer: theirs?.rate ?? null,
            peerName,
            higherIsBetter: true,
            note: theirs == null ? missing : notes.join('; '),
          });
        };
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
        if (fma) row('tensorfold without FMA', 'tensorfold, SIMD kernels without FMA');
        if (threads > 1) {
          row('tensorfold on 1 thread', `tensorfold on 1 thread (against ${threads})`);
          if (fma)
            row(
              'tensorfold on 1 thread without FMA',
              `tensorfold on 1 thread without FMA (against ${threads} with FMA)`,
            );
        }
        for (const side of torchSides) row(side.name, side.name);
      }
    } finally {
      peer?.close();
    }
  },
};

export default suite;
