/**
 * Issue 22: would pairing rows of `op(a)` whose zero patterns overlap list fewer steps than pairing
 * adjacent rows? The one-thread float32 product (`pair-steps.wat`) walks, per pair of rows of
 * `op(a)`, the steps where either row is not ±0; this counts that listed share (listed pair-steps
 * over all pair-steps) for the MLP 784-512-256-10's five large products on operands of a model
 * trained on MNIST, under several pairings of the rows (a count; the kernel runs only with
 * `timeRounds`, below).
 *
 * The model trains `steps` steps (default 300) of batch 128 with Adam over the first 16 * 128 MNIST
 * training images (the bench's `--mnist` cycle); then, for the next `batches` batches of the cycle
 * (default 4), the forward and backward pass is redone in plain tensor ops to get `x`, `h1`, `dy1`,
 * `dy2` as the training step sees them, and each product's `op(a)` is paired:
 *
 * - `adjacent`: rows 2i and 2i + 1 (today).
 * - `sort-blocks`: rows sorted by a signature of 32 bits, bit j set where the row has a nonzero among
 *   steps [j k / 32, (j + 1) k / 32); then adjacent in that order.
 * - `minhash2`: rows sorted by two min-hashes of their nonzero steps (the first nonzero under two
 *   seeded random orders of the steps), then adjacent.
 * - `greedy-window`: rows in `sort-blocks` order; each unpaired row takes, among the next 16 unpaired,
 *   the one whose union is smallest (bitsets, popcounts).
 * - `greedy-all`: each unpaired row, in order, takes the unpaired row whose union is smallest among
 *   all (O(m^2 k / 32)).
 * - `window-typed`, `window8`: {@link windowPairOrder}, `greedy-window` on typed arrays (window 16, 8).
 * - `window16-s64`, `window8-s64`, `window16-s128`: the same on 64 or 128 of the k steps, evenly
 *   spaced (bitsets of 2 or 4 words a row: cheaper to build and compare).
 * - `global-greedy`: all pairs' unions, taken smallest first (a near bound on what any pairing could
 *   do; far too slow to run per call).
 *
 * With `timeRounds` > 0, each product then runs on today's kernel with `op(a)`'s rows permuted
 * beforehand (outside the timing) into the `window16-s64` order and the `global-greedy` order, so
 * that the kernel's adjacent pairs are those pairs: what the kernel would gain from the pairing, not
 * counting the pairing's own cost (timed above). The three sides alternate (`runAlternating`),
 * `timeRounds` rounds of 20 calls; median process CPU and wall microseconds per call, and each
 * permuted side's per-round CPU ratio (adjacent / permuted, > 1: fewer steps pay) median and
 * quartiles; and `window16-s64`'s own cost, warm (200 calls after 50), CPU and wall microseconds per
 * call.
 *
 * With `ROW_PAIRING_POOL_AB=1` (run it with `TENSORFOLD_WASM_THREADS=2`), each product instead runs as
 * routed today (on: the pool where the crossover sends it) against one thread forced (off:
 * `setThreadedMatMulMinimum` past every size, so the one-thread pairs' walk), alternating: whether a
 * route that weighed the listed share would keep some of them on one thread. Wall and CPU per call,
 * the per-round wall ratio (one thread / routed, > 1: today's route faster) median and quartiles.
 *
 * `pnpm --filter @tensorfold/bench row-pairing-shares [steps] [batches] [timeRounds]`
 */
import { setThreadedMatMulMinimum } from '@tensorfold/backend/testing';
import { setSeed, tf } from '@tensorfold/core';
import { adam, categoricalCrossentropy } from '@tensorfold/optim';
import { runAlternating } from './alternating-rounds.js';
import { useBackend } from './backends.js';
import { mlpNetwork } from './networks.js';
import { medianOf as median } from './steadiness.js';
import { runSwitchAb } from './switch-ab.js';
import { timedMs } from './timed-call.js';
import { batchAt, disposeBatches, trainingBatches } from './training-data.js';

