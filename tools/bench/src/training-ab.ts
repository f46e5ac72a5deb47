/**
 * `pnpm --filter @tensorfold/bench training-ab [lenet5|lenet5tanh|mlp|vggsmall|resnetsmall] [direct|threads|fma|maxpool|fusedconv|fuseddense|paddedmm|colsums|crossentropy|mlpstep|cekernel|hostloss|softmaxgrad|mlptrain] [rounds] [steps]`
 *
 * Same-process A/B of one switch of tensorfold's WASM kernels on whole training steps of a benchmark
 * network (training-models.ts: LeNet-5 at batch 64, `lenet5tanh` the same with tanh hidden layers, the MLP at 128; the cnn-training suite's
 * `vggSmall({ dropout: 0 })` and `resnetSmall()` at 32; Adam): `rounds` rounds
 * (default 20, after one warm-up round) of `steps` steps (default 4) with the switch off, then on
 * (that order in every round, as this bench has been measured), so that load from other processes
 * hits both sides alike. Prints each side's median
 * step time and the process's CPU time per step (every thread of the process: what the switch costs
 * in CPU, which other processes' load barely moves), and the ratios (> 1: the switch on is faster).
 *
 * Switches: `direct` the direct SIMD convolution (conv-by-simd.ts; off: XNNPACK or the pool),
 * `threads` the thread pool (off: exactly the one-thread paths; run with TENSORFOLD_WASM_THREADS=2),
 * `fma` the relaxed-SIMD builds (off: the plain SIMD builds), `maxpool` the SIMD MaxPool over 2x2 windows
 * (max-pool-pairs.ts; off: stock tfjs-backend-wasm's), `fusedconv` convolutions trained through one
 * FusedConv2D kernel with core's registered gradient (@tensorfold/layers' training-fused-conv.ts; off:
 * conv2d, bias add and relu as their own ops), `fuseddense` dense layers trained through one _FusedMatMul
 * (training-fused-dense.ts; off: tf.fused.matMul or matMul and a bias add, then the activation),
 * `paddedmm` small transposed or unaligned products on the SIMD kernel on padded copies
 * (@tensorfold/backend's mat-mul-padded.ts; off: XNNPACK with explicit transposes), `colsums` sums over
 * leading axes (bias gradients) by one SIMD pass (simd/column-sums.ts; off: an XNNPACK average pooling
 * or the stock kernel), `crossentropy` categorical cross-entropy's gradient written out (@tensorfold/optim's
 * losses/categorical-probabilities.ts; off: automatic differentiation of the expression), `mlpstep` the
 * three together (off: as before branch wip/mlp-step), `cekernel` the cross-entropy of probabilities as
 * core's one kernel forward and one backward (off: the written gradient's stock kernels), `hostloss` the
 * training step's loss added to the epoch's mean on the host (core's train-step.ts; off: as scalars on
 * the device), `softmaxgrad` softmax's gradient as core's one kernel (off: tfjs-core's four), `mlptrain` branch wip/mlp-train's changes together (off: as before it).
 */
import {
  setColumnSumsEnabled,
  setDirectConvEnabled,
  setFmaKernelsEnabled,
  setMaxPoolPairsEnabled,
  setPaddedMatMulEnabled,
  setThreadedKernelsEnabled,
} from '@tensorfold/backend/testing';
import { tf } from '@tensorfold/core';
import { setSoftmaxGradKernelEnabled, setStepLossOnHost } from '@tensorfold/core/testing';
import { setTrainingFusedConvEnabled, setTrainingFusedDenseEnabled } from '@tensorfold/layers';
import { resnetSmall, vggSmall } from '@tensorfold/models-cnn';
import { adam } from '@tensorfold/optim';
import { setCrossentropyGradientWritten, setCrossentropyKernelEnabled } from '@tensorfold/optim/testing';
import { useBackend } from './backends.js';
import { medianOf as median } from './steadiness.js';
import { runSwitchAb, type SwitchAbResult } from './switch-ab.js';
import { timedSteps } from './timed-call.js';
import { type NetworkName, type Trainable, tensorfoldModel } from './training-models.js';

