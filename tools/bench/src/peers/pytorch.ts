/**
 * PyTorch as a benchmark peer: a Python child process (`pytorch_training.py` beside this file) that
 * trains the backend-training suite's networks on the CPU when the suite asks, so that its rounds
 * alternate with tensorfold's in the same run. Used only where `python3` can import `torch` (Debian:
 * `apt-get install python3-torch`, PyTorch 1.13); elsewhere the suite skips it and says so.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { RoundTime } from '../steadiness.js';
import type { NetworkName } from '../training-models.js';
import { findPythonWith, type PythonProbe } from './python-probe.js';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'pytorch_training.py');

/** A Python that can import torch, with torch's version; or null and why not. */
export type PyTorchProbe = PythonProbe;

/**
 * Finds a Python that can import torch: `TENSORFOLD_BENCH_PYTHON` when set, else `python3` on the PATH
 * and Debian's own `/usr/bin/python3` (where `python3-torch` installs; a pyenv shim may shadow it).
 */
export function findPyTorch(): PyTorchProbe {
  return findPythonWith('torch', 'apt-get install python3-torch libopenblas0-pthread');
}

/**
 * `probe`'s Python and torch version (findPyTorch's) for a caller that cannot do without PyTorch, or
 * an error that says who needed it (`what`), why there is none and the fix ({@link findPyTorch}'s
 * reason ends with the apt-get command), then `otherwise` (what else the user can do), if given.
 */
export function requirePyTorch(
  probe: PyTorchProbe,
  what: string,
  otherwise?: string,
): { python: string; version: string } {
  if (probe.python == null)
    throw new Error(`${what} cannot run: ${probe.reason}${otherwise ? `; or ${otherwise}` : ''}.`);
  return { python: probe.python, version: probe.version ?? 'PyTorch' };
}

/** One PyTorch worker process; send rounds with {@link PyTorchPeer.round}, end it with {@link PyTorchPeer.close}. */
export class PyTorchPeer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private readonly pending: Array<(line: string) => void> = [];
  private stderr = '';
  private readonly label: string;

  /**
   * Starts the worker with `python` running `script` (default: `pytorch_training.py`; another script
   * speaks the same protocol for other networks), `leadingArgs` before the script (see
   * {@link tensorfoldWorker}, which runs tensorfold's side on Node with this class). `label` names
   * the worker in the error when it exits mid-round (default `PyTorch peer`). OpenBLAS is
   * limited to one thread unless `OPENBLAS_NUM_THREADS` is set: PyTorch runs its own intra-op
   * threads, and OpenBLAS's threads on top of them fight for the cores (measured here: LeNet-5 with
   * 2 PyTorch threads took 10x longer per step).
   */
  constructor(python: string, script: string = SCRIPT, leadingArgs: string[] = [], label = 'PyTorch peer') {
    this.label = label;
    this.child = spawn(python, [...leadingArgs, script], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { OPENBLAS_NUM_THREADS: '1', ...process.env },
    });
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    this.lines = createInterface({ input: this.child.stdout });
    this.lines.on('line', (line) => this.pending.shift()?.(line));
  }

  /** Runs `steps` training steps of `network` with `threads` intra-op threads; resolves to their wall seconds. */
  async round(network: NetworkName | string, steps: number, threads: number): Promise<number> {
    return (await this.timedRound(network, steps, threads)).wall;
  }

  /** The worker's process id (for reading its CPU time). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /**
   * Like {@link PyTorchPeer.round}, with the CPU seconds the worker spent (all its threads; a script
   * that does not report them gives its wall seconds). `data`: a raw file of images and labels
   * (training-data.ts's `writePeerData`) to train on, batch after batch, step i of the round on batch
   * i mod their count; unset, the worker's own fixed random batch.
   */
  timedRound(
    network: NetworkName | string,
    steps: number,
    threads: number,
    data?: string,
  ): Promise<RoundTime> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) =>
        reject(new Error(`The ${this.label} exited (code ${code}): ${this.stderr.trim()}`));
      this.child.once('exit', onExit);
      this.pending.push((line) => {
        this.child.off('exit', onExit);
        const answer = JSON.parse(line) as { seconds: number; cpu_seconds?: number };
        resolve({ wall: answer.seconds, cpu: answer.cpu_seconds ?? answer.seconds });
      });
      const request = data == null ? { network, steps, threads } : { network, steps, threads, data };
      this.child.stdin.write(`${JSON.stringify(request)}\n`);
    });
  }

  /** Ends the worker. */
  close(): void {
    this.lines.close();
    this.child.stdin.end();
  }
}

/**
 * How many PyTorch worker processes to run (per set): `BACKEND_TRAINING_PYTORCH_PROCESSES` when set
 * (a whole number >= 1), else `fallback` (the plan's: verdict.ts's `YARDSTICK.pytorchProcesses`, 16).
 * Each process's speed is one draw for its life, so the interval over processes narrows only with
 * more of them; the verdict judges one over 8 or more (verdict.ts's `VERDICT.minProcesses`).
 */
