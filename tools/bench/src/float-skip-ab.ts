/**
 * `pnpm --filter @tensorfold/bench float-skip-ab [mlp|lenet5] [mnist|random] [rounds] [steps]`
 *
 * Same-process A/B of the float32 products' zero-step skip (`setFloatZeroSkipEnabled`,
 * @tensorfold/backend's float-zero-skip.ts) on whole training steps of a benchmark network
 * (training-models.ts: the MLP 784-512-256-10 at batch 128, LeNet-5 at 64; Adam): on real MNIST
 * training batches (`mnist`, the default: 8 batches taken in turn, their blank borders are what the
 * skip passes over) or on uniform random inputs (`random`: nothing to skip, the skip's overhead).
 * `rounds` rounds (default 15, after one warm-up round) of `steps` steps (default 4) a side, the side
 * that runs first changing every round, so that load from other processes hits both alike. Prints
 * each side's median, quartiles and minimum step time, the process's CPU time per step (every
 * thread), the steps skipped per training step, the ratios (> 1: the skip is faster) and the load
 * average. Threads: `TENSORFOLD_WASM_THREADS` (1, 2, ... or auto).
 *
 * `pnpm --filter @tensorfold/bench float-skip-ab products [rounds]`: the skip's cost where there is
 * nothing to skip: the products of the MLP (batch 128) and of LeNet-5's dense layers (batch 64) (forward with bias and relu, weight gradient `x^T . dy`, input
 * gradient `dy . W^T`) on uniform random operands in [-1, 1) (no zeros), `rounds` rounds (default
 * 20) of {@link CALLS} calls a side, alternating; each product's median wall microseconds per call
 * on each side and the ratio (> 1: the skip is faster), and the ratio of the process's CPU time per
 * call (on one thread the steadier figure under load; on more it counts the workers' waits too).
 */

import { loadavg } from 'node:os';
import { floatZeroStepsSkipped, setFloatZeroSkipEnabled } from '@tensorfold/backend/testing';
import { tf } from '@tensorfold/core';
import { loadMnist } from '@tensorfold/data/node';
import { useBackend } from './backends.js';
import { medianOf as median } from './steadiness.js';
import { type NetworkName, tensorfoldModel } from './training-models.js';

/** Batches a side cycles through. */
const BATCHES = 8;

/** The `q` quantile of `values` (linear between neighbours). */
function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (at - lo);
}

/** `BATCHES` batches of `batch` inputs (`[batch, 784]` or `[batch, 28, 28, 1]`) and one-hot labels. */
async function batchesOf(network: NetworkName, data: string, batch: number) {
  const shape = network === 'mlp' ? [784] : [28, 28, 1];
  if (data === 'random') {
    return Array.from({ length: BATCHES }, (_, i) => ({
      x: tf.randomUniform([batch, ...shape], 0, 1, 'float32', 1 + i),
      y: tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32', 100 + i) as tf.Tensor1D, 10),
    }));
  }
  if (data !== 'mnist') throw new Error(`Unknown data ${data}: mnist or random.`);
  const train = await loadMnist({ split: 'train', limit: BATCHES * batch, oneHot: true });
  try {
    return Array.from({ length: BATCHES }, (_, i) => ({
      x: tf.tidy(() => train.xs.slice(i * batch, batch).reshape([batch, ...shape])),
      y: train.ys.slice(i * batch, batch),
    }));
  } finally {
    train.dispose();
  }
}

/** A product of the MLP's training step: `op(a) . op(b)`, plus a bias and relu where `bias`. */
interface Product {
  name: string;
  a: number[];
  b: number[];
  bias?: number;
  transposeA?: boolean;
  transposeB?: boolean;
}

const PRODUCTS: Product[] = [
  { name: 'forward [128,784]x[784,512]+b, relu', a: [128, 784], b: [784, 512], bias: 512 },
  { name: 'dW [128,784]^T x [128,512]', a: [128, 784], b: [128, 512], transposeA: true },
  { name: 'forward [128,512]x[512,256]+b, relu', a: [128, 512], b: [512, 256], bias: 256 },
  { name: 'dW [128,512]^T x [128,256]', a: [128, 512], b: [128, 256], transposeA: true },
  { name: 'dX [128,256] x [512,256]^T', a: [128, 256], b: [512, 256], transposeB: true },
  { name: 'forward [128,256]x[256,10]+b', a: [128, 256], b: [256, 10], bias: 10 },
  { name: 'dW [128,256]^T x [128,10]', a: [128, 256], b: [128, 10], transposeA: true },
  { name: 'dX [128,10] x [256,10]^T', a: [128, 10], b: [256, 10], transposeB: true },
  { name: 'LeNet-5 forward [64,400]x[400,120]+b, relu', a: [64, 400], b: [400, 120], bias: 120 },
  { name: 'LeNet-5 dW [64,400]^T x [64,120]', a: [64, 400], b: [64, 120], transposeA: true },
  { name: 'LeNet-5 dX [64,120] x [400,120]^T', a: [64, 120], b: [400, 120], transposeB: true },
  { name: 'LeNet-5 forward [64,120]x[120,84]+b, relu', a: [64, 120], b: [120, 84], bias: 84 },
  { name: 'LeNet-5 dW [64,120]^T x [64,84]', a: [64, 120], b: [64, 84], transposeA: true },
];