/** A row-major `rows x cols` matrix. */
interface Matrix {
  rows: number;
  cols: number;
  data: Float32Array;
}

function transpose(a: Matrix): Matrix {
  const data = new Float32Array(a.data.length);
  for (let i = 0; i < a.rows; i++)
    for (let j = 0; j < a.cols; j++) data[j * a.rows + i] = a.data[i * a.cols + j];
  return { rows: a.cols, cols: a.rows, data };
}

/** Each row's nonzero steps as a bitset of `ceil(cols / 32)` words. */
function bitsets(a: Matrix): Uint32Array[] {
  const words = Math.ceil(a.cols / 32);
  const out: Uint32Array[] = [];
  for (let i = 0; i < a.rows; i++) {
    const bits = new Uint32Array(words);
    for (let j = 0; j < a.cols; j++) if (a.data[i * a.cols + j] !== 0) bits[j >>> 5] |= 1 << (j & 31);
    out.push(bits);
  }
  return out;
}

function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

function unionCount(a: Uint32Array, b: Uint32Array): number {
  let n = 0;
  for (let w = 0; w < a.length; w++) n += popcount(a[w] | b[w]);
  return n;
}

/** Listed share of pair-steps when `order`'s rows are paired 2i, 2i + 1 (m even). */
function listedShare(bits: Uint32Array[], order: number[], cols: number): number {
  let listed = 0;
  for (let p = 0; p + 1 < order.length; p += 2) listed += unionCount(bits[order[p]], bits[order[p + 1]]);
  return listed / ((order.length / 2) * cols);
}

function rowShare(bits: Uint32Array[], cols: number): number {
  let n = 0;
  for (const b of bits) for (const w of b) n += popcount(w);
  return n / (bits.length * cols);
}

function blockSignature(a: Matrix, i: number): number {
  let sig = 0;
  for (let j = 0; j < a.cols; j++)
    if (a.data[i * a.cols + j] !== 0) sig |= 1 << (31 - Math.floor((j * 32) / a.cols));
  return sig >>> 0;
}

function sortedBy(m: number, key: (i: number) => number[]): number[] {
  const keys = Array.from({ length: m }, (_, i) => key(i));
  return Array.from({ length: m }, (_, i) => i).sort((x, y) => {
    for (let t = 0; t < keys[x].length; t++) if (keys[x][t] !== keys[y][t]) return keys[x][t] - keys[y][t];
    return x - y;
  });
}

/** A seeded random order of `n` steps (rank of each step). */
function randomRanks(n: number, seed: number): Uint32Array {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s;
  };
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = next() % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const ranks = new Uint32Array(n);
  order.forEach((step, rank) => {
    ranks[step] = rank;
  });
  return ranks;
}

function minHash(a: Matrix, i: number, ranks: Uint32Array): number {
  let least = a.cols;
  for (let j = 0; j < a.cols; j++) if (a.data[i * a.cols + j] !== 0 && ranks[j] < least) least = ranks[j];
  return least;
}

/** Greedy: each unpaired row in `order` takes the best of the next `window` unpaired rows. */
function greedy(bits: Uint32Array[], order: number[], window: number): number[] {
  const taken = new Uint8Array(order.length);
  const out: number[] = [];
  for (let p = 0; p < order.length; p++) {
    if (taken[p]) continue;
    taken[p] = 1;
    let best = -1;
    let bestCount = Number.POSITIVE_INFINITY;
    let seen = 0;
    for (let q = p + 1; q < order.length && seen < window; q++) {
      if (taken[q]) continue;
      seen++;
      const c = unionCount(bits[order[p]], bits[order[q]]);
      if (c < bestCount) [best, bestCount] = [q, c];
    }
    out.push(order[p]);
    if (best >= 0) {
      taken[best] = 1;
      out.push(order[best]);
    }
  }
  return out;
}

