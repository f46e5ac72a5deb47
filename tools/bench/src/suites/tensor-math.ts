/**
 * Tensor decompositions beside NumPy: CP-ALS (rank 10, 50 sweeps) on 64x64x64, Tucker-HOOI (ranks
 * 10,10,10: HOSVD start + 10 sweeps) on 100x100x100 and TT-SVD (fixed ranks) on an 8^7 tensor, run by
 * tensorfold on the active backend and by a NumPy worker (`peers/numpy_tensor_math.py`, single-threaded
 * OpenBLAS, float32 and float64) on the same input from the same start, in alternating rounds; each side
 * reports its median round and the spread. Without a Python that imports numpy the peer is skipped with
 * the reason printed. Also the two SVD paths (tfjs Gram matrix vs float64 `ml-matrix`) on
 * unfolding-shaped matrices, the measurement behind `HOST_SVD_WORK_LIMIT`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Random, tf } from '@tensorfold/core';
import { CPTensor, cp, cpToTensor, svd, tensorTrain, ttToTensor, tucker } from '@tensorfold/tensor-math';
import { type RoundRunner, runAlternating } from '../alternating-rounds.js';
import { type BenchContext, type Suite, timeIt } from '../harness.js';
import { findNumPy, NumPyPeer } from '../peers/numpy.js';
import { medianOf as median } from '../steadiness.js';
import { timedMs } from '../timed-call.js';

/** Seeded standard-normal values. */
function gaussianValues(size: number, seed: number): Float32Array {
  const random = new Random(seed);
  return Float32Array.from({ length: size }, () => random.normal());
}

/** Seeded uniform [0, 1) values. */
function uniformValues(size: number, seed: number): Float32Array {
  const random = new Random(seed);
  return Float32Array.from({ length: size }, () => random.uniform());
}

/** An exact rank-`rank` CP tensor plus 1% noise, so ALS has work to do for every sweep. */
function cpTarget(n: number, rank: number): tf.Tensor {
  return tf.tidy(() => {
    const factors = [0, 1, 2].map((k) => tf.tensor2d(gaussianValues(n * rank, 10 + k), [n, rank]));
    const exact = cpToTensor({ weights: tf.ones([rank]) as tf.Tensor1D, factors });
    const noise = tf.tensor(gaussianValues(n * n * n, 20), [n, n, n]);
    return tf.add(exact, tf.mul(noise, 0.01 * Math.sqrt(rank)));
  });
}

/** One decomposition as both sides run it: tensorfold in this process, the same request to NumPy. */
interface Case {
  label: string;
  /** What one round counts (the figures are divided by it), e.g. 50 sweeps. */
  per: { count: number; unit: string };
  /** Runs tensorfold's side once; resolves to the final relative error. */
  ours(): Promise<number>;
  /** The NumPy request (the worker's protocol), without `dtype`. */
  request: Record<string, unknown>;
}

interface Peer {
  numpy: NumPyPeer;
  dir: string;
}

const DTYPES = ['float32', 'float64'] as const;

/**
 * Runs `kase` in alternating rounds (tensorfold, NumPy float32, NumPy float64) after one untimed
 * warm-up round each, and reports tensorfold's median against each NumPy dtype, in wall time and in
 * CPU time (this process's, all threads; the worker's likewise). On a shared, loaded machine the wall
 * times of both sides stretch with the load; CPU time is the steadier measure of the work done.
 */
