/**
 * Same-process A/B of the order of the optimizer's updates (issue 22, wip/step-gap): Adam's six
 * variables updated last to first (`setUpdateOrderReversed(true)`, on: the first layer's weights
 * updated last, nearest the next step's first product) against first to last (off). Sides alternated
 * every round (`runSwitchAb`).
 *
 * `TENSORFOLD_WASM_THREADS=1 pnpm --filter @tensorfold/bench update-order-ab [mlp|lenet5] [mnist|random] [rounds] [steps]`:
 * whole training steps (batch 128 or 64, Adam; 8 batches in turn): per side the step's wall ms
 * (median [quartiles] over all steps) and CPU ms a step (median [quartiles] over rounds), and the
 * per-round ratio off / on of CPU and of the round's median wall (median [quartiles]; > 1: on is faster).
 */

import { tf } from '@tensorfold/core';
import { setUpdateOrderReversed } from '@tensorfold/optim/testing';
import { AB_BATCHES, abBatches } from './ab-batches.js';
import { useBackend } from './backends.js';
import { medianAndQuartiles, medianOf } from './steadiness.js';
import { runSwitchAb } from './switch-ab.js';
import { timedSteps } from './timed-call.js';
import { type NetworkName, TRAINING_INPUT, tensorfoldModel } from './training-models.js';

async function main() {
  console.log(`backend: ${await useBackend('wasm')}`);
  const [network = 'mlp', data = 'mnist', roundsArg = '30', stepsArg = '8'] = process.argv.slice(2);
  if (network !== 'mlp' && network !== 'lenet5')
    throw new Error(`Unknown network ${network}: mlp or lenet5.`);
  if (data !== 'mnist' && data !== 'random') throw new Error(`Unknown data ${data}: mnist or random.`);
  const rounds = Number(roundsArg);
  const count = Number(stepsArg);
  const { batch } = TRAINING_INPUT[network as NetworkName];
  const model = tensorfoldModel(network as NetworkName);
  const batches = await abBatches(network as NetworkName, data, batch);
  let next = 0;
  try {
    const times = await runSwitchAb(
      (on) => setUpdateOrderReversed(on),
      async (n) => {
        const { walls, cpu } = await timedSteps(n, () => {
          const { x, y } = batches[next++ % AB_BATCHES];
          return model.trainOnBatch(x, y);
        });
        return { wall: medianOf(walls), cpu, walls };
      },
      { rounds, steps: count, warmupRounds: 1 },
    );
    console.log(`${network} step, batch ${batch}, ${data}: ${rounds} rounds of ${count} steps a side`);
    for (const side of ['on', 'off'] as const)
      console.log(
        `${side}: wall ${medianAndQuartiles(
          times[side].flatMap((t) => t.walls),
          3,
        )} ms a step, CPU ${medianAndQuartiles(
          times[side].map((t) => t.cpu),
          3,
        )} ms a step`,
      );
    const ratio = (key: 'wall' | 'cpu') => times.off.map((t, i) => t[key] / times.on[i][key]);
    console.log(
      `off / on per round: CPU ${medianAndQuartiles(ratio('cpu'), 3)}, wall ${medianAndQuartiles(ratio('wall'), 3)}; ` +
        `load per core up to ${times.load.toFixed(2)}`,
    );
  } finally {
    setUpdateOrderReversed(false);
    model.dispose();
    for (const { x, y } of batches) tf.dispose([x, y]);
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
