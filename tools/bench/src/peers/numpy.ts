/**
 * NumPy as a benchmark peer: a Python child process (`numpy_tensor_math.py` beside this file) that runs
 * the tensor-math suite's decompositions when the suite asks, so that its rounds alternate with
 * tensorfold's in the same run. Used only where `python3` can import `numpy` (Debian:
 * `apt-get install python3-numpy`); elsewhere the suite skips it and says why.
 *
 * OpenBLAS runs single-threaded (`OPENBLAS_NUM_THREADS=1`, like one WASM thread), and the worker's
 * environment drops `OPENBLAS_CORETYPE` and `OPENBLAS_L2_SIZE`: some machines set them to steer old
 * OpenBLAS builds away from kernels that misbehave there, which forces a current NumPy onto a slower
 * generic kernel. The worker reports the kernel it runs (OpenBLAS's core name) in {@link NumPyPeer.blas}.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { findPythonWith, type PythonProbe } from './python-probe.js';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'numpy_tensor_math.py');

/** A Python that can import numpy, with numpy's version; or null and why not. */
export type NumPyProbe = PythonProbe;

/**
 * Finds a Python that can import numpy: `TENSORFOLD_BENCH_PYTHON` when set, else `python3` on the PATH,
 * then Debian's `/usr/bin/python3`.
 */
export function findNumPy(): NumPyProbe {
  return findPythonWith('numpy', 'apt-get install python3-numpy');
}

/** What the worker answers to one request. */
export interface NumPyResult {
  /** Wall seconds of the decomposition (loading the input not included). */
  seconds: number;
  /** CPU seconds of the worker process over the same span (all its threads). */
  cpuSeconds: number;
  /** Its final relative error, to check that both sides did the same work. */
  error: number;
}

/** One NumPy worker process; send requests with {@link NumPyPeer.run}, end it with {@link NumPyPeer.close}. */
export class NumPyPeer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private readonly pending: Array<(line: string) => void> = [];
  private stderr = '';
  /** OpenBLAS's configuration and core name as the worker reports them (set by {@link NumPyPeer.start}). */
  blas = 'unknown';

  private constructor(python: string) {
    const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: '1' };
    delete env.OPENBLAS_CORETYPE;
    delete env.OPENBLAS_L2_SIZE;
    this.child = spawn(python, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'], env });
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    this.lines = createInterface({ input: this.child.stdout });
    this.lines.on('line', (line) => this.pending.shift()?.(line));
  }

  /** Starts a worker with `python` and waits for its BLAS report. */
  static async start(python: string): Promise<NumPyPeer> {
    const peer = new NumPyPeer(python);
    const hello = (await peer.next()) as { blas: string; numpy: string };
    peer.blas = `numpy ${hello.numpy}, ${hello.blas}`;
    return peer;
  }

  /** Runs one decomposition (see the worker's protocol); resolves to its time and final error. */
  run(request: Record<string, unknown>): Promise<NumPyResult> {
    const answer = this.next() as Promise<NumPyResult>;
    this.child.stdin.write(`${JSON.stringify(request)}\n`);
    return answer;
  }

  private next(): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) =>
        reject(new Error(`The NumPy peer exited (code ${code}): ${this.stderr.trim()}`));
      this.child.once('exit', onExit);
      this.pending.push((line) => {
        this.child.off('exit', onExit);
        resolve(JSON.parse(line));
      });
    });
  }

  /** Ends the worker. */
  close(): void {
    this.lines.close();
    this.child.stdin.end();
  }
}
