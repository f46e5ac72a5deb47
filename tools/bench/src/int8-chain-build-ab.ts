/**
 * `pnpm --filter @tensorfold/bench int8-chain-build-ab [REV] [calls]`: the MLP (784-512-256-10) on the
 * first 1000 MNIST test digits through `predict` (batches of 32), float32 against its int8 copy
 * (`quantizeForInference`) run by this checkout's threaded-int8-chain.wat and by the same file at git
 * revision REV (default `69367b8`, main before wave 11), compiled here with wabt as
 * compile-simd-kernels.mjs does (`setSoloChainModule`): two builds of the stack's kernel in one
 * process. The swapped module runs the one-thread path; the builds are compared there, with
 * `predict`'s batches kept on the calling thread (`setInt8OneThreadRows(32)`, not the default) on any
 * number of threads; the pool loads its own. With `TENSORFOLD_WASM_THREADS` above 1 a fourth variant
 * runs this build with small batches on the pool's job (`setInt8OneThreadRows(0)`, the default).
 * Rounds (`INT8_AB_ROUNDS`, default 21, after one warm-up) run every variant once, each round
 * starting one variant later; prints each variant's CPU and wall medians (quartiles), its ratio to
 * float32, and the rounds' paired ratios of the REV build's time to this
 * build's (median and quartiles). REV may instead be the path of a compiled module (`.wasm`).
 * With `calls`: then the least times of calls on each batch of 32, summed (see callsOf).
 * `INT8_AB_SKIP_LISTS=0`: both builds without the skip lists (`setInt8SkipListsEnabled(false)`).
 */
import { readFileSync } from 'node:fs';
import { initBackend } from '@tensorfold/backend';
import {
  setInt8OneThreadRows,
  setInt8SkipListsEnabled,
  setSoloChainModule,
} from '@tensorfold/backend/testing';
import { quantizeForInference } from '@tensorfold/compress';
import { sequential, setSeed, tf } from '@tensorfold/core';
import { loadMnist } from '@tensorfold/data/node';
import { dense } from '@tensorfold/layers';
import { roundOrder } from './alternating-rounds.js';
import { medianOf } from './steadiness.js';
import { fmaBuild, loadWabt, quartiles, sourceAt } from './wat-builds.js';

const WAT = 'threaded-int8-chain.wat';

/** The FMA build of threaded-int8-chain.wat at `rev` (lines marked `;;fma ` kept, relaxed SIMD on). */
async function buildAt(rev: string): Promise<Uint8Array<ArrayBuffer>> {
  // a compiled module, for trying builds not committed
  if (rev.endsWith('.wasm')) return new Uint8Array(readFileSync(rev));
  return fmaBuild(await loadWabt(), WAT, sourceAt(rev, WAT));
}

