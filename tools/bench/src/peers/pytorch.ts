/**
 * PyTorch as a benchmark peer: a Python child process (`pytorch_training.py` beside this file) that
 * trains the backend-training suite's networks on the CPU when the suite asks, so that its rounds
 * alternate with tensorfold's in the same run. Used only where `python3` can import `torch` (Debian:
 * `apt-get install python3-torch`, PyTorch 1.13); elsewhere the suite skips it and says so.
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { RoundTime } from '../steadiness.js';
import type { NetworkName } from '../training-models.js';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'pytorch_training.py');

/**
 * The interpreters to try, in order: `TENSORFOLD_BENCH_PYTHON` when set, else `python3` on the PATH
 * and Debian's own `/usr/bin/python3` (where `python3-torch` installs; a pyenv shim may shadow it).
 */
function candidates(): string[] {
  const chosen = process.env.TENSORFOLD_BENCH_PYTHON;
  return chosen ? [chosen] : ['python3', '/usr/bin/python3'];
}

/** A Python that can import torch, with torch's version; or null and why not. */
export interface PyTorchProbe {
  python: string | null;
  version: string | null;
  reason: string;
}

/** Finds a Python that can import torch (see {@link candidates}). */
export function findPyTorch(): PyTorchProbe {
  const failures: string[] = [];
  for (const python of candidates()) {
    const probe = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
    if (probe.status === 0) return { python, version: probe.stdout.trim(), reason: '' };
    const why = probe.error
      ? probe.error.message
      : (probe.stderr.trim().split('\n').pop() ?? 'unknown error');
    failures.push(`${python}: ${why}`);
  }
  return {
    python: null,
    version: null,
    reason: `no Python here imports torch (${failures.join('; ')}); on Debian: apt-get install python3-torch libopenblas0-pthread`,
  };
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
