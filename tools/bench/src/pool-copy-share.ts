/**
 * Issue 22: how much of a 2-thread MLP step on MNIST is the pool's copies. The MLP 784-512-256-10's
 * five large products, on operands shaped like a training step's on MNIST (the first MNIST training
 * batch of 128, Glorot-uniform weights, ReLU's zeros in the hidden layers and their gradients, as
 * pair-lists-products builds them), each timed whole on the pool and on the calling thread alone, and
 * the pool path's serial parts timed alone with the same sizes on the pool's own memory:
 *
 * - `copy in`: `op(a)` (and `b` as given) from tfjs-backend-wasm's heap into the pool's memory
 *   (mat-mul-by-threads.ts's `heap.set`s); a shared heap (lever A) removes it;
 * - `transpose + pack`: `a`'s transpose where transposeA, `b` into panels of 8 columns
 *   (`transpose`, `packPanels`); a shared heap keeps it (the tile kernel reads panels); weights kept
 *   resident as panels (lever B) would remove `b`'s part where `b` is a weight;
 * - `copy out`: the product back to tfjs's heap; a shared heap removes it.
 *
 * Then a whole training step (tensorfold's MLP, Adam, the same batch), so that the copies' share of a
 * step is read in one process. Medians [quartiles] of rounds; the phases alternate in each round.
 *
 * `pnpm --filter @tensorfold/bench pool-copy-share [rounds]` (run with 2 threads: the default on 2
 * cores, or `TENSORFOLD_WASM_THREADS=2`).
 */
import { loadavg } from 'node:os';
import { poolInternals, setThreadedKernelsEnabled } from '@tensorfold/backend/testing';
import { tf } from '@tensorfold/core';
import { useBackend } from './backends.js';
import { mlpOperands, mlpProducts } from './mlp-operands.js';
import { reservedPoolLayout } from './pool-layout.js';
import { medianOf as median, medianAndQuartiles } from './steadiness.js';
import { timedMs } from './timed-call.js';
import { tensorfoldModel } from './training-models.js';

const {
  PAIR_LISTED_AT_MOST_SIXTEENTHS,
  PAIR_PANEL_COLUMNS,
  pairListsWanted,
  threadPool,
  tiles,
  wasmThreads,
} = poolInternals;
const CALLS = 20;

interface HeapBackend {
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
}