async function main(): Promise<void> {
  await initBackend({ require: 'wasm' });
  const rev = process.argv[2] ?? '69367b8';
  const before = await buildAt(rev);
  const rounds = Number(process.env.INT8_AB_ROUNDS ?? 21);
  // the builds are compared on the one-thread path, where the swapped module runs: predict's batches there
  setInt8OneThreadRows(32);
  // INT8_AB_SKIP_LISTS=0: the byte products without lists of units (gemm's unlisted lines, threaded-int8.wat's)
  if (process.env.INT8_AB_SKIP_LISTS === '0') setInt8SkipListsEnabled(false);
  setSeed(1);
  const float = sequential({
    layers: [
      dense({ units: 512, activation: 'relu', inputShape: [784] }),
      dense({ units: 256, activation: 'relu' }),
      dense({ units: 10, activation: 'softmax' }),
    ],
  });
  const int8 = quantizeForInference(float);
  const test = await loadMnist({ split: 'test', limit: 1000 });
  const x = tf.reshape(test.xs, [1000, 784]); // [1000, 784]
  test.dispose();
  const beforeLabel = `int8 (${rev}'s chain module, one thread to 32 rows)`;
  const oursLabel = 'int8 (this build, one thread to 32 rows)';
  const variants: [string, (input?: tf.Tensor) => tf.Tensor][] = [
    ['float32', (input = x) => float.predict(input) as tf.Tensor],
    [oursLabel, (input = x) => int8.predict(input) as tf.Tensor],
    [
      beforeLabel,
      (input = x) => {
        setSoloChainModule(before);
        try {
          return int8.predict(input) as tf.Tensor;
        } finally {
          setSoloChainModule(null);
        }
      },
    ],
  ];
  if (Number(process.env.TENSORFOLD_WASM_THREADS ?? 2) > 1)
    variants.push([
      'int8 (this build, small batches on the pool: the default)',
      (input = x) => {
        setInt8OneThreadRows(0);
        try {
          return int8.predict(input) as tf.Tensor;
        } finally {
          setInt8OneThreadRows(32);
        }
      },
    ]);
  const cpu = new Map<string, number[]>(variants.map(([k]) => [k, []]));
  const wall = new Map<string, number[]>(variants.map(([k]) => [k, []]));
  const outputs = new Map<string, Float32Array>();
  for (let r = 0; r < rounds + 1; r++)
    for (const [k, run] of roundOrder(variants.length, r).map((i) => variants[i])) {
      const usage = process.cpuUsage();
      const start = performance.now();
      const y = run();
      const values = (await y.data()) as Float32Array;
      y.dispose();
      const used = process.cpuUsage(usage);
      if (r === 0) {
        outputs.set(k, values);
        continue;
      }
      cpu.get(k)?.push((used.user + used.system) / 1000);
      wall.get(k)?.push(performance.now() - start);
    }
  const same = Buffer.from((outputs.get(beforeLabel) as Float32Array).buffer).equals(
    Buffer.from((outputs.get(oursLabel) as Float32Array).buffer),
  );
  console.log(`the two int8 builds' outputs: ${same ? 'the same bits' : 'DIFFERENT'}`);
  const fmt = (q: [number, number, number]) => `${q[1].toFixed(2)} (${q[0].toFixed(2)}-${q[2].toFixed(2)})`;
  for (const [k] of variants) {
    const c = cpu.get(k) ?? [];
    const w = wall.get(k) ?? [];
    const fc = medianOf(cpu.get('float32') ?? []);
    const fw = medianOf(wall.get('float32') ?? []);
    console.log(
      `${k}: CPU ${fmt(quartiles(c))} ms (float32 / this: ${(fc / medianOf(c)).toFixed(2)}x), wall ${fmt(quartiles(w))} ms (${(fw / medianOf(w)).toFixed(2)}x)`,
    );
  }
  // each round's before / this build (the two ran in the same round)
  for (const [label, times] of [
    ['CPU', cpu],
    ['wall', wall],
  ] as const) {
    const a = times.get(beforeLabel) ?? [];
    const b = times.get(oursLabel) ?? [];
    const ratios = a.map((v, i) => v / b[i]);
    console.log(`${rev} / this build, ${label}, paired by round: ${fmt(quartiles(ratios))}x`);
  }
  if (process.argv.includes('calls')) callsOf(variants, x, rounds);
  x.dispose();
  process.exit(0);
}

/**
 * `calls`: each variant's least wall time of one `predict` call on each batch of 32 digits (the 31
 * whole batches of the 1000; least of 5 calls in a row each), summed over the batches, per round,
 * alternating: under load, the least of many short calls is what the scheduler disturbed least, and
 * the sum covers every digit (the products' work depends on the digits' zeros). Prints the rounds'
 * median (quartiles) of those sums, and of the paired ratios of float32's and the REV build's to this
 * build's (variants: float32, this build, REV's, and the pool's where it runs).
 */
function callsOf(
  variants: [string, (input?: tf.Tensor) => tf.Tensor][],
  all: tf.Tensor,
  rounds: number,
): void {
  const least = new Map<string, number[]>(variants.map(([k]) => [k, []]));
  const batches = Array.from({ length: 31 }, (_, b) => tf.slice(all, [32 * b, 0], [32, 784])); // [32, 784] each
  for (let r = 0; r < rounds + 1; r++)
    for (const [k, run] of roundOrder(variants.length, r).map((i) => variants[i])) {
      let sum = 0;
      for (const batch of batches) {
        let best = Number.POSITIVE_INFINITY;
        for (let c = 0; c < 5; c++) {
          const start = performance.now();
          const y = run(batch);
          best = Math.min(best, performance.now() - start);
          y.dispose();
        }
        sum += best;
      }
      if (r > 0) least.get(k)?.push(sum);
    }
  tf.dispose(batches);
  const fmt = (q: [number, number, number]) => `${q[1].toFixed(2)} (${q[0].toFixed(2)}-${q[2].toFixed(2)})`;
  for (const [k] of variants)
    console.log(`${k}: the 31 batches' least calls, summed: ${fmt(quartiles(least.get(k) ?? []))} ms`);
  // each variant's sum over this build's, paired by round
  const ours = least.get(variants[1][0]) ?? [];
  for (const [k] of [variants[0], ...variants.slice(2)]) {
    const q = quartiles((least.get(k) ?? []).map((v, i) => v / ours[i]));
    console.log(
      `${k} / ${variants[1][0]}, paired: ${q[1].toFixed(3)} (${q[0].toFixed(3)}-${q[2].toFixed(3)})x`,
    );
  }
}

main();
