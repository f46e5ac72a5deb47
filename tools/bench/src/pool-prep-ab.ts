/**
 * Issue 22: where the pool's products prepare their operands (`op(a)`'s transpose and pair lists,
 * `op(b)`'s panels and their finiteness; mat-mul-by-threads.ts's `PoolPrep`): `before` (as before
 * wave 12, on the calling thread), `calling` (prepChunk's row chunks and column groups, one after
 * the other on the calling thread; the default) and `job` (the same chunks as a pool job on every
 * thread), in one process, alternating (runAlternating, the sides rotated each round): the MLP
 * 784-512-256-10's five large products on a training step's operands (batch of 128: MNIST's first
 * digits, or uniform random pixels; Glorot weights; ReLU's zeros in the hidden layers and their
 * gradients, as pool-copy-share builds them), then whole training steps (tensorfold's MLP, Adam).
 * Wall and process CPU (all threads) per call: medians [quartiles], the ratios before / side by
 * round (> 1: the side is faster), and the least walls' ratios (the rounds the machine's load
 * touched least).
 *
 * With `lenet5`: LeNet-5's training steps on MNIST batches alone (its products stay under the pool's
 * crossover; the switch should change nothing there).
 *
 * `TENSORFOLD_WASM_THREADS=2 pnpm --filter @tensorfold/bench pool-prep-ab [rounds] [mnist|random|both|lenet5] [steps] [steps a round]`
 * (`steps`: the training steps alone)
 */
import { loadavg } from 'node:os';
import { poolInternals } from '@tensorfold/backend/testing';
import { tf } from '@tensorfold/core';
import { AB_BATCHES, abBatches } from './ab-batches.js';
import { runAlternating } from './alternating-rounds.js';
import { useBackend } from './backends.js';
import { mlpOperands, mlpProducts } from './mlp-operands.js';
import { medianOf as median } from './steadiness.js';
import { timedMs } from './timed-call.js';
import { TRAINING_INPUT, tensorfoldModel } from './training-models.js';

const { setPoolPrep, wasmThreads } = poolInternals;
type PoolPrep = NonNullable<Parameters<typeof setPoolPrep>[0]>;
const SIDES: readonly PoolPrep[] = ['before', 'calling', 'job'];
const CALLS = 5;
/** Training steps a round (5th argument; default 10). */
const STEPS = Number(process.argv[5] ?? 10);

function quartiles(values: number[], digits = 0): string {
  const s = [...values].sort((p, q) => p - q);
  const at = (f: number) => s[Math.min(s.length - 1, Math.floor(f * (s.length - 1) + 0.5))];
  return `${median(values).toFixed(digits)} [${at(0.25).toFixed(digits)}, ${at(0.75).toFixed(digits)}]`;
}

interface Timed {
  wall: number;
  cpu: number;
}

/** A row: each side's wall median [quartiles], before / side by round, least walls' ratio, CPU medians. */
function row(name: string, sides: Timed[][], digits = 0): string {
  const walls = (side: Timed[]) => side.map((t) => t.wall);
  const least = (side: Timed[]) => Math.min(...walls(side));
  const [before, ...others] = sides;
  const ratios = others.map((side) =>
    quartiles(
      before.map((t, i) => t.wall / side[i].wall),
      3,
    ),
  );
  const leasts = others.map((side) => (least(before) / least(side)).toFixed(3));
  const cpu = sides.map((side) => median(side.map((t) => t.cpu)).toFixed(digits));
  return `| ${name} | ${sides.map((side) => quartiles(walls(side), digits)).join(' | ')} | ${ratios.join(' | ')} | ${leasts.join(' / ')} | ${cpu.join(' / ')} |`;
}

const HEAD =
  '| what | before | calling | job | before / calling by round | before / job by round | least: before / calling, / job | CPU before / calling / job |\n' +
  '|---|---|---|---|---|---|---|---|';

/** Rounds of `round` with the preparation before, on the calling thread and in the job, alternated. */
async function sides(round: (steps: number) => Promise<Timed>, rounds: number, steps: number) {
  try {
    const result = await runAlternating(
      SIDES.map((where) => ({
        round(n: number) {
          setPoolPrep(where);
          return round(n);
        },
      })),
      { rounds, steps, warmupRounds: 1 },
    );
    return result;
  } finally {
    setPoolPrep();
  }
}

/** `step` timed on each side, {@link STEPS} a round (ms a step), printed as a row and the rounds' load. */
async function timeSteps(name: string, step: () => Promise<unknown>, rounds: number): Promise<void> {
  const result = await sides(
    async (steps) => {
      const t = await timedMs(async () => {
        for (let s = 0; s < steps; s++) await step();
      });
      return { wall: t.wall / steps, cpu: t.cpu / steps };
    },
    rounds,
    STEPS,
  );
  console.log(row(name, result.rounds, 2));
  console.log(
    `load per core at most ${result.load.toFixed(1)}; others' cores ${result.othersCores?.toFixed(2)}`,
  );
}

async function measure(data: 'mnist' | 'random', rounds: number, stepsOnly: boolean): Promise<void> {
  const operands = await mlpOperands(data);
  const { x, y } = operands;
  const products = mlpProducts(operands);
  console.log(`\n${data}: load ${loadavg()[0].toFixed(1)}; us a call (products) or ms a step`);
  console.log(HEAD);
  for (const [name, a, b, tA, tB] of stepsOnly ? [] : products) {
    const result = await sides(
      async (calls) => {
        const t = await timedMs(() => {
          for (let c = 0; c < calls; c++) tf.matMul(a, b, tA, tB).dispose();
        });
        return { wall: (t.wall * 1000) / calls, cpu: (t.cpu * 1000) / calls };
      },
      rounds,
      CALLS,
    );
    console.log(row(name, result.rounds));
  }
  const model = tensorfoldModel('mlp');
  for (let i = 0; i < 5; i++) await model.trainOnBatch(x, y);
  const before = tf.memory().numTensors;
  await timeSteps('MLP step (ms)', () => model.trainOnBatch(x, y), rounds);
  if (tf.memory().numTensors !== before) throw new Error('the steps leaked tensors');
  operands.dispose();
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
  await timeSteps(
    'LeNet-5 step (ms)',
    async () => {
      const { x, y } = batches[next++ % AB_BATCHES];
      await model.trainOnBatch(x, y);
    },
    rounds,
  );
  for (const { x, y } of batches) tf.dispose([x, y]);
}

async function main() {
  const rounds = Number(process.argv[2] ?? '15');
  const which = process.argv[3] ?? 'both';
  console.log(`backend: ${await useBackend('wasm')}; threads ${wasmThreads()}; rounds ${rounds}`);
  if (wasmThreads() < 2) throw new Error('Run with 2 threads (TENSORFOLD_WASM_THREADS=2).');
  if (which === 'lenet5') return lenet5(rounds);
  for (const data of ['mnist', 'random'] as const)
    if (which === 'both' || which === data) await measure(data, rounds, process.argv[4] === 'steps');
}

await main();