const SWITCHES: Record<string, (on: boolean) => void> = {
  direct: setDirectConvEnabled,
  threads: setThreadedKernelsEnabled,
  fma: setFmaKernelsEnabled,
  maxpool: setMaxPoolPairsEnabled,
  fusedconv: setTrainingFusedConvEnabled,
  fuseddense: setTrainingFusedDenseEnabled,
  paddedmm: setPaddedMatMulEnabled,
  colsums: setColumnSumsEnabled,
  crossentropy: setCrossentropyGradientWritten,
  mlpstep: (on) => {
    setPaddedMatMulEnabled(on);
    setColumnSumsEnabled(on);
    setCrossentropyGradientWritten(on);
  },
  cekernel: setCrossentropyKernelEnabled,
  hostloss: setStepLossOnHost,
  softmaxgrad: setSoftmaxGradKernelEnabled,
  mlptrain: (on) => {
    setCrossentropyKernelEnabled(on);
    setStepLossOnHost(on);
    setSoftmaxGradKernelEnabled(on);
  },
};

/** models-cnn's network as the cnn-training suite trains it (no dropout, Adam 1e-3). */
function cnnModel(network: 'vggsmall' | 'resnetsmall'): Trainable {
  const model = network === 'vggsmall' ? vggSmall({ dropout: 0 }) : resnetSmall();
  model.compile({ optimizer: adam({ learningRate: 1e-3 }), loss: 'categoricalCrossentropy' });
  return { trainOnBatch: (x, y) => model.trainOnBatch(x, y), dispose: () => model.dispose() };
}

async function main() {
  const [network = 'lenet5', name = 'direct', roundsArg = '20', stepsArg = '4'] = process.argv.slice(2);
  const cnn = network === 'vggsmall' || network === 'resnetsmall';
  const tanh = network === 'lenet5tanh';
  if (network !== 'lenet5' && network !== 'mlp' && !tanh && !cnn) {
    throw new Error(`Unknown network ${network}: lenet5, lenet5tanh, mlp, vggsmall or resnetsmall.`);
  }
  const setSwitch = SWITCHES[name];
  if (setSwitch == null) throw new Error(`Unknown switch ${name}: ${Object.keys(SWITCHES).join(', ')}.`);
  const rounds = Number(roundsArg);
  const steps = Number(stepsArg);
  console.log(`backend: ${await useBackend('wasm')}`);
  const batch = network === 'mlp' ? 128 : cnn ? 32 : 64;
  const model = cnn
    ? cnnModel(network)
    : tanh
      ? tensorfoldModel('lenet5', 'tanh')
      : tensorfoldModel(network as NetworkName);
  const x = tf.randomUniform([batch, ...(network === 'mlp' ? [784] : [28, 28, 1])], 0, 1, 'float32', 1);
  const y = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32', 2) as tf.Tensor1D, 10);
  // Per round: each step's wall ms and the process's CPU ms a step. The switch is off, then on, in
  // every round (not alternated: kept as this bench has been measured).
  const round = (count: number) => timedSteps(count, () => model.trainOnBatch(x, y));
  let times: SwitchAbResult<Awaited<ReturnType<typeof round>>>;
  try {
    times = await runSwitchAb(setSwitch, round, { rounds, steps, warmupRounds: 1, alternate: false });
  } finally {
    model.dispose();
    tf.dispose([x, y]);
  }
  const wall = { on: times.on.flatMap((t) => t.walls), off: times.off.flatMap((t) => t.walls) };
  const cpu = { on: times.on.map((t) => t.cpu), off: times.off.map((t) => t.cpu) };
  const fmt = (v: number) => v.toFixed(2);
  const min = (v: number[]) => Math.min(...v);
  console.log(`${network}, batch ${batch}, switch ${name}: ${rounds} rounds of ${steps} steps per side`);
  console.log('| side | step ms, median | step ms, min | process CPU ms per step, median |');
  console.log('|---|---|---|---|');
  for (const side of ['on', 'off'] as const) {
    console.log(
      `| ${name} ${side} | ${fmt(median(wall[side]))} | ${fmt(min(wall[side]))} | ${fmt(median(cpu[side]))} |`,
    );
  }
  console.log(
    `on against off: ${(median(wall.off) / median(wall.on)).toFixed(2)}x wall (median), ` +
      `${(min(wall.off) / min(wall.on)).toFixed(2)}x (min), ${(median(cpu.off) / median(cpu.on)).toFixed(2)}x CPU time`,
  );
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
