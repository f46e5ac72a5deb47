/**
 * `pnpm --filter @tensorfold/bench crossover-ab [products|sweep] [rounds]`,
 * `... crossover-ab predict [rounds] [random|mnist]`, `... crossover-ab train|lenet5 [rounds] [steps] [mnist|random]`
 *
 * Same-process A/Bs of the WASM pool's float32 product crossover (mat-mul-by-threads.ts). Needs 2+
 * threads (`TENSORFOLD_WASM_THREADS` unset or 2). Each A/B alternates its two sides round by round
 * (the side that runs first changing every round, after a warm-up round) so that load from other
 * processes hits both alike, and reports medians and quartiles of wall time, and the process's CPU
 * time (every thread: the workers' too).
 *
 * - `products` (the default; rounds default 8): the products of the MLP 784-512-256-10 (`predict` at
 *   batch 32; training at batch 128: forward, weight gradient, input gradient of each layer) and of
 *   LeNet-5's dense layers at batch 64, and 512x512x512: the pool forced on against the calling
 *   thread alone (the pool off), each round running every product, and how the rule now and wave
 *   10's ({@link WAVE_10}) route each; then the rules fitted to them (as `sweep`).
 * - `sweep` (rounds default 12): the same products and sizes around the crossover (rows of a 784x512,
 *   512x256 and 400x120 weight, squares, wide, tall and deep products); each one's multiply-adds,
 *   copied elements, both sides' times and the ratio (> 1: the pool wins), also of each side's
 *   fastest round; then, on the medians and on the fastest rounds, the two-term model fitted to every
 *   row and the rule `work >= base + perCopy * copied` that loses least (crossover-fit.ts), and
 *   which rows each rule sends the slower way.
 * - `predict` (rounds default 16): the float MLP's inference on 1000 rows in batches of 32 (dense
 *   layers as fused products with bias and relu, untrained random weights) under the rule now
 *   against wave 10's; its argument after the rounds picks the rows: `random` (the default) or `mnist`
 *   (MNIST's first 1000 test digits, whose zeros the products' lists pass over). Under the default
 *   rule (3M + 24) every product of that pass routes as under wave 10's, so the two sides are the
 *   same code (an A/A); `CROSSOVER_RULE=3000000,14` sends the first layer to the pool, the A/B behind
 *   the copy term's 24.
 * - `train` / `lenet5` (rounds default 15, steps default 4, data default `mnist`: MNIST's first
 *   training images; `random`: uniform pixels): training steps of the MLP at batch 128 / LeNet-5 at
 *   batch 64 (training-models.ts, Adam) under the rule now against wave 10's.
 *
 * The rule now is the default (`MAT_MUL_CROSSOVER`), or `CROSSOVER_RULE=base,perCopy` for a
 * candidate.
 */
import { loadavg } from 'node:os';
import { wasmThreads } from '@tensorfold/backend';
import {
  MAT_MUL_CROSSOVER,
  type MatMulCrossover,
  setThreadedKernelsEnabled,
  setThreadedMatMulCrossover,
  setThreadedMatMulMinimum,
  THREADED_MIN_MULTIPLY_ADDS,
  threadedMatMulRoutes,
} from '@tensorfold/backend/testing';
import { tf } from '@tensorfold/core';
import { loadMnist } from '@tensorfold/data/node';
import { AB_BATCHES, abBatches } from './ab-batches.js';
import { roundOrder } from './alternating-rounds.js';
import { useBackend } from './backends.js';
import { bestCrossover, fitCrossover, routingLoss, type SweepPoint } from './crossover-fit.js';
import { mlpPredictPass } from './mlp-predict-pass.js';
import { medianAndQuartiles, medianOf, pairedRatios } from './steadiness.js';
import { runSwitchAb, type SwitchSide } from './switch-ab.js';
import { timedMs, timedSteps } from './timed-call.js';
import { type NetworkName, TRAINING_INPUT, tensorfoldModel } from './training-models.js';

/**
 * Wave 10's rule (branch wip/float-infer): 48 multiply-adds per copied element (its 1M minimum
 * changes nothing: no product with 48 per copied element has fewer than 3M).
 */
const WAVE_10: MatMulCrossover = { base: 0, perCopy: 48 };

