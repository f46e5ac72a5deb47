/**
 * `dy . W^T` as written (`W` transposed explicitly, `dy`'s zeros passed over per pair of rows: the
 * lists per pair on) against computed transposed as `(W . dy^T)^T` (the lists per pair off, which
 * batch-mat-mul.ts then prefers where it moves less data), on one thread, for a few batch sizes and
 * `dy` dense or ReLU-masked (half zero, independently per element). Ratios of paired rounds (off / on,
 * > 1: as written faster): median and quartiles of wall and process CPU time, taken alternating.
 *
 * `TENSORFOLD_WASM_THREADS=1 pnpm --filter @tensorfold/bench left-kept-ab [rounds] [lists|fused]`: with
 * `fused`, the sides are instead `W` transposed into the pairs' panels (on, the default since
 * wip/pair-copies, no limit on the batch) against a transpose pass first (off, the former
 * `MAX_KEPT_DATA_RATIO` rule, small batches transposed): the routing before and after that branch,
 * on the thread count given (2 threads: the transposed form of a small batch may run on the pool).
 */
import { setFloatPairListsEnabled, setPairsTransposeFused } from '@tensorfold/backend/testing';
import { tf } from '@tensorfold/core';
import { runAlternating } from './alternating-rounds.js';
import { useBackend } from './backends.js';
import { medianAndQuartiles, type RoundTime } from './steadiness.js';

const CALLS = 10;

async function main() {
  const rounds = Number(process.argv[2] ?? '15');
  const mode = process.argv[3] ?? 'lists';
  if (mode !== 'lists' && mode !== 'fused') throw new Error(`Unknown mode ${mode}: lists or fused.`);
  const toggle = mode === 'fused' ? setPairsTransposeFused : setFloatPairListsEnabled;
  console.log(`backend: ${await useBackend('wasm')}, sides: ${mode}`);
  console.log('| dy . W^T | dy | off / on wall: median [q1, q3] | CPU |\n|---|---|---|---|');
  for (const [m, k, n] of [
    [4, 512, 512],
    [8, 512, 512],
    [16, 512, 512],
    [32, 256, 512],
    [64, 256, 512],
    [128, 256, 512],
  ]) {
    for (const masked of [false, true]) {
      const w = tf.randomUniform([n, k], -0.1, 0.1, 'float32', 1); // [n, k]
      const dense = tf.randomNormal([m, k], 0, 0.01, 'float32', 2); // [m, k]
      const dy = masked ? tf.relu(dense) : dense.clone(); // [m, k]
      const side = (on: boolean) => ({
        async round(steps: number): Promise<RoundTime> {
          toggle(on);
          const start = performance.now();
          const cpu = process.cpuUsage();
          for (let i = 0; i < steps; i++) tf.matMul(dy, w, false, true).dispose();
          const used = process.cpuUsage(cpu);
          return { wall: (performance.now() - start) / 1000, cpu: (used.user + used.system) / 1e6 };
        },
      });
      const { rounds: times, load } = await runAlternating([side(false), side(true)], {
        rounds,
        steps: CALLS,
      });
      const ratio = (key: 'wall' | 'cpu') => times[0].map((off, i) => off[key] / times[1][i][key]);
      console.log(
        `| [${m},${k}] . [${n},${k}]^T | ${masked ? 'relu' : 'dense'} | ${medianAndQuartiles(ratio('wall'), 3)} | ${medianAndQuartiles(ratio('cpu'), 3)} | load ${load.toFixed(1)}`,
      );
      tf.dispose([w, dense, dy]);
    }
  }
  toggle(true);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
