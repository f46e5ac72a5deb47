/**
 * `pnpm --filter @tensorfold/bench adam-ab [apply|apply-tiny] [rounds] [calls]`
 * `pnpm --filter @tensorfold/bench adam-ab [mlp|lenet5] [mnist|random] [rounds] [steps]`
 *
 * Same-process A/B of Adam's multi-variable kernel (`setMultiVariableUpdates`, @tensorfold/optim's
 * kernels/multi-variable.ts: every variable of a step in one kernel call) against one kernel call per
 * variable, on WASM, the side that runs first changing every round (so that load from other
 * processes hits both alike), after two warm-up rounds:
 * - `apply`: `applyGradients` of an Adam on the MLP 784-512-256-10's six variables (535,818 weights),
 *   `rounds` rounds (default 40) of `calls` calls (default 20); `apply-tiny`: the same six variables
 *   with 2 to 16 weights each (the dispatch alone);
 * - `mlp`, `lenet5`: whole training steps (training-models.ts, batch 128 or 64, Adam 1e-3) on MNIST's
 *   first training batches (`mnist`, default) or seeded random ones, `rounds` rounds (default 30) of
 *   `steps` steps (default 5).
 * Prints each side's median and quartiles of the round medians (microseconds a call, milliseconds a
 * step), the paired round ratios off/on (> 1: one call for every variable is faster), and the same for
 * the process's CPU time per call (every thread). Threads: `TENSORFOLD_WASM_THREADS` (1, 2, ...).
 */
import { tf } from '@tensorfold/core';
import { adam } from '@tensorfold/optim';
import { setMultiVariableUpdates } from '@tensorfold/optim/testing';
import { AB_BATCHES, abBatches } from './ab-batches.js';
import { useBackend } from './backends.js';
import { medianAndQuartiles, medianOf } from './steadiness.js';
import { runSwitchAb } from './switch-ab.js';
import { timedSteps } from './timed-call.js';
import { TRAINING_INPUT, tensorfoldModel } from './training-models.js';

const SHAPES = [[784, 512], [512], [512, 256], [256], [256, 10], [10]];
/** The same six variables with 4 to 16 weights each: the dispatch alone. */
const TINY_SHAPES = [[4, 4], [4], [4, 2], [2], [2, 5], [5]];

/** Runs the A/B of `run` and prints the summary; `scale` turns milliseconds into the printed unit. */
async function ab(
  label: string,
  run: () => unknown,
  rounds: number,
  steps: number,
  scale: number,
  unit: string,
) {
  const result = await runSwitchAb(
    setMultiVariableUpdates,
    async (count) => {
      const { walls, cpu } = await timedSteps(count, run);
      return { median: medianOf(walls) * scale, cpu: cpu * scale };
    },
    { rounds, steps, warmupRounds: 2 },
  );
  const wall = { off: result.off.map((r) => r.median), on: result.on.map((r) => r.median) };
  const cpu = { off: result.off.map((r) => r.cpu), on: result.on.map((r) => r.cpu) };
  console.log(`${label}; load per core up to ${result.load.toFixed(2)}`);
  console.log(
    `wall ${unit}, median [q1, q3] of round medians: off ${medianAndQuartiles(wall.off, 1)}, on ${medianAndQuartiles(wall.on, 1)}`,
  );
  console.log(
    `wall ratio off/on: ${medianAndQuartiles(
      wall.off.map((off, i) => off / wall.on[i]),
      3,
    )}`,
  );
  console.log(
    `process CPU ${unit} a call: off ${medianAndQuartiles(cpu.off, 1)}, on ${medianAndQuartiles(cpu.on, 1)}; ratio off/on ${medianAndQuartiles(
      cpu.off.map((off, i) => off / cpu.on[i]),
      3,
    )}`,
  );
}

async function applyCase(rounds: number, calls: number, tiny: boolean): Promise<void> {
  const shapes = tiny ? TINY_SHAPES : SHAPES;
  const optimizer = adam({ learningRate: 1e-3 });
  const variables = shapes.map((s, i) => tf.variable(tf.randomNormal(s, 0, 0.05, 'float32', i)));
  const gradients = shapes.map((s, i) => tf.randomNormal(s, 0, 0.01, 'float32', 100 + i));
  const pairs = variables.map((variable, i) => ({ variable, gradient: gradients[i] }));
  try {
    await ab(
      `applyGradients, Adam, ${tiny ? 'six tiny variables (shapes of the MLP / 128)' : 'MLP 784-512-256-10 (6 variables)'}`,
      () => optimizer.applyGradients(pairs),
      rounds,
      calls,
      1000,
      'us',
    );
  } finally {
    tf.dispose([...variables, ...gradients]);
    optimizer.dispose();
  }
}

async function stepCase(network: 'mlp' | 'lenet5', data: string, rounds: number, steps: number) {
  const { batch } = TRAINING_INPUT[network];
  const model = tensorfoldModel(network);
  const batches = await abBatches(network, data, batch);
  let next = 0;
  try {
    await ab(
      `${network} training step, batch ${batch}, ${data}`,
      () => {
        const { x, y } = batches[next++ % AB_BATCHES];
        return model.trainOnBatch(x, y);
      },
      rounds,
      steps,
      1,
      'ms',
    );
  } finally {
    model.dispose();
    for (const { x, y } of batches) tf.dispose([x, y]);
  }
}

async function main() {
  const args = process.argv.slice(2);
  console.log(`backend: ${await useBackend('wasm')}`);
  if (args[0] === 'apply' || args[0] === 'apply-tiny')
    return applyCase(Number(args[1] ?? '40'), Number(args[2] ?? '20'), args[0] === 'apply-tiny');
  const [network = 'mlp', data = 'mnist', rounds = '30', steps = '5'] = args;
  if (network !== 'mlp' && network !== 'lenet5')
    throw new Error(`Unknown case ${network}: apply, mlp or lenet5.`);
  return stepCase(network, data, Number(rounds), Number(steps));
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error instanceof Error ? error.stack : error);
    process.exit(1);
  },
);
