/**
 * `pnpm --filter @tensorfold/bench row-lists-products [mnist|random] [rounds] [--trained steps]`
 *
 * The one-thread products over lists per single row, 16 columns a step (row-steps.wat) and 32
 * (row-wide.wat), against those per pair of rows (pair-steps.wat), kernel against kernel, on the MLP
 * 784-512-256-10's five large products as a training step on MNIST (or uniform random pixels) sees
 * them: at initialization (mlp-operands.ts), or with `--trained steps` after that many steps of the
 * suite's training (trained-mlp-operands.ts; the rows' share against the pairs' moves as it trains).
 * The three modules' FMA builds on one fresh WebAssembly memory of their own (no backend, no
 * threshold: each side lists and walks every call), `rounds` rounds (default 30) of 10 calls a side,
 * alternating (the order turns each round). Per product: the share of steps each lists (a row's of
 * `m k`, a pair's of `m / 2 k`), their ratio (what float-zero-skip.ts's bounds weigh), each side's
 * median microseconds a call (listing included), the median ratio of the rounds, pairs / rows and
 * pairs / wide rows (> 1: the rows are faster), and whether the three outputs hold the same bits
 * (they must). Needs Node's relaxed SIMD (the script's node flag). Each side lists and walks one
 * batch's operands call after call, which the branch predictor learns: a listing or walk that
 * branches on the data costs more in training, where every step brings a new batch (listings-fresh
 * times the listings both ways).
 */
import { loadavg } from 'node:os';
import type { PairStepKernels, RowStepKernels } from '@tensorfold/backend/testing';
import { tf } from '@tensorfold/core';
import { useBackend } from './backends.js';
import { floatPlacer, fmaInstance } from './fma-builds.js';
import { mlpOperands } from './mlp-operands.js';
import { medianOf as median } from './steadiness.js';
import { trainedMlpOperands, trainedOption } from './trained-mlp-operands.js';

const CALLS = 10;

async function main() {
  const { steps: trainedSteps, rest } = trainedOption(process.argv.slice(2));
  const [data = 'mnist', roundsArg = '30'] = rest;
  if (data !== 'mnist' && data !== 'random') throw new Error(`Pass mnist or random, not ${data}.`);
  const rounds = Number(roundsArg);
  await useBackend('wasm'); // (the operands are built with tfjs; the kernels run below)
  const operands =
    trainedSteps === 0 ? await mlpOperands(data) : await trainedMlpOperands(data, trainedSteps);
  const read = (t: tf.Tensor) => Float32Array.from(t.dataSync());
  const transposed = (t: tf.Tensor2D) => tf.tidy(() => read(tf.transpose(t)));
  const [x, w1, w2, h1, dy1, dy2] = [
    operands.x,
    operands.w1,
    operands.w2,
    operands.h1,
    operands.dy1,
    operands.dy2,
  ].map(read);
  const [xT, h1T] = [transposed(operands.x), transposed(operands.h1)];
  operands.dispose();

  const memory = new WebAssembly.Memory({ initial: 2048 }); // 128 MiB
  const instance = <T>(name: string) => fmaInstance<T>(name, memory);
  const rows = instance<RowStepKernels>('row-steps');
  const wide = instance<RowStepKernels>('row-wide');
  const pairs = instance<PairStepKernels>('pair-steps');
  const { place, room } = floatPlacer(memory);
  // [name, a, b (or bT), m, k, n, flags: 1 where b is given transposed]
  const products: [string, number, number, number, number, number, number][] = [
    ['forward x . W1', place(x), place(w1), 128, 784, 512, 0],
    ['dW1 = x^T . dy1', place(xT), place(dy1), 784, 128, 512, 0],
    ['forward h1 . W2', place(h1), place(w2), 128, 512, 256, 0],
    ['dW2 = h1^T . dy2', place(h1T), place(dy2), 512, 128, 256, 0],
    ['dh1 = dy2 . W2^T', place(dy2), place(w2), 128, 256, 512, 1],
  ];
  const [outRows, outPairs] = [room(784 * 512), room(784 * 512)];
  const every = room(1024);
  const outWide = room(784 * 512);
  const panel = room(784 * 32 + 32);
  const lists = room(2 * 784 * 512 + 8 * 784); // (the wide rows' headers: 4 blocks of 256 steps a row at most)
  const runRows = ([, a, b, m, k, n, flags]: (typeof products)[number]) => {
    const listed = rows.rowSteps(a, lists, m, k, panel);
    rows.matMulRows(a, b, outRows, m, k, n, lists, panel, flags);
    return listed;
  };
  const runWide = ([, a, b, m, k, n, flags]: (typeof products)[number]) => {
    const listed = wide.rowSteps(a, lists, m, k, panel);
    wide.matMulRows(a, b, outWide, m, k, n, lists, panel, flags);
    return listed;
  };
  const runPairs = ([, a, b, m, k, n, flags]: (typeof products)[number]) => {
    const listed = pairs.pairSteps(a, lists, m, k);
    pairs.matMulPairs(a, b, outPairs, m, k, n, lists, every, panel, flags);
    return listed;
  };
  const state = trainedSteps === 0 ? 'at initialization' : `after ${trainedSteps} training steps`;
  console.log(
    `row-steps.wat and row-wide.wat against pair-steps.wat (FMA builds, one thread), ${data} operands ${state}, ` +
      `${rounds} rounds of ${CALLS} calls`,
  );
  console.log(
    '| product | row share | pair share | ratio | pairs us | rows us | wide us | pairs / rows | pairs / wide | same bits |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const product of products) {
    const [name, , , m, k, n] = product;
    const rowShare = runRows(product) / (m * k);
    const pairShare = rows.pairUnion() / ((m / 2) * k);
    runPairs(product);
    runWide(product);
    const bytes = (at: number) => Buffer.from(memory.buffer, at, m * n * 4);
    const same = bytes(outRows).equals(bytes(outPairs)) && bytes(outWide).equals(bytes(outPairs));
    const timeOf = (run: typeof runRows) => {
      const start = performance.now();
      for (let call = 0; call < CALLS; call++) run(product);
      return ((performance.now() - start) * 1000) / CALLS;
    };
    const [pairTimes, rowTimes, wideTimes, ratios, wideRatios] = [[], [], [], [], []] as number[][];
    const sides = [runPairs, runRows, runWide];
    for (let round = 0; round < rounds; round++) {
      // (the order of the three sides turns every round)
      const times = [0, 0, 0];
      for (let i = 0; i < 3; i++) {
        const side = (round + i) % 3;
        times[side] = timeOf(sides[side]);
      }
      const [pairTime, rowTime, wideTime] = times;
      pairTimes.push(pairTime);
      rowTimes.push(rowTime);
      wideTimes.push(wideTime);
      ratios.push(pairTime / rowTime);
      wideRatios.push(pairTime / wideTime);
    }
    console.log(
      `| ${name} | ${rowShare.toFixed(3)} | ${pairShare.toFixed(3)} | ${(rowShare / pairShare).toFixed(3)} | ` +
        `${median(pairTimes).toFixed(0)} | ${median(rowTimes).toFixed(0)} | ${median(wideTimes).toFixed(0)} | ` +
        `${median(ratios).toFixed(3)} | ${median(wideRatios).toFixed(3)} | ${same} |`,
    );
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