/** Pairs taken smallest union first over all m (m - 1) / 2 pairs: a near bound, far too slow per call. */
function globalGreedy(bits: Uint32Array[]): number[] {
  const m = bits.length;
  const edges: Array<[number, number, number]> = [];
  for (let i = 0; i < m; i++)
    for (let j = i + 1; j < m; j++) edges.push([unionCount(bits[i], bits[j]), i, j]);
  edges.sort((x, y) => x[0] - y[0]);
  const taken = new Uint8Array(m);
  const out: number[] = [];
  for (const [, i, j] of edges) {
    if (taken[i] || taken[j]) continue;
    taken[i] = taken[j] = 1;
    out.push(i, j);
  }
  return out;
}

/**
 * `greedy-window` written as a kernel's TS side would run it, typed arrays only: bitsets of the
 * nonzero steps (all k, or `samples` of them evenly spaced) and a 32-bit block signature in one pass
 * over `a` (`[m, k]` row-major), rows sorted by signature, then each unpaired row takes the best of
 * the next `window` unpaired. Returns the rows in pair order (pair i: entries 2i, 2i + 1). Timed to bound what the pairing would cost per
 * call (wasm's i32.popcnt would be cheaper than the bit trick here).
 */
export function windowPairOrder(
  data: Float32Array,
  m: number,
  k: number,
  window = 16,
  samples = k,
): Int32Array {
  const used = Math.min(samples, k);
  const words = (used + 31) >>> 5;
  const bits = new Int32Array(m * words);
  const keys = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let sig = 0;
    const row = i * k;
    const at = i * words;
    for (let t = 0; t < used; t++)
      if (data[row + (used === k ? t : ((t * k) / used) | 0)] !== 0) {
        bits[at + (t >>> 5)] |= 1 << (t & 31);
        sig |= 1 << (31 - (((t * 32) / used) | 0));
      }
    keys[i] = (sig >>> 0) * 4096 + i;
  }
  keys.sort();
  const order = new Int32Array(m);
  for (let i = 0; i < m; i++) order[i] = keys[i] % 4096;
  const taken = new Uint8Array(m);
  const out = new Int32Array(m);
  let n = 0;
  for (let p = 0; p < m; p++) {
    if (taken[p]) continue;
    taken[p] = 1;
    const a = order[p] * words;
    let best = -1;
    let bestCount = 1 << 30;
    for (let q = p + 1, seen = 0; q < m && seen < window; q++) {
      if (taken[q]) continue;
      seen++;
      const b = order[q] * words;
      let c = 0;
      for (let w = 0; w < words; w++) {
        let v = bits[a + w] | bits[b + w];
        v = v - ((v >>> 1) & 0x55555555);
        v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
        c += Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
      }
      if (c < bestCount) {
        best = q;
        bestCount = c;
      }
    }
    out[n++] = order[p];
    if (best >= 0) {
      taken[best] = 1;
      out[n++] = order[best];
    }
  }
  return out;
}

/** Listed shares of `a` (op(a), rows paired) under each pairing; how long each pairing took, ms. */
function shares(a: Matrix): Record<string, [number, number]> {
  const bits = bitsets(a);
  const m = a.rows;
  const identity = Array.from({ length: m }, (_, i) => i);
  const out: Record<string, [number, number]> = { row: [rowShare(bits, a.cols), 0] };
  const timed = (name: string, make: () => number[]) => {
    const t = performance.now();
    const order = make();
    out[name] = [listedShare(bits, order, a.cols), performance.now() - t];
  };
  timed('adjacent', () => identity);
  const ranksA = randomRanks(a.cols, 11);
  const ranksB = randomRanks(a.cols, 23);
  timed('sort-blocks', () => sortedBy(m, (i) => [blockSignature(a, i)]));
  timed('minhash2', () => sortedBy(m, (i) => [minHash(a, i, ranksA), minHash(a, i, ranksB)]));
  timed('greedy-window', () =>
    greedy(
      bits,
      sortedBy(m, (i) => [blockSignature(a, i)]),
      16,
    ),
  );
  timed('greedy-all', () => greedy(bits, identity, m));
  timed('window-typed', () => Array.from(windowPairOrder(a.data, a.rows, a.cols)));
  timed('window8', () => Array.from(windowPairOrder(a.data, a.rows, a.cols, 8)));
  timed('window16-s64', () => Array.from(windowPairOrder(a.data, a.rows, a.cols, 16, 64)));
  timed('window8-s64', () => Array.from(windowPairOrder(a.data, a.rows, a.cols, 8, 64)));
  timed('window16-s128', () => Array.from(windowPairOrder(a.data, a.rows, a.cols, 16, 128)));
  timed('global-greedy', () => globalGreedy(bits));
  return out;
}

