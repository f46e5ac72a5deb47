/**
 * Issue 22: the pool's products with their preparation (`op(a)`'s transpose and pair lists, `op(b)`'s
 * panels and their finiteness) in a pool job on every thread (`setPoolPrepInJob(true)`, the default)
 * against the same on the calling thread before the tiles' job (`false`), in one process, alternating
 * (runSwitchAb): the MLP 784-512-256-10's five large products on a training step's operands
 * (batch of 128: MNIST's first digits, or uniform random pixels; Glorot weights; ReLU's zeros in the
 * hidden layers and their gradients, as pool-copy-share builds them), then whole training steps
 * (tensorfold's MLP, Adam). Wall and process CPU (all threads) per call: medians [quartiles], and the
 * ratio off / on by round (> 1: the job is faster).
 *
 * With `lenet5`: LeNet-5's training steps on MNIST batches alone (its products stay under the pool's
 * crossover; the switch should change nothing there).
 *
 * `TENSORFOLD_WASM_THREADS=2 pnpm --filter @tensorfold/bench pool-prep-ab [rounds] [mnist|random|both|lenet5]`
 */
import { loadavg } from 'node:os';
import { poolInternals } from '@tensorfold/backend/testing';
import { tf } from '@tensorfold/core';
import { loadMnist } from '@tensorfold/data/node';
import { AB_BATCHES, abBatches } from './ab-batches.js';
import { useBackend } from './backends.js';
import { medianOf as median } from './steadiness.js';
import { runSwitchAb } from './switch-ab.js';
import { timedMs } from './timed-call.js';
import { TRAINING_INPUT, tensorfoldModel } from './training-models.js';

const { setPoolPrepInJob, wasmThreads } = poolInternals;
const CALLS = 5;
const STEPS = 10;

function quartiles(values: number[], digits = 0): string {
  const s = [...values].sort((p, q) => p - q);
  const at = (f: number) => s[Math.min(s.length - 1, Math.floor(f * (s.length - 1) + 0.5))];
  return `${median(values).toFixed(digits)} [${at(0.25).toFixed(digits)}, ${at(0.75).toFixed(digits)}]`;
}

interface Timed {
  wall: number;
  cpu: number;
}

function row(name: string, off: Timed[], on: Timed[], digits = 0): string {
  const ratio = off.map((o, i) => o.wall / on[i].wall);
  const walls = (side: Timed[]) => side.map((t) => t.wall);
  const least = (side: Timed[]) => Math.min(...walls(side));
  const cpu = (side: Timed[]) => median(side.map((t) => t.cpu)).toFixed(digits);
  return (
    `| ${name} | ${quartiles(walls(off), digits)} | ${quartiles(walls(on), digits)} | ${quartiles(ratio, 3)} | ` +
    `${least(off).toFixed(digits)} / ${least(on).toFixed(digits)} = ${(least(off) / least(on)).toFixed(3)} | ` +
    `${cpu(off)} | ${cpu(on)} |`
  );
}

/** The table's head: wall medians [quartiles] per side, their ratio by round, least walls, CPU medians. */
const HEAD =
  '| what | calling thread (off) | in the job (on) | off / on by round | least off / on | CPU off | CPU on |\n' +
  '|---|---|---|---|---|---|---|';

async function batch(data: 'mnist' | 'random'): Promise<{ x: tf.Tensor2D; y: tf.Tensor2D }> {
  if (data === 'random') {
    const x = tf.randomUniform([128, 784], 0, 1, 'float32', 7) as tf.Tensor2D; // [128, 784]
    const y = tf.oneHot(tf.randomUniform([128], 0, 10, 'int32', 8), 10).toFloat() as tf.Tensor2D; // [128, 10]
    return { x, y };
  }
  const train = await loadMnist({ split: 'train', limit: 128, oneHot: true });
  const x = tf.reshape(train.xs, [128, 784]) as tf.Tensor2D; // [128, 784]
  const y = tf.clone(train.ys) as tf.Tensor2D; // [128, 10]
  train.dispose();
  return { x, y };
}

