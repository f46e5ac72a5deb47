/**
 * `pnpm --filter @tensorfold/bench int8-suite-gap`: why the compress suite's int8 MLP ratio
 * (`COMPRESS_CASES=int8-mlp pnpm bench compress --backend wasm`) reads lower than int8-fair-ab's.
 * The MLP (784-512-256-10) on the first 1000 MNIST test digits through `predict` (batches of 32), int8
 * (`quantizeForInference`) against float32, timed as the suite times them (wall clock around `predict`
 * and `data()`), in three company sets run in alternating rounds of the same process:
 *   - `suite`: the suite's four models, rotated (int8, float32, and both with both zero skips off);
 *   - `pair`: int8 and float32 alone, rotated;
 *   - `four on`: the suite's four sides with every skip on (the two models twice: four sides, no switch).
 * For each set: int8's and float32's median wall time, the ratio of the medians (the suite's figure)
 * and float32 over int8 round by round (median [quartiles]), and how many chain layouts int8's passes
 * wrote and how many weight bytes they copied into the kernel's memory (medians a pass).
 * Beyond 15 rounds, also the ratio of the medians of the first 15 (the suite's count) and of the rest.
 * `INT8_AB_ROUNDS` (default 31) rounds after one warm-up; `INT8_GAP_SETS=suite` (a list) runs only
 * those sets; `TENSORFOLD_WASM_THREADS=1` for one thread.
 */
import { initBackend } from '@tensorfold/backend';
import { chainLayoutsWritten, keptWeightBytesCopied } from '@tensorfold/backend/testing';
import type { Model, tf } from '@tensorfold/core';
import { roundOrder, runAlternating } from './alternating-rounds.js';
import { int8MlpInputs } from './int8-mlp-inputs.js';
import { medianAndQuartiles, medianOf, pairedRatios } from './steadiness.js';
import { BOTH_SKIPS, predictingWithout } from './zero-skips.js';

/** One timed pass as the compress suite times it: wall milliseconds, chain layouts written. */
async function pass(model: Model, x: tf.Tensor): Promise<{ wall: number; layouts: number; copied: number }> {
  const layouts = chainLayoutsWritten();
  const copied = keptWeightBytesCopied();
  const start = performance.now();
  const y = model.predict(x) as tf.Tensor;
  await y.data();
  y.dispose();
  return {
    wall: performance.now() - start,
    layouts: chainLayoutsWritten() - layouts,
    copied: keptWeightBytesCopied() - copied,
  };
}

async function main(): Promise<void> {
  await initBackend({ require: 'wasm' });
  const rounds = Number(process.env.INT8_AB_ROUNDS ?? 31);
  const { float, int8, x } = await int8MlpInputs();
  const all: Array<[string, Model[]]> = [
    ['suite', [int8, float, predictingWithout(int8, BOTH_SKIPS), predictingWithout(float, BOTH_SKIPS)]],
    ['pair', [int8, float]],
    ['four on', [int8, float, predictingWithout(int8, []), predictingWithout(float, [])]],
  ];
  // INT8_GAP_SETS=suite (say): those sets alone, as the suite runs its four models alone
  const only = process.env.INT8_GAP_SETS?.split(',');
  const sets = only == null ? all : all.filter(([name]) => only.includes(name));
  // each set keeps its own rotation (as runAlternating's rounds do): round r starts at its model r
  const turns = sets.map(() => 0);
  const sides = sets.map(([, models], s) => ({
    round: async () => {
      const times: Array<{ wall: number; layouts: number; copied: number }> = [];
      for (const i of roundOrder(models.length, turns[s]++)) times[i] = await pass(models[i], x);
      return times;
    },
  }));
  const { rounds: got, load } = await runAlternating(sides, { rounds, steps: 1 });
  for (const [s, [name]] of sets.entries()) {
    const i8 = got[s].map((t) => t[0].wall);
    const f32 = got[s].map((t) => t[1].wall);
    const layouts = medianOf(got[s].map((t) => t[0].layouts));
    const copied = medianOf(got[s].map((t) => t[0].copied));
    console.log(
      `${name}: int8 ${medianOf(i8).toFixed(2)} ms, float32 ${medianOf(f32).toFixed(2)} ms: ${(medianOf(f32) / medianOf(i8)).toFixed(3)}x (paired ${medianAndQuartiles(pairedRatios(f32, i8), 3)}x), int8 layouts a pass ${layouts}, weight bytes copied in a pass ${copied}`,
    );
    // the ratio of the medians over the first 15 rounds (the suite's count) and over the rest
    const part = (from: number, to?: number) =>
      (medianOf(f32.slice(from, to)) / medianOf(i8.slice(from, to))).toFixed(3);
    if (rounds > 15) console.log(`  rounds 1-15: ${part(0, 15)}x; rounds 16-${rounds}: ${part(15)}x`);
  }
  console.log(`load per core (most): ${load.toFixed(2)}`);
  x.dispose();
  process.exit(0);
}

main();