async function compare(ctx: BenchContext, kase: Case, peer: Peer | null, skipReason: string): Promise<void> {
  const rounds = ctx.quick ? 2 : 7;
  // The final error of each side's last round.
  const errors: Record<string, number> = {};
  // A round of a side: one run, its wall and CPU milliseconds.
  const tensorfold: RoundRunner = {
    round: () =>
      timedMs(async () => {
        errors.ours = await kase.ours();
      }),
  };
  const numpy = (worker: NumPyPeer, dtype: string): RoundRunner => ({
    async round() {
      const answer = await worker.run({ ...kase.request, dtype });
      errors[dtype] = answer.error;
      return { wall: answer.seconds * 1000, cpu: answer.cpuSeconds * 1000 };
    },
  });
  // Every round tensorfold, then NumPy float32 and float64, in that order (not rotated).
  const {
    rounds: [ourRounds, ...numpyRounds],
  } = await runAlternating([tensorfold, ...(peer ? DTYPES.map((dtype) => numpy(peer.numpy, dtype)) : [])], {
    rounds,
    steps: 1,
    warmupRounds: 1,
    rotate: false,
  });
  const per = (ms: number) => ms / kase.per.count;
  const spread = (times: number[]) =>
    `${per(Math.min(...times)).toPrecision(3)}–${per(Math.max(...times)).toPrecision(3)}`;
  for (const clock of ['wall', 'cpu'] as const) {
    for (const dtype of peer ? DTYPES : (['float32'] as const)) {
      const ours = ourRounds.map((t) => t[clock]);
      const theirs = (numpyRounds[DTYPES.indexOf(dtype)] ?? []).map((t) => t[clock]);
      ctx.report({
        suite: 'tensor-math',
        case: `${kase.label}, ${kase.per.unit}, ${clock === 'wall' ? 'wall' : 'CPU'} time`,
        unit: 'ms',
        value: per(median(ours)),
        peer: peer ? per(median(theirs)) : null,
        peerName: peer ? `NumPy ${dtype}, 1 thread` : 'NumPy (skipped)',
        higherIsBetter: false,
        note: peer
          ? `${rounds} rounds, spread ours ${spread(ours)}, NumPy ${spread(theirs)}; final error ours ${errors.ours.toPrecision(4)}, NumPy ${errors[dtype].toPrecision(4)}`
          : `${rounds} rounds, spread ours ${spread(ours)}; NumPy peer skipped: ${skipReason}`,
      });
    }
  }
}

/** Writes float32 arrays one after the other into a file the worker reads; returns its path. */
function writeInput(peer: Peer | null, name: string, parts: Float32Array[]): string {
  if (!peer) return '';
  const path = join(peer.dir, `${name}.f32`);
  writeFileSync(path, Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength))));
  return path;
}

async function benchCp(ctx: BenchContext, peer: Peer | null, skipReason: string): Promise<void> {
  const n = 64;
  const rank = 10;
  const sweeps = 50;
  const x = cpTarget(n, rank);
  const start = [0, 1, 2].map((k) => uniformValues(n * rank, 100 + k));
  const init = new CPTensor(
    tf.ones([rank]) as tf.Tensor1D,
    start.map((values) => tf.tensor2d(values, [n, rank])),
  );
  const input = writeInput(peer, 'cp', [(await x.data()) as Float32Array, ...start]);
  await compare(
    ctx,
    {
      label: `CP-ALS ${n}^3 rank ${rank}`,
      per: { count: sweeps, unit: 'time per sweep (50 sweeps, error each)' },
      async ours() {
        const fit = await cp(x, rank, { init, nIterMax: sweeps, tol: 0 });
        const error = fit.history!.errors.at(-1)!;
        fit.dispose();
        return error;
      },
      request: { case: 'cp', input, shape: [n, n, n], rank, sweeps },
    },
    peer,
    skipReason,
  );
  init.dispose();
  x.dispose();
}

async function benchTucker(ctx: BenchContext, peer: Peer | null, skipReason: string): Promise<void> {
  const n = 100;
  const sweeps = 10;
  const values = gaussianValues(n * n * n, 30);
  const x = tf.tensor(values, [n, n, n]);
  const input = writeInput(peer, 'tucker', [values]);
  await compare(
    ctx,
    {
      label: `Tucker-HOOI ${n}^3 ranks 10,10,10`,
      per: { count: 1, unit: 'HOSVD start + 10 sweeps (residual each)' },
      async ours() {
        const fit = await tucker(x, { ranks: [10, 10, 10], nIterMax: sweeps, tol: 0 });
        const error = fit.history!.errors.at(-1)!;
        fit.dispose();
        return error;
      },
      request: { case: 'tucker', input, shape: [n, n, n], ranks: [10, 10, 10], sweeps },
    },
    peer,
    skipReason,
  );
  x.dispose();
}

