/**
 * Tensor decompositions: CP-ALS (rank 10, 50 sweeps) on 64x64x64, Tucker-HOOI (ranks 10,10,10) on
 * 100x100x100, TT-SVD on an 8^7 tensor, on the active backend; CP-ALS per sweep against a plain
 * Float64Array implementation (below) in the same process; and the two SVD paths (tfjs Gram matrix vs
 * float64 `ml-matrix`) on unfolding-shaped matrices, which is the measurement behind `HOST_SVD_WORK_LIMIT`.
 */
import { Random, tf } from '@tensorfold/core';
import { cp, cpToTensor, svd, tensorTrain, ttToTensor, tucker } from '@tensorfold/tensor-math';
import { type BenchContext, type Suite, timeIt } from '../harness.js';

/** Seeded standard-normal values. */
function gaussianValues(size: number, seed: number): Float32Array {
  const random = new Random(seed);
  return Float32Array.from({ length: size }, () => random.normal());
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

async function benchCp(ctx: BenchContext): Promise<void> {
  const n = 64;
  const rank = 10;
  const sweeps = 50;
  const x = cpTarget(n, rank);
  const data = Float64Array.from(await x.data());
  const runs = { warmup: 1, minRuns: ctx.quick ? 1 : 3, minTimeMs: 0 };
  const ours = await timeIt(async () => {
    const result = await cp(x, rank, { init: 'random', seed: 1, nIterMax: sweeps, tol: 0 });
    result.dispose();
  }, runs);
  const peer = await timeIt(() => plainCpAls(data, n, rank, sweeps, 1), runs);
  ctx.report({
    suite: 'tensor-math',
    case: `CP-ALS ${n}^3 rank ${rank}, time per sweep`,
    unit: 'ms',
    value: ours.medianMs / sweeps,
    peer: peer.medianMs / sweeps,
    peerName: 'plain JS Float64Array ALS',
    higherIsBetter: false,
  });
  ctx.report({
    suite: 'tensor-math',
    case: `CP-ALS ${n}^3 rank ${rank}, ${sweeps} sweeps`,
    unit: 'ms',
    value: ours.medianMs,
    peer: peer.medianMs,
    peerName: 'plain JS Float64Array ALS',
    higherIsBetter: false,
  });
  x.dispose();
}

async function benchTucker(ctx: BenchContext): Promise<void> {
  const n = 100;
  const x = tf.tidy(() => tf.tensor(gaussianValues(n * n * n, 30), [n, n, n]));
  const result = await timeIt(
    async () => {
      const fit = await tucker(x, { ranks: [10, 10, 10], nIterMax: 10, tol: 0 });
      fit.dispose();
    },
    { warmup: 1, minRuns: ctx.quick ? 1 : 3, minTimeMs: 0 },
  );
  ctx.report({
    suite: 'tensor-math',
    case: `Tucker-HOOI ${n}^3 ranks 10,10,10 (HOSVD start + 10 sweeps)`,
    unit: 'ms',
    value: result.medianMs,
    peer: null,
    peerName: 'none',
    higherIsBetter: false,
  });
  x.dispose();
}

async function benchTensorTrain(ctx: BenchContext): Promise<void> {
  const shape = [8, 8, 8, 8, 8, 8, 8];
  const ranks = [1, 4, 6, 8, 8, 6, 4, 1];
  const x = tf.tidy(() => {
    const cores = shape.map((size, k) =>
      tf.tensor3d(gaussianValues(ranks[k] * size * ranks[k + 1], 40 + k), [ranks[k], size, ranks[k + 1]]),
    );
    return ttToTensor({ cores });
  });
  const runs = { warmup: 1, minRuns: ctx.quick ? 1 : 3, minTimeMs: 0 };
  const fixed = await timeIt(async () => (await tensorTrain(x, { ranks })).dispose(), runs);
  const bounded = await timeIt(async () => (await tensorTrain(x, { relativeError: 1e-3 })).dispose(), runs);
  for (const [label, timing] of [
    ['ranks 1,4,6,8,8,6,4,1', fixed],
    ['relativeError 1e-3', bounded],
  ] as const) {
    ctx.report({
      suite: 'tensor-math',
      case: `TT-SVD 8^7, ${label}`,
      unit: 'ms',
      value: timing.medianMs,
      peer: null,
      peerName: 'none',
      higherIsBetter: false,
    });
  }
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
      peerName: 'ml-matrix float64 SVD',
      higherIsBetter: false,
    });
    matrix.dispose();
  }
}