async function measure(data: 'mnist' | 'random', rounds: number): Promise<void> {
  const { x, y } = await batch(data);
  const glorot = (i: number, o: number, seed: number) =>
    tf.randomUniform([i, o], -Math.sqrt(6 / (i + o)), Math.sqrt(6 / (i + o)), 'float32', seed);
  const w1 = glorot(784, 512, 1);
  const w2 = glorot(512, 256, 2);
  const h1 = tf.relu(tf.matMul(x, w1)); // [128, 512]
  const h2 = tf.relu(tf.matMul(h1, w2)); // [128, 256]
  const dy2 = tf.mul(tf.randomNormal([128, 256], 0, 0.01, 'float32', 3), tf.step(h2)); // [128, 256]
  const dy1 = tf.mul(tf.randomNormal([128, 512], 0, 0.01, 'float32', 4), tf.step(h1)); // [128, 512]
  const products: Array<[string, tf.Tensor, tf.Tensor, boolean, boolean]> = [
    ['x . W1', x, w1, false, false],
    ['dW1 x^T . dy1', x, dy1, true, false],
    ['h1 . W2', h1, w2, false, false],
    ['dW2 h1^T . dy2', h1, dy2, true, false],
    ['dX2 dy2 . W2^T', dy2, w2, false, true],
  ];
  console.log(`\n${data}: load ${loadavg()[0].toFixed(1)}; us a call (products) or ms a step`);
  console.log(HEAD);
  for (const [name, a, b, tA, tB] of products) {
    const result = await runSwitchAb(
      setPoolPrepInJob,
      async (calls) => {
        const t = await timedMs(() => {
          for (let c = 0; c < calls; c++) tf.matMul(a, b, tA, tB).dispose();
        });
        return { wall: (t.wall * 1000) / calls, cpu: (t.cpu * 1000) / calls };
      },
      { rounds, steps: CALLS, warmupRounds: 1 },
    );
    console.log(row(name, result.off, result.on));
  }
  const model = tensorfoldModel('mlp');
  for (let i = 0; i < 5; i++) await model.trainOnBatch(x, y);
  const before = tf.memory().numTensors;
  const step = await runSwitchAb(
    setPoolPrepInJob,
    async (steps) => {
      const t = await timedMs(async () => {
        for (let s = 0; s < steps; s++) await model.trainOnBatch(x, y);
      });
      return { wall: t.wall / steps, cpu: t.cpu / steps };
    },
    { rounds, steps: STEPS, warmupRounds: 1 },
  );
  console.log(row('MLP step (ms)', step.off, step.on, 2));
  console.log(`load per core at most ${step.load.toFixed(1)}; others' cores ${step.othersCores?.toFixed(2)}`);
  if (tf.memory().numTensors !== before) throw new Error('the steps leaked tensors');
  tf.dispose([x, y, w1, w2, h1, h2, dy1, dy2]);
}

async function lenet5(rounds: number): Promise<void> {
  const model = tensorfoldModel('lenet5');
  const batches = await abBatches('lenet5', 'mnist', TRAINING_INPUT.lenet5.batch);
  let next = 0;
  for (let i = 0; i < 3; i++) await model.trainOnBatch(batches[i].x, batches[i].y);
  console.log(
    `\nlenet5, MNIST batches of ${TRAINING_INPUT.lenet5.batch}: load ${loadavg()[0].toFixed(1)}; ms a step`,
  );
  console.log(HEAD);
  const step = await runSwitchAb(
    setPoolPrepInJob,
    async (steps) => {
      const t = await timedMs(async () => {
        for (let s = 0; s < steps; s++) {
          const { x, y } = batches[next++ % AB_BATCHES];
          await model.trainOnBatch(x, y);
        }
      });
      return { wall: t.wall / steps, cpu: t.cpu / steps };
    },
    { rounds, steps: STEPS, warmupRounds: 1 },
  );
  console.log(row('LeNet-5 step (ms)', step.off, step.on, 2));
  console.log(`load per core at most ${step.load.toFixed(1)}; others' cores ${step.othersCores?.toFixed(2)}`);
  for (const { x, y } of batches) tf.dispose([x, y]);
}

async function main() {
  const rounds = Number(process.argv[2] ?? '15');
  const which = process.argv[3] ?? 'both';
  console.log(`backend: ${await useBackend('wasm')}; threads ${wasmThreads()}; rounds ${rounds}`);
  if (wasmThreads() < 2) throw new Error('Run with 2 threads (TENSORFOLD_WASM_THREADS=2).');
  if (which === 'lenet5') return lenet5(rounds);
  for (const data of ['mnist', 'random'] as const)
    if (which === 'both' || which === data) await measure(data, rounds);
}

await main();