export function pytorchProcessesFromEnv(
  fallback: number,
  raw: string | undefined = process.env.BACKEND_TRAINING_PYTORCH_PROCESSES,
): number {
  if (raw == null || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(
      `BACKEND_TRAINING_PYTORCH_PROCESSES=${raw}: give a whole number of processes, 1 or more.`,
    );
  return n;
}

const TENSORFOLD_WORKER = join(dirname(fileURLToPath(import.meta.url)), 'tensorfold_worker.ts');

/**
 * A worker process that trains tensorfold's side (tensorfold_worker.ts) over the PyTorch worker's
 * protocol, on this Node with this process's flags (relaxed SIMD, tsx): `calibrate`'s
 * `tensorfold-processes` A/A runs ours in several processes with it.
 */
export function tensorfoldWorker(): PyTorchPeer {
  return new PyTorchPeer(process.execPath, TENSORFOLD_WORKER, process.execArgv, 'tensorfold worker');
}

const BURN_WORKER = join(dirname(fileURLToPath(import.meta.url)), 'burn_worker.py');

/**
 * A fake peer (burn_worker.py): a Python process that speaks the PyTorch worker's protocol and burns
 * the same fixed CPU work every step, on `python` (`TENSORFOLD_BENCH_PYTHON`, else `python3`; torch is
 * not needed). `calibrate`'s `burn` A/A runs two sets of them through the real measuring code: they
 * differ only in their slot, so any ratio but 1.00x is the measurement's own.
 */
export function burnWorker(python: string = process.env.TENSORFOLD_BENCH_PYTHON || 'python3'): PyTorchPeer {
  return new PyTorchPeer(python, BURN_WORKER, [], 'burn worker');
}

/** The order two sets of worker processes are started and built in (see {@link interleavedSets}). */
export type BuildOrder = 'interleaved' | 'sets';

/**
 * Where process `index` of set `set` (0: A, 1: B; `count` each) is started and built, 0 first:
 * `sets`: all of A's, then all of B's; `interleaved`: pair `index`'s two processes next to each other,
 * A first in even pairs and B first in odd ones (A0 B0 B1 A1 A2 B2 ...), so that a speed that drifts
 * with the start or build order, or with a process's age, falls on both sets alike, and within a pair
 * on A and B in turn.
 */
export function buildPosition(set: 0 | 1, index: number, count: number, order: BuildOrder): number {
  if (order === 'sets') return set * count + index;
  const first = index % 2 === 0 ? 0 : 1;
  return 2 * index + (set === first ? 0 : 1);
}

/** Every (set, index) of two sets of `count` in {@link buildPosition}'s order. */
export function buildSequence(count: number, order: BuildOrder): Array<{ set: 0 | 1; index: number }> {
  const all = [0, 1].flatMap((set) =>
    Array.from({ length: count }, (_, index) => ({ set: set as 0 | 1, index })),
  );
  return all.sort(
    (a, b) => buildPosition(a.set, a.index, count, order) - buildPosition(b.set, b.index, count, order),
  );
}

/**
 * Two sets of `count` worker processes (calibrate's A/A: set A against set B, process i against
 * process i), started by `start` in `order` ({@link buildPosition}; default `interleaved`). Before
 * this, calibrate started all of A's, then all of B's: if a process's speed depends on when it
 * started (where its memory lands as the machine fills: PyTorch's draw follows the placement of its
 * buffers, BENCHMARKS.md "The PyTorch peer's yardstick"), set A as a whole could draw differently
 * from set B, a bias common to every pair that the interval over pairs cannot see.
 */
export function interleavedSets<T>(
  count: number,
  start: () => T,
  order: BuildOrder = 'interleaved',
): [T[], T[]] {
  const sets: [T[], T[]] = [new Array<T>(count), new Array<T>(count)];
  for (const { set, index } of buildSequence(count, order)) sets[set][index] = start();
  return sets;
}

/**
 * Builds `network` with `threads` threads (and warms that setting up) in every process of two sets,
 * in `order` ({@link buildPosition}): a request of 0 steps builds and warms a worker (peers'
 * protocol), so that the sides' own `start` later finds them built. `data`: the raw file of the
 * batches (training-data.ts), if any.
 */
export async function buildInterleaved(
  sets: [PyTorchPeer[], PyTorchPeer[]],
  network: NetworkName | string,
  threads: number,
  order: BuildOrder,
  data?: string,
): Promise<void> {
  for (const { set, index } of buildSequence(sets[0].length, order))
    await sets[set][index].timedRound(network, 0, threads, data);
}

/** The build order from `CALIBRATE_PROCESS_ORDER` (`interleaved`, the default, or `sets`). */
export function buildOrderFromEnv(raw: string | undefined = process.env.CALIBRATE_PROCESS_ORDER): BuildOrder {
  if (raw == null || raw.trim() === '') return 'interleaved';
  const order = raw.trim().toLowerCase();
  if (order !== 'interleaved' && order !== 'sets')
    throw new Error(
      `CALIBRATE_PROCESS_ORDER=${raw}: give interleaved (the two sets' processes started and built in turn, the default) or sets (all of A's, then all of B's).`,
    );
  return order;
}

/**
 * Where the processes behind `rates` (a side's processCpuRates: one figure per process that ran a
 * timed round, in process order; paired-comparison.ts) were built: `processes` is the side's process
 * of each round, `set` the side's set (0: A, 1: B) and `count` the processes in each set. A run of
 * fewer rounds than processes leaves some out, so a figure's index is not its process's.
 */
export function builtPositions(processes: number[], set: 0 | 1, count: number, order: BuildOrder): number[] {
  return [...new Set(processes)].sort((a, b) => a - b).map((p) => buildPosition(set, p, count, order));
}

/**
 * Whether `CALIBRATE_SWAP` asks calibrate to measure set B as the first side (measurePaired's "ours")
 * and set A as the peer: `1` yes; unset, empty or `0` no (the default). The sets' processes are
 * started and built in the same order either way, so a bias that follows the set stays with A and one
 * that follows the role moves to B.
 */
export function calibrateSwapFromEnv(raw: string | undefined = process.env.CALIBRATE_SWAP): boolean {
  const value = raw?.trim() ?? '';
  if (value === '' || value === '0') return false;
  if (value === '1') return true;
  throw new Error(
    `CALIBRATE_SWAP=${raw}: give 1 (set B measured as the first side, the rows reading B / A) or 0 (the default, A / B).`,
  );
}
