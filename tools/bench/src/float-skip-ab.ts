/**
 * `pnpm --filter @tensorfold/bench float-skip-ab [mlp|lenet5] [mnist|random] [rounds] [steps]`
 *
 * Same-process A/B of the float32 products' zero-step skip (`setFloatZeroSkipEnabled`,
 * @tensorfold/backend's float-zero-skip.ts) on whole training steps of a benchmark network
 * (training-models.ts: the MLP 784-512-256-10 at batch 128, LeNet-5 at 64; Adam): on real MNIST
 * training batches (`mnist`, the default: 8 batches taken in turn; their blank borders are what the
 * skip passes over most) or on uniform random inputs (`random`: no zeros in the input, only the
 * hidden layers' ReLU zeros). `rounds` rounds (default 15, after one warm-up round) of `steps` steps
 * (default 4) a side, the side that runs first changing every round, so that load from other
 * processes hits both alike. Prints each side's median, quartiles and minimum step time, the
 * process's CPU time per step (every thread), the steps skipped per training step, the ratios (> 1:
 * the skip is faster) and the load average. Threads: `TENSORFOLD_WASM_THREADS` (1, 2, ... or auto).
 *
 * With `FLOAT_SKIP_AB=pairs` in the environment, every mode compares the skip with lists per pair of rows
 * (on) against the skip over blocks of 4 rows alone (off) (see {@link ROWS_ONLY}); with
 * `FLOAT_SKIP_AB=rows`, the lists per single row where they pay (on) against the pairs alone (off).
 *
 * `pnpm --filter @tensorfold/bench float-skip-ab products [rounds]`: the skip's cost where there is
 * nothing to skip: each pass of the MLP's (batch 128) and LeNet-5's (batch 64) dense layers
 * (forward with bias and relu, weight gradient `x^T . dy`, input gradient `dy . W^T`) on uniform
 * random operands in [-1, 1) (no zeros), `rounds` rounds (default 20) of {@link CALLS} calls a side,
 * alternating; each product's median wall microseconds per call on each side and the ratio (> 1: the
 * skip is faster), and the ratio of the process's CPU time per call (on one thread the steadier
 * figure under load; on more it counts the workers' waits too).
 *
 * `pnpm --filter @tensorfold/bench float-skip-ab predict [rounds]`: the MLP's float32 forward pass
 * (what issue 18's int8 inference is compared with) on the first 1000 MNIST test digits, skip on
 * and off (see {@link predictions}).
 */

import { loadavg } from 'node:os';
import {
  floatZeroStepsSkipped,
  setFloatPairListsEnabled,
  setFloatRowListsEnabled,
  setFloatZeroSkipEnabled,
} from '@tensorfold/backend/testing';
import { tf } from '@tensorfold/core';
import { loadMnist } from '@tensorfold/data/node';
import { AB_BATCHES, abBatches } from './ab-batches.js';
import { useBackend } from './backends.js';
import { mlpPredictPass } from './mlp-predict-pass.js';
import { medianOf as median } from './steadiness.js';
import { runSwitchAb, type SwitchAbResult, type SwitchSide } from './switch-ab.js';
import { timedMs, timedSteps } from './timed-call.js';
import { TRAINING_INPUT, tensorfoldModel } from './training-models.js';

/**
 * `FLOAT_SKIP_AB=pairs`: both sides skip, "on" walking lists per pair of rows where they pay and "off" only
 * the blocks of 4 rows (`setFloatPairListsEnabled`); otherwise "on" skips (rows and blocks) and "off"
 * multiplies every step.
 */
const ROWS_ONLY = process.env.FLOAT_SKIP_AB === 'pairs';

/** `FLOAT_SKIP_AB=rows`: both sides skip over pairs' lists, "on" over single rows' where they pay too. */
const SINGLE_ROWS = process.env.FLOAT_SKIP_AB === 'rows';

/** Sets the switches for side `on` (true) or `off`. */
function setSide(on: boolean): void {
  if (SINGLE_ROWS) {
    // (the skip and the pairs stay on, untouched: their switches would wake the shapes whose rows rest)
    setFloatRowListsEnabled(on);
    return;
  }
  setFloatZeroSkipEnabled(ROWS_ONLY || on);
  setFloatPairListsEnabled(on);
  setFloatRowListsEnabled(!ROWS_ONLY);
}

/** The `q` quantile of `values` (linear between neighbours). */
function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (at - lo);
}