/** The rule measured as "now": the default, or a candidate (see {@link candidateRule}). */
let now: MatMulCrossover = MAT_MUL_CROSSOVER;

interface Product {
  name: string;
  a: number[];
  b: number[];
  transposeA?: boolean;
  transposeB?: boolean;
}

/** A dense layer's three products at `batch` rows: forward, weight gradient, input gradient. */
function passes(tag: string, batch: number, units: number, outputs: number): Product[] {
  return [
    { name: `${tag} fwd`, a: [batch, units], b: [units, outputs] },
    { name: `${tag} dW`, a: [batch, units], b: [batch, outputs], transposeA: true },
    { name: `${tag} dX`, a: [batch, outputs], b: [units, outputs], transposeB: true },
  ];
}

/** The products of the networks the crossover is tuned for. */
const NETWORK_PRODUCTS: Product[] = [
  { name: 'MLP infer b32 L1', a: [32, 784], b: [784, 512] },
  { name: 'MLP infer b32 L2', a: [32, 512], b: [512, 256] },
  { name: 'MLP infer b32 L3', a: [32, 256], b: [256, 10] },
  ...passes('MLP train b128 L1', 128, 784, 512),
  ...passes('MLP train b128 L2', 128, 512, 256),
  ...passes('MLP train b128 L3', 128, 256, 10),
  ...passes('LeNet-5 b64 D1', 64, 400, 120),
  ...passes('LeNet-5 b64 D2', 64, 120, 84),
  { name: 'issue 22 512^3', a: [512, 512], b: [512, 512] },
];

/** Sizes around the crossover. */
const SWEEP_PRODUCTS: Product[] = [
  ...[8, 16, 24, 48, 64, 96, 256].map((m) => ({ name: `rows ${m} x784x512`, a: [m, 784], b: [784, 512] })),
  ...[16, 48, 64, 96, 192, 256].map((m) => ({ name: `rows ${m} x512x256`, a: [m, 512], b: [512, 256] })),
  ...[32, 96, 128, 256].map((m) => ({ name: `rows ${m} x400x120`, a: [m, 400], b: [400, 120] })),
  ...[96, 128, 160, 192, 224, 256, 320].map((n) => ({ name: `square ${n}`, a: [n, n], b: [n, n] })),
  { name: 'wide 32x1024x1024', a: [32, 1024], b: [1024, 1024] },
  { name: 'wide 64x1024x1024', a: [64, 1024], b: [1024, 1024] },
  { name: 'tall 1024x64x64', a: [1024, 64], b: [64, 64] },
  { name: 'tall 2048x128x64', a: [2048, 128], b: [128, 64] },
  { name: 'tall 4096x64x128', a: [4096, 64], b: [64, 128] },
  { name: 'deep 64x4096x64', a: [64, 4096], b: [4096, 64] },
];

/** The `[m, k, n]` of a product (no batches here). */
function sizeOf(p: Product): [number, number, number] {
  const m = p.transposeA ? p.a[1] : p.a[0];
  const k = p.transposeA ? p.a[0] : p.a[1];
  const n = p.transposeB ? p.b[0] : p.b[1];
  return [m, k, n];
}

/** Whether `rule` sends `p` to the pool. */
function routedBy(rule: MatMulCrossover, p: Product): boolean {
  setThreadedMatMulCrossover(rule);
  try {
    return threadedMatMulRoutes(p.a, p.b, p.transposeA ?? false, p.transposeB ?? false);
  } finally {
    setThreadedMatMulCrossover();
  }
}

/** Milliseconds a side-round aims for, so that small products run many calls a round. */
const ROUND_MS = 4;

/** Per-call wall and CPU ms of every round of one product, on the pool and on one thread. */
interface ProductTimes {
  wall: Record<'pool' | 'one', number[]>;
  cpu: Record<'pool' | 'one', number[]>;
}

/** The sides of a product's round, in the order {@link roundOrder} rotates (warm-up: one first). */
const PRODUCT_SIDES = ['one', 'pool'] as const;

/**
 * Every product, the pool forced on (`setThreadedMatMulMinimum(1)`) against the pool off, in
 * `rounds` rounds after a warm-up; each round runs every product's two sides back to back (the side
 * first changing every round: {@link roundOrder} of round r + 1, the warm-up being round 0), so that
 * the load of a given minute hits every product alike. (Not alternating-rounds.ts's `runAlternating`:
 * its rounds run each side once in all, where these interleave the sides product by product.)
 */
