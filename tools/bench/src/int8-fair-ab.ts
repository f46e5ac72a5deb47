/**
 * `pnpm --filter @tensorfold/bench int8-fair-ab`: the MLP (784-512-256-10) on the first 1000 MNIST
 * test digits, float32 against its int8 copy (`quantizeForInference`), both with their zero-step
 * skips on (the defaults), and the int8 copy with its byte products testing each unit as they go
 * instead of running over lists (`setInt8SkipListsEnabled(false)`, the loop before), and the int8 copy
 * laying its stack's memory out again every batch (`setInt8ChainLayoutReuse(false)`, before). Rounds
 * (`INT8_AB_ROUNDS`, default 15, after one warm-up) run every variant once through `predict` (batches of
 * 32), each round starting one variant later; prints each variant's median CPU time (and spread:
 * least, most), median wall time, and its ratio to float32, then float32 over it round by round
 * (median [first, third quartile]). `TENSORFOLD_WASM_THREADS=1` for one thread.
 */
import { initBackend } from '@tensorfold/backend';
import { setInt8ChainLayoutReuse, setInt8SkipListsEnabled } from '@tensorfold/backend/testing';
import type { Model, tf } from '@tensorfold/core';
import { runAlternating } from './alternating-rounds.js';
import { int8MlpInputs } from './int8-mlp-inputs.js';
import { loadPerCore, medianAndQuartiles, medianOf, pairedRatios } from './steadiness.js';
import { timedMs } from './timed-call.js';
import { predictingWithout } from './zero-skips.js';

async function main(): Promise<void> {
  await initBackend({ require: 'wasm' });
  const rounds = Number(process.env.INT8_AB_ROUNDS ?? 15);
  const { float, int8, x } = await int8MlpInputs();
  const variants: [string, Model][] = [
    ['float32', float],
    ['int8 (lists)', int8],
    ['int8 (units tested, before)', predictingWithout(int8, [setInt8SkipListsEnabled])],
    ['int8 (laid out each call, before)', predictingWithout(int8, [setInt8ChainLayoutReuse])],
  ];
  const sides = variants.map(([, m]) => ({
    round: () =>
      timedMs(async () => {
        const y = m.predict(x) as tf.Tensor;
        await y.data();
        y.dispose();
      }),
  }));
  const { rounds: times } = await runAlternating(sides, { rounds, steps: 1, continueRotation: true });
  const floatCpu = medianOf(times[0].map((t) => t.cpu));
  const floatWall = medianOf(times[0].map((t) => t.wall));
  for (const [i, [k]] of variants.entries()) {
    const c = times[i].map((t) => t.cpu);
    const w = times[i].map((t) => t.wall);
    console.log(
      `mlp ${k}: ${medianOf(c).toFixed(1)} ms CPU (${(floatCpu / medianOf(c)).toFixed(2)}x; ${Math.min(...c).toFixed(1)}-${Math.max(...c).toFixed(1)}), ${medianOf(w).toFixed(1)} ms wall (${(floatWall / medianOf(w)).toFixed(2)}x; ${Math.min(...w).toFixed(1)}-${Math.max(...w).toFixed(1)})`,
    );
    // float32 over this variant round by round (the two passes seconds apart): median [quartiles]
    if (i > 0) {
      const cpu = pairedRatios(
        times[0].map((t) => t.cpu),
        c,
      );
      const wall = pairedRatios(
        times[0].map((t) => t.wall),
        w,
      );
      console.log(
        `  paired float32 / ${k}: CPU ${medianAndQuartiles(cpu, 2)}x, wall ${medianAndQuartiles(wall, 2)}x`,
      );
    }
  }
  console.log(`load per core at the end: ${loadPerCore().toFixed(2)}`);
  x.dispose();
  process.exit(0);
}

main();
