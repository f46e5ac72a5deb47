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
import { useBackend } from './backends.js';
import { reportSwitchAb, trainingStepsSwitchAb } from './step-switch-ab.js';
import type { NetworkName } from './training-models.js';

async function main() {
  console.log(`backend: ${await useBackend('wasm')}`);
  const [network = 'mlp', data = 'mnist', roundsArg = '40', stepsArg = '4'] = process.argv.slice(2);
  if (network !== 'mlp' && network !== 'lenet5')
    throw new Error(`Unknown network ${network}: mlp or lenet5.`);
  const rounds = Number(roundsArg);
  const count = Number(stepsArg);
  const tensorsBefore = tf.memory().numTensors;
  const { times, batch } = await trainingStepsSwitchAb(
    network as NetworkName,
    data,
    setSimdLoopTestedAtEnd,
    rounds,
    count,
  );
  console.log(`${network} step, batch ${batch}, ${data}: ${rounds} rounds of ${count} steps a side`);
  reportSwitchAb('ms a step', times);
  console.log(`tensors left: ${tf.memory().numTensors - tensorsBefore}`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