function quartiles(values: number[]): [number, number, number] {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => {
    const i = (sorted.length - 1) * q;
    const lo = Math.floor(i);
    return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (i - lo);
  };
  return [at(0.25), at(0.5), at(0.75)];
}

/** `t`'s rows (axis 0) or columns (axis 1) in `order`. */
function permuted(t: tf.Tensor, order: ArrayLike<number>, axis: 0 | 1): tf.Tensor {
  return tf.tidy(() => tf.gather(t, tf.tensor1d(Int32Array.from(order), 'int32'), axis));
}

/** The step's operands the five products read. */
interface StepOperands {
  /** [128, 784] */
  x: tf.Tensor;
  /** [784, 512] */
  w1: tf.Tensor;
  /** [512, 256] */
  w2: tf.Tensor;
  /** [128, 512] */
  h1: tf.Tensor;
  /** [128, 512] */
  dy1: tf.Tensor;
  /** [128, 256] */
  dy2: tf.Tensor;
}

/**
 * The step's five large products: name, the stored operand op(a) comes from, whether op(a) is its
 * transpose, and the product given that operand (or a permutation of it).
 */
function stepProducts({
  x,
  w1,
  w2,
  h1,
  dy1,
  dy2,
}: StepOperands): Array<[string, tf.Tensor, boolean, (a: tf.Tensor) => tf.Tensor]> {
  return [
    ['x . W1', x, false, (a) => tf.matMul(a, w1)],
    ['x^T . dy1', x, true, (a) => tf.matMul(a, dy1, true, false)],
    ['h1 . W2', h1, false, (a) => tf.matMul(a, w2)],
    ['h1^T . dy2', h1, true, (a) => tf.matMul(a, dy2, true, false)],
    ['dy2 . W2^T', dy2, false, (a) => tf.matMul(a, w2, false, true)],
  ];
}

/**
 * A step's forward and backward pass on batch `x` [128, 784] (one-hot `y` [128, 10]) with the MLP's
 * `weights` [W1, b1, W2, b2, W3, b3] (softmax cross-entropy, mean over the batch): the hidden
 * activation h1 [128, 512] and the hidden layers' output gradients dy1 [128, 512], dy2 [128, 256].
 * The caller disposes them.
 */
function stepActivations(
  x: tf.Tensor,
  y: tf.Tensor,
  weights: tf.Tensor[],
): Pick<StepOperands, 'h1' | 'dy1' | 'dy2'> {
  const [w1, b1, w2, b2, w3, b3] = weights;
  return tf.tidy(() => {
    const h1 = tf.relu(tf.add(tf.matMul(x, w1), b1)); // [128, 512]
    const h2 = tf.relu(tf.add(tf.matMul(h1, w2), b2)); // [128, 256]
    const p = tf.softmax(tf.add(tf.matMul(h2, w3), b3)); // [128, 10]
    const dy3 = tf.div(tf.sub(p, tf.cast(y, 'float32')), 128); // [128, 10]
    const dy2 = tf.mul(tf.matMul(dy3, w3, false, true), tf.step(h2)); // [128, 256]
    const dy1 = tf.mul(tf.matMul(dy2, w2, false, true), tf.step(h1)); // [128, 512]
    return { h1, dy1, dy2 };
  });
}