/** A dense layer as trained: `batch` rows, `units` inputs to `outputs` outputs. */
interface Layer {
  net: string;
  batch: number;
  units: number;
  outputs: number;
  /** Its forward pass has a relu (else a bias alone). */
  relu: boolean;
}

const LAYERS: Layer[] = [
  { net: 'MLP', batch: 128, units: 784, outputs: 512, relu: true },
  { net: 'MLP', batch: 128, units: 512, outputs: 256, relu: true },
  { net: 'MLP', batch: 128, units: 256, outputs: 10, relu: false },
  { net: 'LeNet-5', batch: 64, units: 400, outputs: 120, relu: true },
  { net: 'LeNet-5', batch: 64, units: 120, outputs: 84, relu: true },
];

type Pass = 'forward' | 'dW' | 'dX';

/**
 * The operands' shapes of one pass of `layer`: forward `x [batch, units] . W [units, outputs]` (plus a
 * bias, and relu where the layer has it), weight gradient `x^T . dy` (transposeA), input gradient
 * `dy . W^T` (transposeB).
 */
function passOf({ batch, units, outputs }: Layer, pass: Pass) {
  if (pass === 'forward')
    return { a: [batch, units], b: [units, outputs], transposeA: false, transposeB: false };
  if (pass === 'dW') return { a: [batch, units], b: [batch, outputs], transposeA: true, transposeB: false };
  return { a: [batch, outputs], b: [units, outputs], transposeA: false, transposeB: true };
}

/** Calls a side a round in `products`. */
const CALLS = 40;

async function products(rounds: number): Promise<void> {
  console.log(`backend: ${await useBackend('wasm')}`);
  const loads = [loadavg()[0]];
  console.log(
    '| product (random operands) | skip on (us) | skip off (us) | off / on | CPU off / on |\n|---|---|---|---|---|',
  );
  for (const layer of LAYERS) {
    for (const pass of ['forward', 'dW', 'dX'] as const) {
      await timeProduct(layer, pass, rounds);
      loads.push(loadavg()[0]);
    }
  }
  console.log(`load average (1 min) ${Math.min(...loads).toFixed(2)}-${Math.max(...loads).toFixed(2)}`);
}

/** One pass of `layer` on random operands, skip on and off alternating; prints its row. */
async function timeProduct(layer: Layer, pass: Pass, rounds: number): Promise<void> {
  const { a: aShape, b: bShape, transposeA, transposeB } = passOf(layer, pass);
  const a = tf.randomUniform(aShape, -1, 1, 'float32', 1);
  const b = tf.randomUniform(bShape, -1, 1, 'float32', 2);
  const bias = pass === 'forward' ? tf.randomUniform([layer.outputs], -1, 1, 'float32', 3) : undefined;
  const activation = layer.relu ? 'relu' : 'linear';
  const run = () =>
    tf.tidy(() =>
      bias != null
        ? tf.fused.matMul({ a, b, bias, transposeA, transposeB, activation })
        : tf.matMul(a, b, transposeA, transposeB),
    );
  // microseconds a call, wall and CPU, per round
  const perCall = await runSwitchAb(
    setSide,
    async (calls) => {
      const { wall, cpu } = await timedMs(() => {
        for (let i = 0; i < calls; i++) run().dispose();
      });
      return { wall: (wall * 1000) / calls, cpu: (cpu * 1000) / calls };
    },
    { rounds, steps: CALLS, warmupRounds: 1 },
  );
  tf.dispose([a, b, ...(bias != null ? [bias] : [])]);
  const on = median(perCall.on.map((t) => t.wall));
  const off = median(perCall.off.map((t) => t.wall));
  const cpuRatio = median(perCall.off.map((t) => t.cpu)) / median(perCall.on.map((t) => t.cpu));
  const shapes = `[${aShape}]${transposeA ? '^T' : ''} x [${bShape}]${transposeB ? '^T' : ''}`;
  console.log(
    `| ${layer.net} ${pass} ${shapes} | ${on.toFixed(1)} | ${off.toFixed(1)} | ${(off / on).toFixed(3)} | ${cpuRatio.toFixed(3)} |`,
  );
}

/**
 * The MLP 784-512-256-10's forward pass (random weights, as `fused.matMul` calls: what `predict` runs;
 * mlp-predict-pass.ts) over the first 1000 MNIST test digits in batches of 32, skip on and off
 * alternating, `rounds` rounds: median wall and CPU milliseconds a pass of 1000.
 */
