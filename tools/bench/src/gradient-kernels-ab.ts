/**
 * Same-process A/B of waves 17 and 18's changes to the MLP step's small work (issue 22): a mean's
 * gradient in one kernel (core's `MEAN_GRAD`), a relu layer's mask with its bias's column sums in one
 * pass (`RELU_GRAD_SUMS`), Adam passing over weights whose gradient and moments are all +0 (optim's
 * `zeroStateKept`), and the compiled cross-entropy's batch mean in one kernel forward and one backward
 * (core's `PROBABILITIES_CROSSENTROPY_MEAN`, `ce-mean`). On: the switch(es) on, as by default; off: as
 * before. Sides alternated every round
 * (`runSwitchAb`); the same bits either way.
 *
 * `TENSORFOLD_WASM_THREADS=1 pnpm --filter @tensorfold/bench gradient-kernels-ab [all|mean|relu-sums|adam-skip|ce-mean] [mlp|lenet5] [mnist|random] [rounds] [steps] [--sparse]`:
 * per side the step's wall ms (median [quartiles] over the rounds' medians) and CPU ms a step, and the
 * per-round ratios off / on (> 1: on is faster). Defaults: all, mlp, mnist, 40 rounds of 8 steps.
 * `--sparse`: the loss is sparse categorical cross-entropy on class ids (the CLI's), not categorical
 * on one-hot targets (the suite's).
 */
import { tf } from '@tensorfold/core';
import {
  setCrossentropyMeanKernelEnabled,
  setMeanGradKernelEnabled,
  setReluGradSumsEnabled,
} from '@tensorfold/core/testing';
import { setZeroStateSkipped } from '@tensorfold/optim/testing';
import { useBackend } from './backends.js';
import { reportSwitchAb, trainingStepsSwitchAb } from './step-switch-ab.js';
import type { NetworkName } from './training-models.js';

const SWITCHES: Record<string, Array<(on: boolean) => void>> = {
  mean: [setMeanGradKernelEnabled],
  'relu-sums': [setReluGradSumsEnabled],
  'adam-skip': [setZeroStateSkipped],
  'ce-mean': [setCrossentropyMeanKernelEnabled],
};
SWITCHES.all = Object.values(SWITCHES).flat();

async function main() {
  console.log(`backend: ${await useBackend('wasm')}`);
  const args = process.argv.slice(2).filter((a) => a !== '--sparse');
  const loss = process.argv.includes('--sparse') ? 'sparse' : 'categorical';
  const [which = 'all', network = 'mlp', data = 'mnist', roundsArg = '40', stepsArg = '8'] = args;
  const switches = SWITCHES[which];
  if (switches == null) throw new Error(`Unknown switch ${which}: ${Object.keys(SWITCHES).join(', ')}.`);
  if (network !== 'mlp' && network !== 'lenet5')
    throw new Error(`Unknown network ${network}: mlp or lenet5.`);
  const rounds = Number(roundsArg);
  const count = Number(stepsArg);
  const tensorsBefore = tf.memory().numTensors;
  const set = (on: boolean) => {
    for (const s of switches) s(on);
  };
  try {
    const { times, batch } = await trainingStepsSwitchAb(
      network as NetworkName,
      data,
      set,
      rounds,
      count,
      loss,
    );
    console.log(
      `${which}: ${network} step, batch ${batch}, ${data}, ${loss} cross-entropy: ${rounds} rounds of ${count} steps a side`,
    );
    reportSwitchAb('ms a step', times);
  } finally {
    set(true);
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