async function timeProducts(operands: StepOperands, rounds: number): Promise<void> {
  const asMatrix = (t: tf.Tensor, transposed: boolean): Matrix => {
    const [rows, cols] = t.shape as [number, number];
    const m = { rows, cols, data: t.dataSync() as Float32Array };
    return transposed ? transpose(m) : m;
  };
  // op(a), the axis of the stored operand that op(a)'s rows run along, and the product given that operand
  const cases = stepProducts(operands);
  console.log(
    '\n| op(a) | adjacent: CPU (wall) us | window16-s64 | global-greedy | adjacent / window16-s64, CPU median [quartiles] | adjacent / global-greedy | window16-s64 pairing, warm: CPU (wall) us |\n|---|---|---|---|---|---|---|',
  );
  let load = 0;
  for (const [name, operand, transposed, run] of cases) {
    const a = asMatrix(operand, transposed);
    const bits = bitsets(a);
    const orders = [windowPairOrder(a.data, a.rows, a.cols, 16, 64), Int32Array.from(globalGreedy(bits))];
    for (let i = 0; i < 50; i++) windowPairOrder(a.data, a.rows, a.cols, 16, 64); // warm
    const pairing = await timedMs(() => {
      for (let i = 0; i < 200; i++) windowPairOrder(a.data, a.rows, a.cols, 16, 64);
    });
    const pairingUs = `${((pairing.cpu * 1000) / 200).toFixed(0)} (${((pairing.wall * 1000) / 200).toFixed(0)})`;
    const inputs = [operand, ...orders.map((o) => permuted(operand, o, transposed ? 1 : 0))];
    try {
      const sides = inputs.map((input) => ({
        round: async (calls: number) => {
          const { wall, cpu } = await timedMs(() => {
            for (let i = 0; i < calls; i++) run(input).dispose();
          });
          return { wall: (wall * 1000) / calls, cpu: (cpu * 1000) / calls };
        },
      }));
      const result = await runAlternating(sides, { rounds, steps: 20, warmupRounds: 1 });
      load = Math.max(load, result.load);
      const cell = (i: number) =>
        `${median(result.rounds[i].map((t) => t.cpu)).toFixed(0)} (${median(result.rounds[i].map((t) => t.wall)).toFixed(0)})`;
      const ratio = (i: number) => {
        const [q1, q2, q3] = quartiles(result.rounds[0].map((t, r) => t.cpu / result.rounds[i][r].cpu));
        return `${q2.toFixed(3)} [${q1.toFixed(3)}, ${q3.toFixed(3)}]`;
      };
      console.log(
        `| ${name} | ${cell(0)} | ${cell(1)} | ${cell(2)} | ${ratio(1)} | ${ratio(2)} | ${pairingUs} |`,
      );
    } finally {
      tf.dispose(inputs.slice(1));
    }
  }
  console.log(`largest load per core ${load.toFixed(2)}`);
}

/** Each product routed as today (on) against one thread forced (off); see the file's comment. */
async function routeProducts(operands: StepOperands, rounds: number): Promise<void> {
  // each product on its stored operand, as the step calls it
  const cases = stepProducts(operands).map(([name, operand, , run]): [string, () => tf.Tensor] => [
    name,
    () => run(operand),
  ]);
  console.log(
    '\n| product | routed: wall (CPU) us | one thread | one thread / routed, wall median [quartiles] |\n|---|---|---|---|',
  );
  let load = 0;
  for (const [name, run] of cases) {
    const result = await runSwitchAb(
      (on) => setThreadedMatMulMinimum(on ? undefined : Number.MAX_SAFE_INTEGER),
      async (calls) => {
        const { wall, cpu } = await timedMs(() => {
          for (let i = 0; i < calls; i++) run().dispose();
        });
        return { wall: (wall * 1000) / calls, cpu: (cpu * 1000) / calls };
      },
      { rounds, steps: 20, warmupRounds: 1 },
    );
    setThreadedMatMulMinimum();
    load = Math.max(load, result.load);
    const cell = (side: typeof result.on) =>
      `${median(side.map((t) => t.wall)).toFixed(0)} (${median(side.map((t) => t.cpu)).toFixed(0)})`;
    const [q1, q2, q3] = quartiles(result.off.map((t, r) => t.wall / result.on[r].wall));
    console.log(
      `| ${name} | ${cell(result.on)} | ${cell(result.off)} | ${q2.toFixed(3)} [${q1.toFixed(3)}, ${q3.toFixed(3)}] |`,
    );
  }
  console.log(`largest load per core ${load.toFixed(2)}`);
}