/** Calls a side a round in `products`. */
const CALLS = 40;

async function products(rounds: number): Promise<void> {
  console.log(`backend: ${await useBackend('wasm')}`);
  const loads = [loadavg()[0]];
  console.log(
    '| product (random operands) | skip on (us) | skip off (us) | off / on | CPU off / on |\n|---|---|---|---|---|',
  );
  for (const p of PRODUCTS) {
    const a = tf.randomUniform(p.a, -1, 1, 'float32', 1);
    const b = tf.randomUniform(p.b, -1, 1, 'float32', 2);
    const bias = p.bias != null ? tf.randomUniform([p.bias], -1, 1, 'float32', 3) : undefined;
    const { transposeA = false, transposeB = false } = p;
    const run = () =>
      tf.tidy(() =>
        bias != null
          ? tf.fused.matMul({ a, b, bias, transposeA, transposeB, activation: 'relu' })
          : tf.matMul(a, b, transposeA, transposeB),
      );
    const perCall: Record<'on' | 'off', number[]> = { on: [], off: [] };
    const cpuPerCall: Record<'on' | 'off', number[]> = { on: [], off: [] };
    for (let round = 0; round <= rounds; round++) {
      const order = round % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const);
      for (const side of order) {
        setFloatZeroSkipEnabled(side === 'on');
        const start = performance.now();
        const cpuStart = process.cpuUsage();
        for (let i = 0; i < CALLS; i++) run().dispose();
        const used = process.cpuUsage(cpuStart);
        if (round > 0) {
          perCall[side].push(((performance.now() - start) * 1000) / CALLS);
          cpuPerCall[side].push((used.user + used.system) / CALLS);
        }
      }
    }
    setFloatZeroSkipEnabled(true);
    tf.dispose([a, b, ...(bias != null ? [bias] : [])]);
    const on = median(perCall.on);
    const off = median(perCall.off);
    const cpuRatio = median(cpuPerCall.off) / median(cpuPerCall.on);
    console.log(
      `| ${p.name} | ${on.toFixed(1)} | ${off.toFixed(1)} | ${(off / on).toFixed(3)} | ${cpuRatio.toFixed(3)} |`,
    );
    loads.push(loadavg()[0]);
  }
  console.log(`load average (1 min) ${Math.min(...loads).toFixed(2)}-${Math.max(...loads).toFixed(2)}`);
}

async function main() {
  if (process.argv[2] === 'products') return products(Number(process.argv[3] ?? '20'));
  const [network = 'mlp', data = 'mnist', roundsArg = '15', stepsArg = '4'] = process.argv.slice(2);
  if (network !== 'mlp' && network !== 'lenet5')
    throw new Error(`Unknown network ${network}: mlp or lenet5.`);
  const rounds = Number(roundsArg);
  const steps = Number(stepsArg);
  console.log(`backend: ${await useBackend('wasm')}`);
  const batch = network === 'mlp' ? 128 : 64;
  const model = tensorfoldModel(network);
  const batches = await batchesOf(network, data, batch);
  const wall: Record<'on' | 'off', number[]> = { on: [], off: [] };
  const cpu: Record<'on' | 'off', number[]> = { on: [], off: [] };
  const skipped: Record<'on' | 'off', number> = { on: 0, off: 0 };
  const loads = [loadavg()[0]];
  let next = 0;
  try {
    for (let round = 0; round <= rounds; round++) {
      const order = round % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const);
      for (const side of order) {
        setFloatZeroSkipEnabled(side === 'on');
        const cpuStart = process.cpuUsage();
        const skippedBefore = floatZeroStepsSkipped();
        for (let i = 0; i < steps; i++) {
          const { x, y } = batches[next++ % BATCHES];
          const start = performance.now();
          await model.trainOnBatch(x, y);
          if (round > 0) wall[side].push(performance.now() - start);
        }
        const used = process.cpuUsage(cpuStart);
        if (round > 0) {
          cpu[side].push((used.user + used.system) / 1000 / steps);
          skipped[side] += floatZeroStepsSkipped() - skippedBefore;
        }
      }
      loads.push(loadavg()[0]);
    }
  } finally {
    setFloatZeroSkipEnabled(true);
    model.dispose();
    for (const { x, y } of batches) tf.dispose([x, y]);
  }
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
