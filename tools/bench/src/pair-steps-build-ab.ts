/**
 * Same-process A/B of two builds of the one-thread pairs' product (pair-steps.wat, wip/codegen): this
 * checkout's module (on) against the same file at git revision REV (off; default `3f9fc96`, main
 * before wip/codegen), its `;; @include` lines expanded from REV's fragments and its FMA build made as
 * compile-simd-kernels.mjs makes it (fused-multiply-adds.mjs, wabt), swapped in with
 * `setPairStepsModule`. Sides alternated every round (`runSwitchAb`). The lists per single row
 * (row-steps.wat) are off on both sides: where they pay (the MLP's `x . W1` on MNIST) they would run
 * instead of either build of the pairs, and the A/B would time them against themselves.
 *
 * `TENSORFOLD_WASM_THREADS=1 pnpm --filter @tensorfold/bench pair-steps-build-ab [REV] [mlp|lenet5] [mnist|random] [rounds] [steps]`:
 * whole training steps (Adam; 8 batches in turn): per side the step's wall ms (median [quartiles]
 * over the rounds' medians) and CPU ms a step, and the per-round ratios off / on (> 1: this build is
 * faster). `product` instead of a network: the MLP's `x . W1` alone (`[128, 784] . [784, 512]`, x the
 * first 128 MNIST training digits), 10 calls a round. Defaults: mlp, mnist, 40 rounds of 4 steps.
 */
import { setFloatRowListsEnabled, setPairStepsModule } from '@tensorfold/backend/testing';
import { tf } from '@tensorfold/core';
import { loadMnist } from '@tensorfold/data/node';
// the compile script's own include expansion and FMA rewrite
import { fusedMultiplyAdds } from '../../../packages/backend/scripts/fused-multiply-adds.mjs';
import { useBackend } from './backends.js';
import { reportSwitchAb, trainingStepsSwitchAb } from './step-switch-ab.js';
import { runSwitchAb } from './switch-ab.js';
import { timedMs } from './timed-call.js';
import type { NetworkName } from './training-models.js';
import { compileWat, loadWabt, sourceAt } from './wat-builds.js';

const WAT = 'pair-steps.wat';

/** The FMA build of pair-steps.wat at `rev` (its fragments unpacked from `rev` to a temporary folder). */
async function buildAt(rev: string): Promise<Uint8Array<ArrayBuffer>> {
  return compileWat(await loadWabt(), WAT, fusedMultiplyAdds(sourceAt(rev, WAT)).text);
}

async function main() {
  console.log(`backend: ${await useBackend('wasm')}`);
  setFloatRowListsEnabled(false); // (the pairs' builds, not the rows')
  const [rev = '3f9fc96', network = 'mlp', data = 'mnist', roundsArg = '40', stepsArg = '4'] =
    process.argv.slice(2);
  const rounds = Number(roundsArg);
  const before = await buildAt(rev);
  const set = (on: boolean) => setPairStepsModule(on ? null : before);
  const tensorsBefore = tf.memory().numTensors;
  if (network === 'product') {
    const train = await loadMnist({ split: 'train', limit: 128, oneHot: true });
    const x = train.xs.reshape([128, 784]); // [128, 784]
    const w1 = tf.randomUniform([784, 512], -0.08, 0.08, 'float32', 1); // [784, 512]
    const outs = [false, true].map((on) => {
      set(on);
      return tf.matMul(x, w1);
    });
    const same = tf.tidy(() => tf.all(tf.equal(outs[0], outs[1])).dataSync()[0] === 1);
    const times = await runSwitchAb(
      set,
      async (calls) => {
        const { wall, cpu } = await timedMs(() => {
          for (let i = 0; i < calls; i++) tf.matMul(x, w1).dispose();
        });
        return { wall: (wall * 1000) / calls, cpu: (cpu * 1000) / calls };
      },
      { rounds, steps: 10, warmupRounds: 2 },
    );
    console.log(
      `x . W1 [128,784] . [784,512], MNIST x, ${rev} (off) against this build (on); same values: ${same}`,
    );
    reportSwitchAb('us a call', times);
    tf.dispose([train.xs, train.ys, x, w1, ...outs]);
  } else {
    if (network !== 'mlp' && network !== 'lenet5')
      throw new Error(`Unknown network ${network}: mlp, lenet5 or product.`);
    const { times, batch } = await trainingStepsSwitchAb(
      network as NetworkName,
      data,
      set,
      rounds,
      Number(stepsArg),
    );
    console.log(
      `${network} step, batch ${batch}, ${data}: ${rev} (off) against this build (on), ${rounds} rounds of ${stepsArg} steps`,
    );
    reportSwitchAb('ms a step', times);
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