async function timeProducts(products: Product[], rounds: number): Promise<ProductTimes[]> {
  const operands = products.map((p) => ({
    a: tf.randomUniform(p.a, -1, 1, 'float32', 1),
    b: tf.randomUniform(p.b, -1, 1, 'float32', 2),
  }));
  const calls = products.map(() => 1);
  const times: ProductTimes[] = products.map(() => ({
    wall: { pool: [], one: [] },
    cpu: { pool: [], one: [] },
  }));
  setThreadedMatMulMinimum(1);
  try {
    for (let round = 0; round <= rounds; round++) {
      const warmUp = round === 0;
      for (const [i, p] of products.entries()) {
        const { a, b } = operands[i];
        for (const side of roundOrder(2, round).map((at) => PRODUCT_SIDES[at])) {
          setThreadedKernelsEnabled(side === 'pool');
          const count = warmUp ? 3 : calls[i];
          const { wall, cpu } = await timedMs(() => {
            for (let c = 0; c < count; c++) tf.matMul(a, b, p.transposeA, p.transposeB).dispose();
          });
          if (warmUp) {
            // The calls a round needs, from the slower side.
            calls[i] = Math.max(calls[i], Math.ceil(ROUND_MS / Math.max(1e-3, wall / count)));
          } else {
            times[i].wall[side].push(wall / count);
            times[i].cpu[side].push(cpu / count);
          }
        }
      }
    }
  } finally {
    setThreadedKernelsEnabled(true);
    setThreadedMatMulMinimum();
    tf.dispose(operands.flatMap(({ a, b }) => [a, b]));
  }
  return times;
}

/** A product's sweep point, with the product. */
type Point = SweepPoint & { product: Product };

async function sweep(products: Product[], rounds: number): Promise<void> {
  const loads = [loadavg()[0]];
  console.log(
    '| product | shapes | M mult-adds | k copied | per copy | pool ms [q1, q3] | 1 thread ms [q1, q3] | ' +
      'ratio (> 1: pool wins) | ratio of minimums | CPU pool / 1 thread | pool now | pool wave 10 |\n' +
      '|---|---|---|---|---|---|---|---|---|---|---|---|',
  );
  const medians: Point[] = [];
  const minimums: Point[] = [];
  const times = await timeProducts(products, rounds);
  loads.push(loadavg()[0]);
  for (const [i, p] of products.entries()) {
    const [m, k, n] = sizeOf(p);
    const work = m * k * n;
    const copied = m * k + k * n + m * n;
    const { wall, cpu } = times[i];
    const pool = medianOf(wall.pool);
    const one = medianOf(wall.one);
    medians.push({ work, copied, pool, one, product: p });
    minimums.push({ work, copied, pool: Math.min(...wall.pool), one: Math.min(...wall.one), product: p });
    const shapes = `[${p.a}]${p.transposeA ? '^T' : ''} x [${p.b}]${p.transposeB ? '^T' : ''}`;
    console.log(
      `| ${p.name} | ${shapes} | ${(work / 1e6).toFixed(2)} | ${(copied / 1e3).toFixed(0)} | ` +
        `${(work / copied).toFixed(0)} | ${medianAndQuartiles(wall.pool, 3)} | ${medianAndQuartiles(wall.one, 3)} | ` +
        `${(one / pool).toFixed(2)} | ${(minimums[i].one / minimums[i].pool).toFixed(2)} | ` +
        `${(medianOf(cpu.pool) / medianOf(cpu.one)).toFixed(2)} | ${routedBy(now, p)} | ${routedBy(WAVE_10, p)} |`,
    );
  }
  console.log(`load average (1 min) ${Math.min(...loads).toFixed(2)}-${Math.max(...loads).toFixed(2)}`);
  rulesOn('medians', medians);
  rulesOn('minimums (each side at its least loaded round)', minimums);
}