async function predictions(rounds: number): Promise<void> {
  console.log(`backend: ${await useBackend('wasm')}`);
  const test = await loadMnist({ split: 'test', limit: 1000 });
  const x = tf.reshape(test.xs, [1000, 784]) as tf.Tensor2D; // [1000, 784]
  test.dispose();
  const mlp = mlpPredictPass(x, { softmax: true });
  const times = await runSwitchAb(setSide, () => timedMs(() => mlp.run()), {
    rounds,
    steps: 1,
    warmupRounds: 1,
  });
  mlp.dispose();
  x.dispose();
  const [on, off] = [median(times.on.map((t) => t.wall)), median(times.off.map((t) => t.wall))];
  const [cpuOn, cpuOff] = [median(times.on.map((t) => t.cpu)), median(times.off.map((t) => t.cpu))];
  console.log(`MLP forward, 1000 MNIST test digits in batches of 32, ${rounds} rounds a side:`);
  console.log(
    `skip on ${on.toFixed(1)} ms wall (${cpuOn.toFixed(1)} ms CPU), off ${off.toFixed(1)} ms (${cpuOff.toFixed(1)} ms)`,
  );
  console.log(
    `on against off: ${(off / on).toFixed(3)}x wall, ${(cpuOff / cpuOn).toFixed(3)}x CPU; load average ${loadavg()[0].toFixed(2)}`,
  );
}

async function main() {
  if (process.argv[2] === 'products') return products(Number(process.argv[3] ?? '20'));
  if (process.argv[2] === 'predict') return predictions(Number(process.argv[3] ?? '15'));
  const [network = 'mlp', data = 'mnist', roundsArg = '15', stepsArg = '4'] = process.argv.slice(2);
  if (network !== 'mlp' && network !== 'lenet5')
    throw new Error(`Unknown network ${network}: mlp or lenet5.`);
  const rounds = Number(roundsArg);
  const steps = Number(stepsArg);
  console.log(`backend: ${await useBackend('wasm')}`);
  const { batch } = TRAINING_INPUT[network];
  const model = tensorfoldModel(network);
  const batches = await abBatches(network, data, batch);
  const loads = [loadavg()[0]];
  let next = 0;
  /** A round of `count` training steps: each step's wall ms, CPU ms a step, steps of k skipped. */
  const round = async (count: number) => {
    const skippedBefore = floatZeroStepsSkipped();
    const { walls, cpu } = await timedSteps(count, () => {
      const { x, y } = batches[next++ % AB_BATCHES];
      return model.trainOnBatch(x, y);
    });
    loads.push(loadavg()[0]);
    return { walls, cpu, skipped: floatZeroStepsSkipped() - skippedBefore };
  };
  let times: SwitchAbResult<Awaited<ReturnType<typeof round>>>;
  try {
    times = await runSwitchAb(setSide, round, { rounds, steps, warmupRounds: 1 });
  } finally {
    model.dispose();
    for (const { x, y } of batches) tf.dispose([x, y]);
  }
  const wall = { on: times.on.flatMap((t) => t.walls), off: times.off.flatMap((t) => t.walls) };
  const cpu = { on: times.on.map((t) => t.cpu), off: times.off.map((t) => t.cpu) };
  const total = (side: SwitchSide) => times[side].reduce((sum, t) => sum + t.skipped, 0);
  const skipped = { on: total('on'), off: total('off') };
  const fmt = (v: number) => v.toFixed(2);
  console.log(`${network}, batch ${batch}, ${data} inputs: ${rounds} rounds of ${steps} steps a side`);
  console.log(
    '| skip | step ms, median | quartiles | min | process CPU ms per step, median | steps skipped per step |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const side of ['on', 'off'] as const) {
    const w = wall[side];
    console.log(
      `| ${side} | ${fmt(median(w))} | ${fmt(quantile(w, 0.25))}-${fmt(quantile(w, 0.75))} | ${fmt(Math.min(...w))} | ` +
        `${fmt(median(cpu[side]))} | ${Math.round(skipped[side] / (rounds * steps))} |`,
    );
  }
  console.log(
    `on against off: ${(median(wall.off) / median(wall.on)).toFixed(3)}x wall (median), ` +
      `${(Math.min(...wall.off) / Math.min(...wall.on)).toFixed(3)}x (min), ` +
      `${(median(cpu.off) / median(cpu.on)).toFixed(3)}x CPU time; load average (1 min) ` +
      `${Math.min(...loads).toFixed(2)}-${Math.max(...loads).toFixed(2)}`,
  );
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