async function main() {
  const steps = Number(process.argv[2] ?? '300');
  const batches = Number(process.argv[3] ?? '4');
  const timeRounds = Number(process.argv[4] ?? '0');
  console.log(`backend: ${await useBackend('wasm')}`);
  setSeed(1);
  const model = mlpNetwork();
  const optimizer = adam({ learningRate: 1e-3 });
  model.compile({ optimizer, loss: categoricalCrossentropy() });
  const { data, remove } = await trainingBatches('mnist', 128, [784]);
  try {
    for (let s = 0; s < steps; s++) {
      const { x, y } = batchAt(data, s);
      await model.trainOnBatch(x, y);
    }
    const weights = model.getWeights(); // copies: disposed below
    const [w1, , w2] = weights;
    const names = ['x . W1', 'x^T . dy1', 'h1 . W2', 'h1^T . dy2', 'dy2 . W2^T'];
    const sums: Record<string, Record<string, number[]>> = {};
    for (let b = 0; b < batches; b++) {
      const { x, y } = batchAt(data, steps + b);
      const { h1: h1t, dy1: dy1t, dy2: dy2t } = stepActivations(x, y, weights);
      const [xm, h1m, dy1m, dy2m] = [x, h1t, dy1t, dy2t].map((t) => {
        const [rows, cols] = t.shape as [number, number];
        return { rows, cols, data: t.dataSync() as Float32Array } as Matrix;
      });
      tf.dispose([h1t, dy1t, dy2t]);
      const ops: Matrix[] = [xm, transpose(xm), h1m, transpose(h1m), dy2m];
      void dy1m;
      ops.forEach((a, i) => {
        const got = shares(a);
        sums[names[i]] ??= {};
        for (const [k, [share, ms]] of Object.entries(got)) {
          sums[names[i]][k] ??= [0, 0];
          sums[names[i]][k][0] += share / batches;
          sums[names[i]][k][1] += ms / batches;
        }
      });
    }
    const pairings = Object.keys(sums[names[0]]);
    console.log(
      `trained ${steps} steps; means over ${batches} batches; listed share (pairing ms, first call: cold, JIT included)`,
    );
    console.log(`| op(a) | ${pairings.join(' | ')} |\n|${'---|'.repeat(pairings.length + 1)}`);
    for (const name of names) {
      const cells = pairings.map((k) => `${sums[name][k][0].toFixed(3)} (${sums[name][k][1].toFixed(2)})`);
      console.log(`| ${name} | ${cells.join(' | ')} |`);
    }
    if (timeRounds > 0) {
      const { x, y } = batchAt(data, steps);
      const kept = stepActivations(x, y, weights);
      try {
        if (process.env.ROW_PAIRING_POOL_AB === '1') await routeProducts({ x, w1, w2, ...kept }, timeRounds);
        else await timeProducts({ x, w1, w2, ...kept }, timeRounds);
      } finally {
        tf.dispose([kept.h1, kept.dy1, kept.dy2]);
      }
    }
    tf.dispose(weights);
  } finally {
    disposeBatches(data);
    remove();
    model.dispose();
    optimizer.dispose();
  }
  console.log(`tensors left: ${tf.memory().numTensors}`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