/** The two-term fit and the least-loss rule on `points`, and how each rule routes them. */
function rulesOn(what: string, points: Point[]): void {
  console.log(`\nOn the ${what}:`);
  const fit = fitCrossover(points);
  const rules: [string, MatMulCrossover][] = [
    ['now', now],
    ['wave 10', WAVE_10],
  ];
  if (fit != null) {
    console.log(
      `fitted: pool - one = ${(fit.f * 1000).toFixed(1)} us + ${(fit.c * 1e6).toFixed(3)} ns x copied - ` +
        `${(fit.g * 1e9).toFixed(4)} ps x work: the pool wins from ${(fit.base / 1e6).toFixed(2)}M + ` +
        `${fit.perCopy.toFixed(1)} x copied multiply-adds`,
    );
    rules.push(['fitted', { base: fit.base, perCopy: fit.perCopy }]);
  } else {
    console.log('fitted: the pool never gains on these rows');
  }
  const best = bestCrossover(points, THREADED_MIN_MULTIPLY_ADDS);
  rules.push(['least loss', { base: best.base, perCopy: best.perCopy }]);
  for (const [name, rule] of rules) {
    const routes = (p: Point) => routedBy(rule, p.product);
    const wrong = points.filter((p) => routes(p) !== p.pool < p.one);
    console.log(
      `${name} rule ${JSON.stringify(rule)}: loss ${(routingLoss(points, routes) * 100).toFixed(0)}% ` +
        `(${wrong.length} of ${points.length} rows the slower way: ${wrong.map(({ product }) => product.name).join('; ')})`,
    );
  }
}

/** Wall ms of every timed run, and wall and CPU ms a run averaged over each round, of each rule. */
type RuleTimes = Record<'now' | 'before', { wall: number[]; round: number[]; cpu: number[] }>;

/**
 * Calls `run` (which returns the wall ms of each of its runs, and the process CPU ms a run) under the
 * rule measured as now and wave 10's alternately ({@link runSwitchAb}, now the `on` side: now first in
 * the warm-up round, then before-now, now-before, ...), `rounds` rounds after one warm-up round; the
 * default rule again after.
 */
async function alternateRules(
  rounds: number,
  run: () => Promise<{ walls: number[]; cpu: number }>,
): Promise<RuleTimes> {
  try {
    const times = await runSwitchAb(
      (isNow) => setThreadedMatMulCrossover(isNow ? now : WAVE_10),
      () => run(),
      { rounds, steps: 1, warmupRounds: 1, first: 'on' },
    );
    const of = (side: SwitchSide) => ({
      wall: times[side].flatMap((t) => t.walls),
      round: times[side].map((t) => t.walls.reduce((sum, w) => sum + w, 0) / t.walls.length),
      cpu: times[side].map((t) => t.cpu),
    });
    return { now: of('on'), before: of('off') };
  } finally {
    setThreadedMatMulCrossover();
  }
}

/** Each side's median and quartiles, and the ratios: of medians, and each round's before over now. */
function reportRules(title: string, times: RuleTimes): void {
  console.log(title);
  for (const side of ['now', 'before'] as const) {
    const rule = side === 'now' ? now : WAVE_10;
    console.log(
      `${side} ${JSON.stringify(rule)}: ${medianAndQuartiles(times[side].wall, 2)} ms wall, ` +
        `${medianOf(times[side].cpu).toFixed(2)} ms CPU`,
    );
  }
  const paired = pairedRatios(times.before.round, times.now.round);
  console.log(
    `now against before (> 1: now faster): ${(medianOf(times.before.wall) / medianOf(times.now.wall)).toFixed(3)}x ` +
      `wall (medians); by round ${medianAndQuartiles(paired, 3)}; ` +
      `${(medianOf(times.before.cpu) / medianOf(times.now.cpu)).toFixed(3)}x CPU; load average ${loadavg()[0].toFixed(2)}`,
  );
}

/** The MLP's inference, 1000 rows in batches of 32 (mlp-predict-pass.ts), under the default rule and wave 10's. */
async function predictAb(rounds: number, data: string): Promise<void> {
  const x = await predictRows(data); // [1000, 784]
  const mlp = mlpPredictPass(x, { softmax: false });
  const predict = async () => {
    const { wall, cpu } = await timedMs(() => mlp.run());
    return { walls: [wall], cpu };
  };
  try {
    reportRules(
      `MLP 784-512-256-10 inference, 1000 ${data} rows in batches of 32, ${rounds} rounds a side (ms a pass):`,
      await alternateRules(rounds, predict),
    );
  } finally {
    mlp.dispose();
    x.dispose();
  }
}