async function main() {
  const rounds = Number(process.argv[2] ?? '15');
  console.log(
    `backend: ${await useBackend('wasm')}; threads ${wasmThreads()}; load ${loadavg()[0].toFixed(1)}`,
  );
  if (wasmThreads() < 2) throw new Error('Run with 2 threads (TENSORFOLD_WASM_THREADS=2).');
  const tensorsBefore = tf.memory().numTensors;
  const operands = await mlpOperands();
  const { x, y } = operands;
  const backend = tf.backend() as unknown as HeapBackend;
  const pool = threadPool('matMul');
  if (pool == null) throw new Error('no pool');
  const products = mlpProducts(operands);
  const model = tensorfoldModel('mlp');
  for (let i = 0; i < 5; i++) await model.trainOnBatch(x, y);

  const phases = [
    'pool',
    'one thread',
    'copy in',
    'transpose + pack',
    'lists + finite',
    'tiles',
    'copy out',
  ] as const;
  type Phase = (typeof phases)[number];
  const totals: Record<Phase, number[]> = {
    pool: [],
    'one thread': [],
    'copy in': [],
    'transpose + pack': [],
    'lists + finite': [],
    tiles: [],
    'copy out': [],
  };
  const perProduct = products.map(() => new Map<Phase, number[]>(phases.map((p) => [p, []])));
  const steps: number[] = [];
  const stepsOne: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const sums = new Map<Phase, number>(phases.map((p) => [p, 0]));
    const order =
      round % 2 === 0 ? products.map((_, i) => i) : products.map((_, i) => products.length - 1 - i);
    for (const i of order) {
      const [, a, b, tA, tB] = products[i];
      // the pool path's own layout in floats (mat-mul-by-threads.ts's layoutOf), reserved
      const { m, k, n, mPad, nPad, rows, panels, out, raw, lists } = reservedPoolLayout(a, b, tA, tB);
      const heap = new Float32Array(pool.pool.memory.buffer);
      const pairs = threadPool('pairs');
      if (pairs == null) throw new Error('no pairs module');
      // the operands in place once, for the lists and the tiles (the phases rewrite them alike)
      heap.fill(0);
      heap.set(backend.typedArrayFromHeap(a), tA ? raw : rows);
      if (tA) pool.kernels.transpose(raw * 4, rows * 4, k, m);
      heap.set(backend.typedArrayFromHeap(b), raw);
      pool.kernels.packPanels(raw * 4, panels * 4, k, n, tB ? 1 : 0);
      const listed = pairs.kernels.pairSteps(rows * 4, lists * 4, mPad, k);
      const grid = tiles(mPad, nPad, pool.pool.threads);
      const args = [rows * 4, panels * 4, out * 4, mPad, k, nPad, grid.chunkRows, grid.chunkCols, 0, 0];
      // the pair lists where the real path walks them (float-zero-skip.ts's pairListsPay); else every
      // step (the real path then tries lists per block of 4 rows, which this leaves out)
      const walkPairs =
        pairListsWanted(mPad, k, nPad) &&
        grid.chunkCols % PAIR_PANEL_COLUMNS === 0 &&
        16 * listed <= PAIR_LISTED_AT_MOST_SIXTEENTHS * (mPad / 2) * k;
      const result = tf.zeros([m, n]);
      const timings: Record<Phase, () => void> = {
        pool: () => tf.matMul(a, b, tA, tB).dispose(),
        'one thread': () => {
          setThreadedKernelsEnabled(false);
          try {
            tf.matMul(a, b, tA, tB).dispose();
          } finally {
            setThreadedKernelsEnabled(true);
          }
        },
        'copy in': () => {
          heap.set(backend.typedArrayFromHeap(a), tA ? raw : rows);
          heap.set(backend.typedArrayFromHeap(b), raw);
        },
        'transpose + pack': () => {
          if (tA) pool.kernels.transpose(raw * 4, rows * 4, k, m);
          pool.kernels.packPanels(raw * 4, panels * 4, k, n, tB ? 1 : 0);
        },
        'lists + finite': () => {
          pairs.kernels.pairSteps(rows * 4, lists * 4, mPad, k);
          pool.kernels.allFinite(panels * 4, nPad * k);
        },
        tiles: () => {
          if (walkPairs) pool.pool.run(pairs.build, 'pairChunk', grid.chunks, [...args, lists * 4]);
          else pool.pool.run(pool.build, 'matMulChunk', grid.chunks, [...args, 0]);
        },
        'copy out': () => backend.typedArrayFromHeap(result).set(heap.subarray(out, out + m * n)),
      };
      const phaseOrder = round % 2 === 0 ? phases : [...phases].reverse();
      for (const phase of phaseOrder) {
        const { wall } = await timedMs(() => {
          for (let c = 0; c < CALLS; c++) timings[phase]();
        });
        const us = (wall * 1000) / CALLS;
        perProduct[i].get(phase)!.push(us);
        sums.set(phase, sums.get(phase)! + us);
      }
      result.dispose();
      if (round === 0)
        console.log(
          `${products[i][0]}: listed ${(listed / ((mPad / 2) * k)).toFixed(2)}, pairs ${walkPairs}`,
        );
    }
    for (const phase of phases) totals[phase].push(sums.get(phase)!);
    // whole steps, 2 threads and (pool held off) 1, in turn
    for (const one of round % 2 === 0 ? [false, true] : [true, false]) {
      setThreadedKernelsEnabled(!one);
      const { wall } = await timedMs(async () => {
        for (let c = 0; c < CALLS; c++) await model.trainOnBatch(x, y);
      });
      setThreadedKernelsEnabled(true);
      (one ? stepsOne : steps).push((wall * 1000) / CALLS);
    }
  }
  console.log(`rounds ${rounds}, ${CALLS} calls a phase a round; load now ${loadavg()[0].toFixed(1)}`);
  console.log(`| product | ${phases.join(' | ')} |\n|---|${phases.map(() => '---').join('|')}|`);
  products.forEach(([name], i) => {
    console.log(
      `| ${name} | ${phases.map((p) => medianAndQuartiles(perProduct[i].get(p)!, 0)).join(' | ')} |`,
    );
  });
  console.log(`| five products | ${phases.map((p) => medianAndQuartiles(totals[p], 0)).join(' | ')} |`);
  const copies = totals['copy in'].map((v, r) => v + totals['copy out'][r]);
  const share = copies.map((v, r) => v / steps[r]);
  const packShare = totals['transpose + pack'].map((v, r) => v / steps[r]);
  console.log(
    `step, 2 threads: ${medianAndQuartiles(steps, 0)} us; pool held off (1 thread): ${medianAndQuartiles(stepsOne, 0)} us`,
  );
  console.log(
    `copies (in + out) per step: ${medianAndQuartiles(copies, 0)} us, ${(100 * median(share)).toFixed(1)}% of a 2-thread step; ` +
      `transpose + pack ${(100 * median(packShare)).toFixed(1)}%`,
  );
  console.log(
    `2-thread step if the copies vanished (lever A ceiling): ${(median(steps.map((s, r) => s / (s - copies[r])))).toFixed(3)}x; ` +
      `if copies and packing vanished: ${median(steps.map((s, r) => s / (s - copies[r] - totals['transpose + pack'][r]))).toFixed(3)}x`,
  );
  model.dispose();
  operands.dispose();
  console.log(`tensors left: ${tf.memory().numTensors - tensorsBefore}`);
}

await main();
process.exit(0);
