/**
 * `pnpm --filter @tensorfold/bench profile [mlp|lenet5|vggsmall|resnetsmall] [tensorfold|tfjs-layers] [steps] [--backend wasm] [--mnist] [--no-pair-lists] [--before-mlp-step]`
 *
 * Where a training step's time goes: runs `steps` profiled training steps (`tf.profile`) of the
 * benchmark network, keeps each kernel call's fastest time over the steps (the machines we run on
 * are shared: the minimum is the kernel's own cost, the rest is other processes), and prints the
 * totals per kernel and the heaviest calls, next to the step's wall time with and without profiling.
 * A composite tfjs op recorded with its inner kernel (`fusedMatMul__op` around `_FusedMatMul`) is
 * counted twice in the sum. vggsmall and resnetsmall are the cnn-training suite's networks (models-cnn's
 * `vggSmall({dropout: 0})` and `resnetSmall()`, batch 32; tfjs-layers trains the same saved network).
 * `--mnist` trains the MLP or LeNet-5 on the first MNIST training batch instead of uniform random
 * inputs (the zeros the float products' skip passes over). `--no-pair-lists` holds off the float32
 * products' lists per pair of rows (the blocks of 4 rows only). `--before-mlp-step` holds off branch wip/mlp-step's three changes (padded small products, one-pass
 * column sums, the written cross-entropy gradient), for the profile as it was before them.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { memoryIO, tf } from '@tensorfold/core';
import '@tensorfold/layers';
import {
  setColumnSumsEnabled,
  setFloatPairListsEnabled,
  setPaddedMatMulEnabled,
} from '@tensorfold/backend/testing';
import { loadMnist } from '@tensorfold/data/node';
import { resnetSmall, vggSmall } from '@tensorfold/models-cnn';
import { adam } from '@tensorfold/optim';
import { setCrossentropyGradientWritten } from '@tensorfold/optim/testing';
import { useBackend } from './backends.js';
import { printKernelTotals, profileFastest } from './kernel-profile.js';
import { medianOf } from './steadiness.js';
import { type NetworkName, type Trainable, tensorfoldModel, tfjsLayersModel } from './training-models.js';

const NETWORKS = ['mlp', 'lenet5', 'vggsmall', 'resnetsmall'];

/** A models-cnn network (tensorfold), or the same saved network loaded by tfjs-layers; Adam 1e-3. */
async function cnnModel(network: 'vggsmall' | 'resnetsmall', side: string): Promise<Trainable> {
  const ours = network === 'vggsmall' ? vggSmall({ dropout: 0 }) : resnetSmall();
  if (side === 'tensorfold') {
    const optimizer = adam({ learningRate: 1e-3 });
    ours.compile({ optimizer, loss: 'categoricalCrossentropy' });
    return { trainOnBatch: (x, y) => ours.trainOnBatch(x, y), dispose: () => ours.dispose() };
  }
  const io = memoryIO();
  await ours.save(io);
  ours.dispose();
  const theirs = await tfl.loadLayersModel(tf.io.fromMemory(io.artifacts as tf.io.ModelArtifacts));
  theirs.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  return { trainOnBatch: (x, y) => theirs.trainOnBatch(x, y), dispose: () => theirs.dispose() };
}

async function main() {
  const args = process.argv.slice(2);
  const backendAt = args.indexOf('--backend');
  const backend = backendAt >= 0 ? args.splice(backendAt, 2)[1] : 'wasm';
  const beforeAt = args.indexOf('--before-mlp-step');
  if (beforeAt >= 0) {
    args.splice(beforeAt, 1);
    setPaddedMatMulEnabled(false);
    setColumnSumsEnabled(false);
    setCrossentropyGradientWritten(false);
    console.log('held off: padded small products, one-pass column sums, the written cross-entropy gradient');
  }
  const pairsAt = args.indexOf('--no-pair-lists');
  if (pairsAt >= 0) {
    args.splice(pairsAt, 1);
    setFloatPairListsEnabled(false);
    console.log("held off: the float32 products' lists per pair of rows");
  }
  const mnistAt = args.indexOf('--mnist');
  const mnist = mnistAt >= 0;
  if (mnist) args.splice(mnistAt, 1);
  const [network = 'lenet5', side = 'tensorfold', stepsArg = '30'] = args;
  if (!NETWORKS.includes(network)) throw new Error(`Unknown network ${network}: ${NETWORKS.join(', ')}.`);
  if (side !== 'tensorfold' && side !== 'tfjs-layers')
    throw new Error(`Unknown side ${side}: tensorfold or tfjs-layers.`);
  const steps = Number(stepsArg);
  console.log(`backend: ${await useBackend(backend)}`);
  const cnn = network === 'vggsmall' || network === 'resnetsmall';
  const batch = network === 'mlp' ? 128 : cnn ? 32 : 64;
  const model = cnn
    ? await cnnModel(network, side)
    : (side === 'tensorfold' ? tensorfoldModel : tfjsLayersModel)(network as NetworkName);
  const inputShape = network === 'mlp' ? [784] : [28, 28, 1];
  let x: tf.Tensor;
  let y: tf.Tensor;
  if (mnist) {
    if (cnn) throw new Error('--mnist trains the MLP or LeNet-5 only.');
    const train = await loadMnist({ split: 'train', limit: batch, oneHot: true });
    x = train.xs.reshape([batch, ...inputShape]);
    y = train.ys.clone();
    train.dispose();
  } else {
    x = tf.randomUniform([batch, ...inputShape], 0, 1, 'float32', 1);
    y = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32', 2) as tf.Tensor1D, 10);
  }
  for (let i = 0; i < 5; i++) await model.trainOnBatch(x, y);

  const { fastest, profiledMs: profiled } = await profileFastest(async () => {
    await model.trainOnBatch(x, y);
  }, steps);
  const plain: number[] = [];
  for (let i = 0; i < steps; i++) {
    const start = performance.now();
    await model.trainOnBatch(x, y);
    plain.push(performance.now() - start);
  }
  model.dispose();
  tf.dispose([x, y]);

  const stat = (v: number[]) => `min ${Math.min(...v).toFixed(2)}, median ${medianOf(v).toFixed(2)}`;
  console.log(`${network} on ${side}, batch ${batch}, ${steps} steps, ${mnist ? 'MNIST' : 'random'} inputs`);
  console.log(`step wall time (ms): ${stat(plain)}; profiled: ${stat(profiled)}`);
  printKernelTotals(fastest, { rows: 20, digits: { total: 2, kernel: 2, call: 3 }, calls: 'calls per step' });
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