/**
 * The 1000 rows `predict` mode passes: `random` (uniform pixels, nothing for the zero skips) or `mnist`
 * (MNIST's first 1000 test digits, whose zeros the one-thread path's pair lists pass over).
 */
async function predictRows(data: string): Promise<tf.Tensor2D> {
  if (data === 'random') return tf.randomUniform([1000, 784], 0, 1, 'float32', 30) as tf.Tensor2D;
  if (data !== 'mnist') throw new Error(`Unknown data ${data} for predict: random or mnist.`);
  const test = await loadMnist({ split: 'test', limit: 1000 });
  const x = tf.reshape(test.xs, [1000, 784]) as tf.Tensor2D;
  test.dispose();
  return x;
}

/** Training steps of `network` under the default rule and wave 10's. */
async function trainAb(network: NetworkName, data: string, rounds: number, steps: number): Promise<void> {
  const { batch } = TRAINING_INPUT[network];
  const model = tensorfoldModel(network);
  const batches = await abBatches(network, data, batch);
  let next = 0;
  const step = () =>
    timedSteps(steps, () => {
      const { x, y } = batches[next++ % AB_BATCHES];
      return model.trainOnBatch(x, y);
    });
  try {
    reportRules(
      `${network} training step at batch ${batch}, ${data} inputs, ${rounds} rounds of ${steps} steps a side (ms a step):`,
      await alternateRules(rounds, step),
    );
  } finally {
    model.dispose();
    for (const { x, y } of batches) tf.dispose([x, y]);
  }
}

/**
 * `CROSSOVER_RULE=base,perCopy` (multiply-adds) puts a candidate rule in the default's place for this
 * run, to compare candidates with wave 10's before one becomes the default.
 */
function candidateRule(): void {
  const given = process.env.CROSSOVER_RULE;
  if (given == null || given === '') return;
  const [base, perCopy] = given.split(',').map(Number);
  if (!Number.isFinite(base) || !Number.isFinite(perCopy)) {
    throw new Error(`CROSSOVER_RULE=${given}: give base,perCopy in multiply-adds, as 4000000,16.`);
  }
  now = { base, perCopy };
  console.log(`candidate rule in the default's place: ${JSON.stringify(now)}`);
}

async function main() {
  candidateRule();
  const [mode = 'products', roundsArg, stepsArg, dataArg = 'mnist'] = process.argv.slice(2);
  console.log(
    `backend: ${await useBackend('wasm')}, ${wasmThreads()} threads, load ${loadavg()[0].toFixed(2)}`,
  );
  if (wasmThreads() < 2) {
    console.log('crossover-ab: 1 thread, nothing to compare');
    return;
  }
  const rounds = (fallback: number) => {
    const count = Number(roundsArg ?? fallback);
    if (!Number.isInteger(count) || count < 1)
      throw new Error(
        `crossover-ab ${mode}: rounds must be a whole number from 1 (got ${roundsArg}), as ${mode} 30.`,
      );
    return count;
  };
  if (mode === 'products') return sweep(NETWORK_PRODUCTS, rounds(8));
  if (mode === 'sweep') return sweep([...NETWORK_PRODUCTS, ...SWEEP_PRODUCTS], rounds(12));
  // predict's data defaults to random (as before) and follows the rounds: predict 30 random|mnist
  if (mode === 'predict') {
    const data = stepsArg ?? 'random';
    if ((data !== 'random' && data !== 'mnist') || process.argv.length > 5)
      throw new Error(
        `crossover-ab predict takes [rounds] [random|mnist], as predict 30 mnist (got ${process.argv.slice(3).join(' ')}).`,
      );
    return predictAb(rounds(16), data);
  }
  if (mode === 'train') return trainAb('mlp', dataArg, rounds(15), Number(stepsArg ?? '4'));
  if (mode === 'lenet5') return trainAb('lenet5', dataArg, rounds(15), Number(stepsArg ?? '4'));
  throw new Error(`Unknown mode ${mode}: products, sweep, predict, train or lenet5.`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
