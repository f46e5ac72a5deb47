/**
 * `pnpm --filter @tensorfold/bench fit-ab [gather|fusedconv|fuseddense|all|mlptrain|ce-mean|accuracy|wave18] [rounds] [samples]`
 *
 * Same-process A/B of one switch on `fit` as the CLI's `train lenet5` runs it: models-cnn's LeNet-5,
 * Adam 1e-3, sparse categorical cross-entropy with the accuracy metric, batch 64, shuffled, on
 * `samples` random 28x28 images (default 6,400: 100 steps). Each round fits one epoch with the switch
 * off and one with it on, the first side alternating between rounds (switch-ab.ts; `rounds` rounds,
 * default 6, after one warm-up round each), so that load from other processes and the order hit both
 * alike. Prints each side's median samples/s and process CPU time
 * per step (every thread), and the ratios (> 1: the switch on is faster).
 *
 * Switches: `gather` the WASM GatherV2 by slices (@tensorfold/backend's gather-rows.ts; off: stock's,
 * which draws each shuffled batch), `fusedconv` convolutions trained through one FusedConv2D
 * (@tensorfold/layers' training-fused-conv.ts; off: conv2d, bias add and relu as their own ops),
 * `fuseddense` dense layers trained through one _FusedMatMul (training-fused-dense.ts), `all` the three
 * together (off: as before branch wip/lenet-step), `mlptrain` branch wip/mlp-train's changes (the loss added
 * to the epoch's mean on the host, softmax's gradient as one kernel; the categorical cross-entropy kernel
 * too, which this sparse loss does not reach; off: as before it), `ce-mean` the sparse loss's batch mean in
 * one kernel each way (core's SPARSE_CROSSENTROPY_MEAN), `accuracy` the accuracy metric's update in one
 * kernel (core's SPARSE_ACCURACY_UPDATE), `wave18` those two together.
 */
import { setGatherRowsEnabled } from '@tensorfold/backend/testing';
import { tf } from '@tensorfold/core';
import {
  setCrossentropyMeanKernelEnabled,
  setSoftmaxGradKernelEnabled,
  setSparseAccuracyKernelEnabled,
  setStepLossOnHost,
} from '@tensorfold/core/testing';
import { setTrainingFusedConvEnabled, setTrainingFusedDenseEnabled } from '@tensorfold/layers';
import { lenet5 } from '@tensorfold/models-cnn';
import { adam } from '@tensorfold/optim';
import { setCrossentropyKernelEnabled } from '@tensorfold/optim/testing';
import { useBackend } from './backends.js';
import { medianOf as median } from './steadiness.js';
import { runSwitchAb, type SwitchAbResult } from './switch-ab.js';
import { timedMs } from './timed-call.js';

const SWITCHES: Record<string, (on: boolean) => void> = {
  gather: setGatherRowsEnabled,
  fusedconv: setTrainingFusedConvEnabled,
  fuseddense: setTrainingFusedDenseEnabled,
  all: (on) => {
    setGatherRowsEnabled(on);
    setTrainingFusedConvEnabled(on);
    setTrainingFusedDenseEnabled(on);
  },
  mlptrain: (on) => {
    setCrossentropyKernelEnabled(on);
    setStepLossOnHost(on);
    setSoftmaxGradKernelEnabled(on);
  },
  'ce-mean': setCrossentropyMeanKernelEnabled,
  accuracy: setSparseAccuracyKernelEnabled,
  wave18: (on) => {
    setCrossentropyMeanKernelEnabled(on);
    setSparseAccuracyKernelEnabled(on);
  },
};

async function main() {
  const [name = 'gather', roundsArg = '6', samplesArg = '6400'] = process.argv.slice(2);
  const setSwitch = SWITCHES[name];
  if (setSwitch == null) throw new Error(`Unknown switch ${name}: ${Object.keys(SWITCHES).join(', ')}.`);
  const rounds = Number(roundsArg);
  const samples = Number(samplesArg);
  const batchSize = 64;
  console.log(`backend: ${await useBackend('wasm')}`);
  const model = lenet5();
  model.compile({
    optimizer: adam({ learningRate: 1e-3 }),
    loss: 'sparseCategoricalCrossentropy',
    metrics: ['accuracy'],
  });
  const x = tf.randomUniform([samples, 28, 28, 1], 0, 1, 'float32', 1);
  const y = tf.cast(tf.randomUniform([samples], 0, 10, 'int32', 2), 'float32');
  const steps = Math.ceil(samples / batchSize);
  // Every round fits both sides once, so call c belongs to round floor(c / 2): both sides of a round
  // shuffle with the round's seed (0 for the warm-up round).
  let call = 0;
  let times: SwitchAbResult<{ wall: number; cpu: number }>;
  try {
    times = await runSwitchAb(
      setSwitch,
      () =>
        timedMs(() =>
          model.fit(x, y, { epochs: 1, batchSize, shuffle: true, verbose: 0, seed: Math.floor(call++ / 2) }),
        ),
      { rounds, steps: 1, warmupRounds: 1 },
    );
  } finally {
    model.dispose();
    tf.dispose([x, y]);
  }
  const rate = {
    on: times.on.map((t) => (samples / t.wall) * 1000),
    off: times.off.map((t) => (samples / t.wall) * 1000),
  };
  const cpu = { on: times.on.map((t) => t.cpu / steps), off: times.off.map((t) => t.cpu / steps) };
  const spread = (v: number[]) => `${Math.min(...v).toFixed(0)}-${Math.max(...v).toFixed(0)}`;
  console.log(
    `lenet5 fit, batch ${batchSize}, switch ${name}: ${rounds} rounds of ${samples} samples per side`,
  );
  console.log('| side | samples/s, median (range) | process CPU ms per step, median |');
  console.log('|---|---|---|');
  for (const side of ['on', 'off'] as const) {
    console.log(
      `| ${name} ${side} | ${median(rate[side]).toFixed(0)} (${spread(rate[side])}) | ${median(cpu[side]).toFixed(2)} |`,
    );
  }
  console.log(
    `on against off: ${(median(rate.on) / median(rate.off)).toFixed(2)}x samples/s (median), ` +
      `${(median(cpu.off) / median(cpu.on)).toFixed(2)}x CPU time`,
  );
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
