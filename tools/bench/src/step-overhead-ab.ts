/**
 * `pnpm --filter @tensorfold/bench step-overhead-ab [mlp|lenet5] [inplace|transpose|padrows|narrowsums|all] [rounds] [steps]`
 *
 * Same-process A/B of branch wip/step-overhead's changes to the non-product part of a training step
 * (training-models.ts: the MLP 784-512-256-10 at batch 128 or LeNet-5 at 64, Adam 1e-3). `inplace`:
 * fused optimizer updates written over the variable and its slots (@tensorfold/optim's
 * kernels/in-place.ts; off: three new buffers per variable, as before); `transpose`: transposes of the
 * last two axes (those around the products) by SIMD blocks (@tensorfold/backend's
 * kernels/swap-last-axes.ts; off: the stock kernel); `padrows`: the width padding before a first
 * convolution layer's filter gradient in WASM (@tensorfold/backend's simd/data-movement.wat padRows; off: a
 * JavaScript loop); `narrowsums`: sums over leading axes of 8 or 16 columns in registers (a
 * convolution's bias gradient; simd/column-sums.wat's `columnSumsNarrow`; off: row by row); `all`:
 * the four. Each of `rounds` rounds
 * (default 30, after two warm-up rounds) runs `steps` steps (default 5) with the switch off, then on
 * (the order swaps every round, so load from other processes hits both sides alike), and keeps each
 * side's median step. Prints each side's median and quartiles of those round medians, and the median
 * and quartiles of the round-by-round ratios off/on (> 1: the switch on is faster); the same for the
 * process's CPU time per step (every thread: what the switch costs in CPU, which other processes'
 * load barely moves).
 * Thread count: `TENSORFOLD_WASM_THREADS=1` (or 2) as for every WASM run.
 */
import {
  setNarrowColumnSumsEnabled,
  setPadRowsEnabled,
  setSwapLastAxesEnabled,
} from '@tensorfold/backend/testing';
import { setInPlaceUpdates } from '@tensorfold/optim/testing';
import { useBackend } from './backends.js';
import { medianAndQuartiles, medianOf } from './steadiness.js';
import { runSwitchAb, type SwitchAbResult } from './switch-ab.js';
import { timedSteps } from './timed-call.js';
import { batchAt, disposeBatches, randomBatches } from './training-data.js';
import { TRAINING_INPUT, tensorfoldModel } from './training-models.js';

const SWITCHES: Record<string, (on: boolean) => void> = {
  inplace: setInPlaceUpdates,
  transpose: setSwapLastAxesEnabled,
  padrows: setPadRowsEnabled,
  narrowsums: setNarrowColumnSumsEnabled,
  all: (on) => {
    setInPlaceUpdates(on);
    setSwapLastAxesEnabled(on);
    setPadRowsEnabled(on);
    setNarrowColumnSumsEnabled(on);
  },
};

async function main() {
  const [network = 'mlp', name = 'inplace', roundsArg = '30', stepsArg = '5'] = process.argv.slice(2);
  if (network !== 'mlp' && network !== 'lenet5')
    throw new Error(`Unknown network ${network}: mlp or lenet5.`);
  const setSwitch = SWITCHES[name];
  if (setSwitch == null) throw new Error(`Unknown switch ${name}: ${Object.keys(SWITCHES).join(', ')}.`);
  const rounds = Number(roundsArg);
  const steps = Number(stepsArg);
  console.log(
    `backend: ${await useBackend('wasm')}; ${network}, switch ${name}, ${rounds} rounds of ${steps} steps`,
  );
  const { batch, inputShape } = TRAINING_INPUT[network];
  const model = tensorfoldModel(network);
  // the suite's seeded random batch: [batch, 784] or [batch, 28, 28, 1]; one-hot labels [batch, 10]
  const data = randomBatches(batch, inputShape);
  const { x, y } = batchAt(data, 0);
  // Per round: the median step (ms), and the CPU time of the whole process (every thread) per step,
  // which other processes barely move.
  const round = async (count: number) => {
    const { walls, cpu } = await timedSteps(count, () => model.trainOnBatch(x, y));
    return { median: medianOf(walls), cpu };
  };
  let result: SwitchAbResult<Awaited<ReturnType<typeof round>>>;
  try {
    result = await runSwitchAb(setSwitch, round, { rounds, steps, warmupRounds: 2 });
  } finally {
    model.dispose();
    disposeBatches(data);
  }
  const medians = { on: result.on.map((r) => r.median), off: result.off.map((r) => r.median) };
  const cpu = { on: result.on.map((r) => r.cpu), off: result.off.map((r) => r.cpu) };
  const ratios = medians.off.map((off, i) => off / medians.on[i]);
  console.log(
    `step ms, median [q1, q3] of round medians: off ${medianAndQuartiles(medians.off, 3)}, on ${medianAndQuartiles(medians.on, 3)}`,
  );
  console.log(`ratio off/on, median [q1, q3] of ${ratios.length} rounds: ${medianAndQuartiles(ratios, 3)}`);
  const cpuRatios = cpu.off.map((off, i) => off / cpu.on[i]);
  console.log(
    `process CPU ms per step, median [q1, q3]: off ${medianAndQuartiles(cpu.off, 3)}, on ${medianAndQuartiles(cpu.on, 3)}`,
  );
  console.log(`CPU ratio off/on, median [q1, q3]: ${medianAndQuartiles(cpuRatios, 3)}`);
  console.log(
    `samples/s on: ${((batch * 1000) / medianOf(medians.on)).toFixed(0)}, off: ${((batch * 1000) / medianOf(medians.off)).toFixed(0)}`,
  );
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
