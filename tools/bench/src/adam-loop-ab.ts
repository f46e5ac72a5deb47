/**
 * Same-process A/B of the fused optimizer rules' SIMD loop form (wip/codegen): the loop tested at the
 * end of each turn (`setSimdLoopTestedAtEnd(true)`, on, the default: V8 hoists the coefficients'
 * splats out of it) against tested at the top (off, the form before: 5 splats a turn in Adam's loop).
 * Sides alternated every round (`runSwitchAb`).
 *
 * `TENSORFOLD_WASM_THREADS=1 pnpm --filter @tensorfold/bench adam-loop-ab [mlp|lenet5] [mnist|random] [rounds] [steps]`:
 * whole training steps (Adam; 8 batches in turn): per side the step's wall ms (median [quartiles] over
 * the rounds' medians) and CPU ms a step, and the per-round ratios off / on (> 1: on is faster). The
 * update runs on the calling thread whatever `TENSORFOLD_WASM_THREADS` says; the products use the pool.
 * Defaults: mlp, mnist, 40 rounds of 4 steps.
 */

import { tf } from '@tensorfold/core';
import { setSimdLoopTestedAtEnd } from '@tensorfold/optim/testing';
import { AB_BATCHES, abBatches } from './ab-batches.js';
import { useBackend } from './backends.js';
import { medianAndQuartiles, medianOf } from './steadiness.js';
import { runSwitchAb } from './switch-ab.js';
import { timedSteps } from './timed-call.js';
import { type NetworkName, TRAINING_INPUT, tensorfoldModel } from './training-models.js';

async function main() {
  console.log(`backend: ${await useBackend('wasm')}`);
  const [network = 'mlp', data = 'mnist', roundsArg = '40', stepsArg = '4'] = process.argv.slice(2);
  if (network !== 'mlp' && network !== 'lenet5')
    throw new Error(`Unknown network ${network}: mlp or lenet5.`);
  const rounds = Number(roundsArg);
  const count = Number(stepsArg);
  const { batch } = TRAINING_INPUT[network as NetworkName];
  const tensorsBefore = tf.memory().numTensors;
  const model = tensorfoldModel(network as NetworkName);
  const batches = await abBatches(network as NetworkName, data, batch);
  let next = 0;
  try {
    const times = await runSwitchAb(
      setSimdLoopTestedAtEnd,
      async (n) => {
        const { walls, cpu } = await timedSteps(n, () => {
          const { x, y } = batches[next++ % AB_BATCHES];
          return model.trainOnBatch(x, y);
        });
        return { wall: medianOf(walls), cpu };
      },
      { rounds, steps: count, warmupRounds: 2 },
    );
    console.log(`${network} step, batch ${batch}, ${data}: ${rounds} rounds of ${count} steps a side`);
    for (const side of ['on', 'off'] as const) {
      const wall = medianAndQuartiles(
        times[side].map((t) => t.wall),
        3,
      );
      const cpu = medianAndQuartiles(
        times[side].map((t) => t.cpu),
        3,
      );
      console.log(`${side}: wall ${wall} ms a step, CPU ${cpu} ms a step`);
    }
    const ratio = (key: 'wall' | 'cpu') => times.off.map((t, i) => t[key] / times.on[i][key]);
    console.log(
      `off / on per round: wall ${medianAndQuartiles(ratio('wall'), 3)}, CPU ${medianAndQuartiles(ratio('cpu'), 3)}; ` +
        `load per core up to ${times.load.toFixed(2)}`,
    );
  } finally {
    model.dispose();
    for (const { x, y } of batches) tf.dispose([x, y]);
  }
  console.log(`tensors left: ${tf.memory().numTensors - tensorsBefore}`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
