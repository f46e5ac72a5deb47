/**
 * `pnpm --filter @tensorfold/bench listings-fresh [rounds] [--trained steps]`
 *
 * The float products' listings of the steps not ±0 (float-zero-skip.ts: the rows' lists, row-wide.wat
 * per block of 256 steps and row-steps.wat per 512; the pairs', pair-steps.wat; the blocks of 4 rows',
 * kernels.wat `zeroSteps`) on the MLP 784-512-256-10's left operands as training sees them after
 * `--trained steps` steps (default 300) on MNIST: `x`, `x^T`, `h1`, `h1^T`, `dy2`. Each listing is
 * timed two ways, in the same process, alternating: **one batch repeated** (batch `steps`'s operand
 * every call, as row-lists-products and pair-lists-products time their products) and **fresh data**
 * (the 16 batches of the bench's MNIST cycle in turn, as training feeds them). A listing that
 * branches on the data runs much slower on fresh data, whose branches the predictor cannot learn,
 * than on one batch repeated, whose it can: fresh / repeated near 1 means no such cost. The FMA
 * builds on a WebAssembly memory of the bench's own; `rounds` (default 5) rounds of 400 calls a side,
 * the medians of each call's microseconds.
 */
import { loadavg } from 'node:os';
import { tf } from '@tensorfold/core';
import { useBackend } from './backends.js';
import { floatPlacer, fmaInstance } from './fma-builds.js';
import { medianOf as median } from './steadiness.js';
import { trainedMlpOperandCycle, trainedOption } from './trained-mlp-operands.js';
import { MNIST_CYCLE } from './training-data.js';

const CALLS = 400;

/** The listing exports of the row, pair and block modules (byte addresses; each returns a count). */
interface RowListing {
  rowSteps(a: number, lists: number, m: number, k: number, panel: number): number;
}
interface PairListing {
  pairSteps(a: number, lists: number, m: number, k: number): number;
}
interface BlockListing {
  zeroSteps(a: number, lists: number, m: number, k: number, eighths: number): number;
}

async function main() {
  const { steps, rest } = trainedOption(process.argv.slice(2));
  const trained = steps === 0 ? 300 : steps;
  const rounds = Number(rest[0] ?? '5');
  await useBackend('wasm'); // (the operands are built with tfjs; the listings run below)
  const cycle = await trainedMlpOperandCycle('mnist', trained, MNIST_CYCLE);
  // [name, [m, k], each batch's operand]
  const read = (t: tf.Tensor) => Float32Array.from(t.dataSync());
  const operands: [string, [number, number], Float32Array[]][] = [
    ['x', [128, 784], cycle.map((o) => read(o.x))],
    ['x^T', [784, 128], cycle.map((o) => tf.tidy(() => read(tf.transpose(o.x))))],
    ['h1', [128, 512], cycle.map((o) => read(o.h1))],
    ['h1^T', [512, 128], cycle.map((o) => tf.tidy(() => read(tf.transpose(o.h1))))],
    ['dy2', [128, 256], cycle.map((o) => read(o.dy2))],
  ];
  for (const o of cycle) o.dispose();

  const memory = new WebAssembly.Memory({ initial: 2048 }); // 128 MiB
  const { place, room } = floatPlacer(memory);
  const placed = operands.map(([name, shape, batches]) => ({ name, shape, at: batches.map(place) }));
  // (the largest scratch of the four: the rows' lists, 2 floats a step, and their block headers)
  const lists = room(2 * 784 * 128 + 8 * 784);
  const panel = room(16);
  const wide = fmaInstance<RowListing>('row-wide', memory);
  const rows = fmaInstance<RowListing>('row-steps', memory);
  const pairs = fmaInstance<PairListing>('pair-steps', memory);
  const blocks = fmaInstance<BlockListing>('kernels', memory);
  const listings: [string, (a: number, m: number, k: number) => number][] = [
    ['rows, 256-step blocks (row-wide.wat)', (a, m, k) => wide.rowSteps(a, lists, m, k, panel)],
    ['rows, 512-step blocks (row-steps.wat)', (a, m, k) => rows.rowSteps(a, lists, m, k, panel)],
    ['pairs (pair-steps.wat)', (a, m, k) => pairs.pairSteps(a, lists, m, k)],
    ['blocks of 4 rows (kernels.wat)', (a, m, k) => blocks.zeroSteps(a, lists, m, k, 8)],
  ];

  console.log(
    `The float products' listings, one MNIST batch repeated against the ${MNIST_CYCLE} batches in turn, ` +
      `operands after ${trained} training steps (FMA builds, one thread), ${rounds} rounds of ${CALLS} calls a side`,
  );
  console.log('| listing | operand | repeated us | fresh us | fresh / repeated |');
  console.log('|---|---|---|---|---|');
  for (const [label, list] of listings) {
    for (const { name, shape, at } of placed) {
      const [m, k] = shape;
      const timeOf = (fresh: boolean) => {
        const times: number[] = [];
        for (let call = 0; call < CALLS; call++) {
          const a = at[fresh ? call % at.length : 0];
          const start = performance.now();
          list(a, m, k);
          times.push((performance.now() - start) * 1000);
        }
        return median(times);
      };
      const [repeated, fresh] = [[], []] as number[][];
      for (let round = 0; round < rounds; round++) {
        // (the order of the two sides turns every round)
        for (const isFresh of round % 2 === 0 ? [false, true] : [true, false])
          (isFresh ? fresh : repeated).push(timeOf(isFresh));
      }
      const [r, f] = [median(repeated), median(fresh)];
      console.log(
        `| ${label} | ${name} [${m}, ${k}] | ${r.toFixed(1)} | ${f.toFixed(1)} | ${(f / r).toFixed(2)} |`,
      );
    }
  }
  console.log(`load average ${loadavg()[0].toFixed(2)}`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
