/**
 * The sides of the backend-training suite: a network trained in this process (tensorfold's stack or
 * tfjs-layers, on a chosen WASM kernel set), or by the PyTorch peer process. Each side warms up
 * before its first timed round, for at least WARMUP_SECONDS and WARMUP_STEPS steps (V8 compiles
 * the training loop's hot paths in the background for a while; PyTorch builds its kernels' caches).
 */
import { registerWasmKernels, unregisterWasmKernels } from '@tensorfold/backend';
import { setFmaKernelsEnabled, setThreadedKernelsEnabled } from '@tensorfold/backend/testing';
import type { RoundRunner } from './alternating-rounds.js';
import { processCpuSeconds } from './cpu-time.js';
import type { PyTorchPeer } from './peers/pytorch.js';
import { mainThreadCpuSeconds } from './steadiness.js';
import { batchAt, type TrainingBatches } from './training-data.js';
import type { NetworkName, Trainable } from './training-models.js';

/** Untimed warm-up of an in-process side: at least this long (seconds)... */
const WARMUP_SECONDS = 1;
/** ...and at least this many steps. */
const WARMUP_STEPS = 5;

/** One network being trained by one side: timed rounds, then cleanup. */
export interface Runner extends RoundRunner {
  dispose(): void;
  /**
   * Cores' worth of CPU time the bench's own process took while this side's rounds ran (set for
   * sides in another process, whose rounds our threads should leave alone).
   */
  ownCoresDuringRounds?(): number | null;
  /**
   * For sides measured in several processes: the process of each round so far (warm-up rounds
   * included; the caller keeps the last ones, which match its timed rounds).
   */
  processes?(): number[];
}

export interface Side {
  name: string;
  /** Whether the side computes on one thread (then its wall/CPU time ratio says how long it waited for a core). */
  oneThread: boolean;
  /**
   * Builds the network and warms it up on `data`; null when this side cannot train it. Step i of
   * every round (and of the warm-up) trains `data`'s batch i mod its cycle (training-data.ts).
   */
  start(network: NetworkName, data: TrainingBatches): Promise<Runner | null>;
}

/**
 * A side that trains in this process with `build`, on tensorfold's WASM kernels or on the stock ones
 * (`kernels: 'stock'`), or on tensorfold's with their SIMD kernels' plain build instead of the FMA one
 * (`'no-fma'`); `oneThread` keeps tensorfold's thread pool off (its kernels on the calling thread
 * alone). The kernel set is switched before every round, since sides alternate. `poolThreads` is the
 * WASM thread pool's size (1: no pool).
 */
export function inProcessSide(
  name: string,
  build: (network: NetworkName) => Trainable,
  options: { kernels?: 'tensorfold' | 'stock' | 'no-fma'; oneThread?: boolean; poolThreads: number },
): Side {
  const { kernels = 'tensorfold', oneThread = false, poolThreads } = options;
  const useKernels = () => {
    setFmaKernelsEnabled(kernels !== 'no-fma');
    setThreadedKernelsEnabled(!oneThread);
    if (kernels === 'stock') unregisterWasmKernels();
    else registerWasmKernels();
  };
  return {
    name,
    oneThread: oneThread || poolThreads === 1,
    async start(network, data) {
      useKernels();
      const model = build(network);
      const step = (i: number) => {
        const { x, y } = batchAt(data, i);
        return model.trainOnBatch(x, y);
      };
      try {
        const start = performance.now();
        for (let i = 0; i < WARMUP_STEPS || performance.now() - start < WARMUP_SECONDS * 1000; i++)
          await step(i);
      } catch {
        model.dispose();
        return null;
      }
      return {
        async round(steps) {
          useKernels();
          // (the CPU reads sleep 50 us each: outside the timed wall)
          const cpuStart = mainThreadCpuSeconds();
          const start = performance.now();
          for (let i = 0; i < steps; i++) await step(i);
          const wall = (performance.now() - start) / 1000;
          return { wall, cpu: mainThreadCpuSeconds() - cpuStart };
        },
        dispose: () => model.dispose(),
      };
    },
  };
}

/**
 * PyTorch on the CPU with `threads` intra-op threads, in worker processes shared by its sides: round
 * r runs in process r mod P, so that the rounds draw P processes' speeds (one process keeps its
 * speed for its lifetime; on the bench machine two processes differ by up to 1.4x, see BENCHMARKS.md,
 * "The PyTorch peer's yardstick"). Each process warms each thread setting up itself, at its first
 * request.
 */
export function pytorchSide(
  peers: PyTorchPeer[],
  version: string,
  threads: number,
  options: { built?: boolean } = {},
): Side {
  return processSide(
    peers,
    `PyTorch ${version} CPU, ${threads} thread${threads === 1 ? '' : 's'}`,
    threads,
    options,
  );
}

/**
 * A side trained in worker processes that speak the PyTorch worker's protocol (PyTorch's, or
 * tensorfold's own in tensorfold_worker.ts), round r in process r mod P, as {@link pytorchSide}.
 */
export function processSide(
  peers: PyTorchPeer[],
  name: string,
  threads: number,
  options: {
    /**
     * Default false. True: the processes are already built and warmed up for this network and thread
     * count (calibrate's buildInterleaved), so `start` sends them nothing. Otherwise `start` builds
     * them one after the other, which touches all of one side's processes last before the timed
     * rounds; where two sides in processes are compared (calibrate's A/A), the second side's start
     * would then touch all of its processes after the first side's.
     */
    built?: boolean;
  } = {},
): Side {
  return {
    name,
    oneThread: threads === 1,
    async start(network, data) {
      // The worker trains on the same images (from data's raw file) or on its own random batch.
      const file = data.peerFile;
      if (data.kind !== 'random' && file == null)
        throw new Error(`${name}: ${data.kind} batches without a raw file for the worker processes.`);
      // Builds the network and warms this thread setting up in every process.
      if (!options.built) for (const peer of peers) await peer.timedRound(network, 0, threads, file);
      const processes: number[] = [];
      let ownCpu = 0;
      let wall = 0;
      return {
        async round(steps) {
          const process = processes.length % peers.length;
          processes.push(process);
          // Our CPU time over the whole request against its wall time.
          const [before, start] = [processCpuSeconds('self'), performance.now()];
          const time = await peers[process].timedRound(network, steps, threads, file);
          const after = processCpuSeconds('self');
          if (before != null && after != null) {
            ownCpu += after - before;
            wall += (performance.now() - start) / 1000;
          }
          return time;
        },
        processes: () => processes.slice(),
        ownCoresDuringRounds: () => (wall > 0 ? ownCpu / wall : null),
        dispose: () => {},
      };
    },
  };
}