async function benchTensorTrain(ctx: BenchContext, peer: Peer | null, skipReason: string): Promise<void> {
  const shape = [8, 8, 8, 8, 8, 8, 8];
  const ranks = [1, 4, 6, 8, 8, 6, 4, 1];
  const x = tf.tidy(() => {
    const cores = shape.map((size, k) =>
      tf.tensor3d(gaussianValues(ranks[k] * size * ranks[k + 1], 40 + k), [ranks[k], size, ranks[k + 1]]),
    );
    return ttToTensor({ cores });
  });
  const input = writeInput(peer, 'tt', [(await x.data()) as Float32Array]);
  await compare(
    ctx,
    {
      label: 'TT-SVD 8^7 ranks 1,4,6,8,8,6,4,1',
      per: { count: 1, unit: 'decomposition + reconstruction error' },
      async ours() {
        const fit = await tensorTrain(x, { ranks });
        const approx = fit.toTensor();
        // flattened: WASM element-wise ops on rank-7 tensors are wrong until the backend handles them
        const error = tf.tidy(() => {
          const [flatX, flatApprox] = [x, approx].map((t) => tf.reshape(t, [-1]));
          return tf.div(tf.norm(tf.sub(flatX, flatApprox)), tf.norm(flatX));
        });
        const value = (await error.data())[0];
        tf.dispose([approx, error]);
        fit.dispose();
        return value;
      },
      request: { case: 'tt', input, shape, ranks },
    },
    peer,
    skipReason,
  );
  const bounded = await timeIt(async () => (await tensorTrain(x, { relativeError: 1e-3 })).dispose(), {
    warmup: 1,
    minRuns: ctx.quick ? 1 : 3,
    minTimeMs: 0,
  });
  ctx.report({
    suite: 'tensor-math',
    case: 'TT-SVD 8^7, relativeError 1e-3',
    unit: 'ms',
    value: bounded.medianMs,
    peer: null,
    peerName: 'none',
    higherIsBetter: false,
  });
  x.dispose();
}

async function benchSvdPaths(ctx: BenchContext): Promise<void> {
  for (const [m, n] of [
    [20, 1200],
    [64, 4096],
    [100, 2000],
    [100, 10000],
  ]) {
    const matrix = tf.tensor2d(gaussianValues(m * n, 50), [m, n]);
    const runs = { warmup: 1, minRuns: ctx.quick ? 1 : 3, minTimeMs: ctx.quick ? 0 : 300 };
    const time = (method: 'host' | 'gram') =>
      timeIt(async () => {
        const { u } = await svd(matrix, { rank: 10, method, computeVt: false });
        u.dispose();
      }, runs);
    const gram = await time('gram');
    const host = await time('host');
    ctx.report({
      suite: 'tensor-math',
      case: `leading 10 singular vectors of ${m}x${n} (work ${(m * m * n).toExponential(1)}), Gram path`,
      unit: 'ms',
      value: gram.medianMs,
      peer: host.medianMs,
      peerName: 'host path (float64)',
      higherIsBetter: false,
    });
    matrix.dispose();
  }
}

/**
 * Whether to run a case: all of them unless `TENSOR_MATH_CASES` names some (comma-separated: `cp`,
 * `tucker`, `tt`, `svd`), e.g. `TENSOR_MATH_CASES=cp pnpm bench tensor-math` for CP-ALS alone.
 */
function wanted(name: string): boolean {
  const cases = process.env.TENSOR_MATH_CASES;
  return !cases || cases.split(',').some((c) => c.trim() === name);
}

const suite: Suite = {
  name: 'tensor-math',
  description: 'CP-ALS, Tucker-HOOI and TT-SVD beside single-threaded NumPy; the two SVD paths',
  async run(ctx) {
    const probe = findNumPy();
    let peer: Peer | null = null;
    if (probe.python) {
      peer = {
        numpy: await NumPyPeer.start(probe.python),
        dir: mkdtempSync(join(tmpdir(), 'tensorfold-bench-')),
      };
      console.log(`tensor-math: NumPy peer: ${probe.python}, ${peer.numpy.blas}, OPENBLAS_NUM_THREADS=1.`);
    } else {
      console.log(`tensor-math: NumPy peer skipped: ${probe.reason}.`);
    }
    try {
      if (wanted('cp')) await benchCp(ctx, peer, probe.reason);
      if (wanted('tucker')) await benchTucker(ctx, peer, probe.reason);
      if (wanted('tt')) await benchTensorTrain(ctx, peer, probe.reason);
    } finally {
      peer?.numpy.close();
      if (peer) rmSync(peer.dir, { recursive: true, force: true });
    }
    if (wanted('svd')) await benchSvdPaths(ctx);
  },
};

export default suite;
