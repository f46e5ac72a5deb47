/**
 * `FLOAT_SKIP_AB=pairs pnpm --filter @tensorfold/bench float-skip-ab ...` compares whole steps; this
 * times the MLP 784-512-256-10's five large products one by one on operands shaped like a training
 * step's on MNIST (the first MNIST training batch of 128, Glorot-uniform weights, ReLU's zeros in the hidden layers
 * and in their gradients), lists per pair of rows on against off (blocks of 4 rows only), alternating; median wall
 * and process CPU microseconds per call (on one thread CPU time is the steadier figure under load).
 *
 * The lists per single row (row-steps.wat), which would take some of these products from the pairs,
 * are off on both sides (`row-lists-products` times them against the pairs kernel against kernel).
 * With `PAIR_LISTS_SWITCH=rows` the switch is theirs instead: the rows' lists where they pay (on)
 * against the pairs alone (off), the pairs on both sides, each product as the backend runs it.
 *
 * On the pool (`TENSORFOLD_WASM_THREADS=2`: these products pass the crossover) the rows' switch times
 * the pool's rows where it has them (wip/pool-rows measured its threaded-row-wide.wat, not landed:
 * BENCHMARKS.md) against its pairs, each with its preparation and copies; without them both sides run
 * the pairs. The last column counts the calls on the `on` side that walked the wide rows (one
 * thread's or the pool's). `POOL_PREP=calling|job|before`: where the pool prepares its operands.
 * `--trained steps`: the operands after that many steps of the suite's MLP training on MNIST
 * (trained-mlp-operands.ts), where the shares are those of steady training. Each product repeats one
 * batch's operands, whose branches the predictor learns (listings-fresh times the listings on fresh
 * batches too).
 *
 * `pnpm --filter @tensorfold/bench pair-lists-products [rounds] [--trained steps]`
 */
import { loadavg } from 'node:os';
import {
  floatWideRowWalks,
  poolInternals,
  setFloatPairListsEnabled,
  setFloatRowListsEnabled,
  setFloatZeroSkipEnabled,
} from '@tensorfold/backend/testing';
import { tf } from '@tensorfold/core';
import { useBackend } from './backends.js';
import { mlpOperands } from './mlp-operands.js';
import { medianOf as median } from './steadiness.js';
import { runSwitchAb } from './switch-ab.js';
import { timedMs } from './timed-call.js';
import { trainedMlpOperands, trainedOption } from './trained-mlp-operands.js';

const CALLS = 20;

/** `PAIR_LISTS_SWITCH=rows`: the rows' lists on against off, the pairs on both sides. */
const ROWS = process.env.PAIR_LISTS_SWITCH === 'rows';

async function main() {
  const { steps: trainedSteps, rest } = trainedOption(process.argv.slice(2));
  const rounds = Number(rest[0] ?? '15');
  console.log(`backend: ${await useBackend('wasm')}`);
  // POOL_PREP=calling|job|before: where the pool's products prepare their operands (default job)
  const prep = process.env.POOL_PREP;
  if (prep === 'calling' || prep === 'job' || prep === 'before') poolInternals.setPoolPrep(prep);
  setFloatRowListsEnabled(false); // (the pairs, not the rows' lists that may run instead)
  const side = ROWS ? setFloatRowListsEnabled : setFloatPairListsEnabled;
  const switched = ROWS ? 'rows' : 'pairs';
  const tensorsBefore = tf.memory().numTensors;
  const operands = trainedSteps === 0 ? await mlpOperands() : await trainedMlpOperands('mnist', trainedSteps);
  console.log(
    `operands ${trainedSteps === 0 ? 'at initialization' : `after ${trainedSteps} training steps`}`,
  );
  const { x, w1, w2, h1, h2, dy1, dy2 } = operands;
  const zeros = (t: tf.Tensor) => (t.dataSync() as Float32Array).filter((v) => v === 0).length / t.size;
  console.log(
    `zeros: x ${zeros(x).toFixed(2)}, h1 ${zeros(h1).toFixed(2)}, h2 ${zeros(h2).toFixed(2)}, dy2 ${zeros(dy2).toFixed(2)}`,
  );
  const products: Array<[string, () => tf.Tensor]> = [
    ['forward x . W1', () => tf.matMul(x, w1)],
    ['dW1 x^T . dy1', () => tf.matMul(x, dy1, true, false)],
    ['forward h1 . W2', () => tf.matMul(h1, w2)],
    ['dW2 h1^T . dy2', () => tf.matMul(h1, dy2, true, false)],
    ['dX2 dy2 . W2^T', () => tf.matMul(dy2, w2, false, true)],
  ];
  console.log(
    `| product | ${switched} on: wall (CPU) us | ${switched} off | off / on: wall (CPU) | wide-row walks on |\n|---|---|---|---|---|`,
  );
  for (const [name, run] of products) {
    // microseconds a call, wall and CPU, per round
    let walks = 0;
    let onCalls = 0;
    let sideOn = false;
    const perCall = await runSwitchAb(
      (on) => {
        sideOn = on;
        side(on);
      },
      async (calls) => {
        const before = floatWideRowWalks();
        const { wall, cpu } = await timedMs(() => {
          for (let i = 0; i < calls; i++) run().dispose();
        });
        if (sideOn) {
          walks += floatWideRowWalks() - before;
          onCalls += calls;
        }
        return { wall: (wall * 1000) / calls, cpu: (cpu * 1000) / calls };
      },
      { rounds, steps: CALLS, warmupRounds: 1 },
    );
    const [on, off] = [median(perCall.on.map((t) => t.wall)), median(perCall.off.map((t) => t.wall))];
    const [cpuOn, cpuOff] = [median(perCall.on.map((t) => t.cpu)), median(perCall.off.map((t) => t.cpu))];
    console.log(
      `| ${name} | ${on.toFixed(0)} (${cpuOn.toFixed(0)}) | ${off.toFixed(0)} (${cpuOff.toFixed(0)}) | ${(off / on).toFixed(3)} (${(cpuOff / cpuOn).toFixed(3)}) | ${walks}/${onCalls} |`,
    );
  }
  setFloatZeroSkipEnabled(true);
  setFloatPairListsEnabled(true);
  setFloatRowListsEnabled(true);
  operands.dispose();
  console.log(
    `load average ${loadavg()[0].toFixed(2)}; tensors left: ${tf.memory().numTensors - tensorsBefore}`,
  );
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