const suite: Suite = {
  name: 'tensor-math',
  description: 'CP-ALS, Tucker-HOOI and TT-SVD; CP-ALS per sweep against plain Float64Array JavaScript',
  async run(ctx) {
    await benchCp(ctx);
    await benchTucker(ctx);
    await benchTensorTrain(ctx);
    await benchSvdPaths(ctx);
  },
};

export default suite;

// ---------------------------------------------------------------------------------------------------
// The peer: CP-ALS for a third-order tensor written the plain way, on Float64Array, no library.
// Same algorithm and error measure as tensorfold's `cp` (MTTKRP, R x R normal equations, residual).

/** Runs `sweeps` ALS sweeps on a dense `n x n x n` tensor (C order); returns the final relative error. */
export function plainCpAls(x: Float64Array, n: number, rank: number, sweeps: number, seed: number): number {
  const random = new Random(seed);
  const factors: Float64Array[] = [0, 1, 2].map(() =>
    Float64Array.from({ length: n * rank }, () => random.uniform()),
  );
  let norm = 0;
  for (const v of x) norm += v * v;
  norm = Math.sqrt(norm);
  let error = 1;
  for (let sweep = 0; sweep < sweeps; sweep++) {
    for (let mode = 0; mode < 3; mode++) {
      const [a, b] = [0, 1, 2].filter((k) => k !== mode).map((k) => factors[k]);
      const m = mttkrp3(x, n, rank, factors, mode);
      const gram = new Float64Array(rank * rank);
      const ga = gramOf(a, n, rank);
      const gb = gramOf(b, n, rank);
      for (let i = 0; i < rank * rank; i++) gram[i] = ga[i] * gb[i];
      factors[mode] = solveRows(gram, m, n, rank);
    }
    error = residual(x, n, rank, factors) / norm;
  }
  return error;
}

function mttkrp3(x: Float64Array, n: number, rank: number, f: Float64Array[], mode: number): Float64Array {
  const out = new Float64Array(n * rank);
  const [a, b, c] = f;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const base = (i * n + j) * n;
      for (let k = 0; k < n; k++) {
        const v = x[base + k];
        if (mode === 0)
          for (let r = 0; r < rank; r++) out[i * rank + r] += v * b[j * rank + r] * c[k * rank + r];
        else if (mode === 1)
          for (let r = 0; r < rank; r++) out[j * rank + r] += v * a[i * rank + r] * c[k * rank + r];
        else for (let r = 0; r < rank; r++) out[k * rank + r] += v * a[i * rank + r] * b[j * rank + r];
      }
    }
  }
  return out;
}

function gramOf(a: Float64Array, n: number, rank: number): Float64Array {
  const g = new Float64Array(rank * rank);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < rank; r++)
      for (let s = 0; s < rank; s++) g[r * rank + s] += a[i * rank + r] * a[i * rank + s];
  }
  return g;
}

/** Solves `row · V = m_row` for every row (V symmetric positive definite) by Cholesky. */
function solveRows(v: Float64Array, m: Float64Array, n: number, rank: number): Float64Array {
  const l = new Float64Array(rank * rank);
  for (let i = 0; i < rank; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = v[i * rank + j];
      for (let k = 0; k < j; k++) sum -= l[i * rank + k] * l[j * rank + k];
      l[i * rank + j] = i === j ? Math.sqrt(Math.max(sum, 1e-300)) : sum / l[j * rank + j];
    }
  }
  const out = new Float64Array(n * rank);
  const y = new Float64Array(rank);
  for (let row = 0; row < n; row++) {
    for (let i = 0; i < rank; i++) {
      let sum = m[row * rank + i];
      for (let k = 0; k < i; k++) sum -= l[i * rank + k] * y[k];
      y[i] = sum / l[i * rank + i];
    }
    for (let i = rank - 1; i >= 0; i--) {
      let sum = y[i];
      for (let k = i + 1; k < rank; k++) sum -= l[k * rank + i] * out[row * rank + k];
      out[row * rank + i] = sum / l[i * rank + i];
    }
  }
  return out;
}

function residual(x: Float64Array, n: number, rank: number, f: Float64Array[]): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      for (let k = 0; k < n; k++) {
        let v = 0;
        for (let r = 0; r < rank; r++) v += f[0][i * rank + r] * f[1][j * rank + r] * f[2][k * rank + r];
        const d = x[(i * n + j) * n + k] - v;
        sum += d * d;
      }
    }
  }
  return Math.sqrt(sum);
}
