/**
 * `pnpm --filter @tensorfold/bench int8-after-float`: what an int8 pass pays for following a float32
 * one. The MLP (784-512-256-10) on the first 1000 MNIST test digits through `predict` (batches of 32):
 * each round times an int8 pass (`quantizeForInference`) right after an untimed float32 pass, and one
 * right after an untimed int8 pass, in turn (each first in every other round). On a pool (2 threads
 * and more), the float32 products take the pool and write its memory, so the int8 stack's kept
 * weights (int8-by-threads.ts keepWeights) are copied in again and its layout written again; on one
 * thread the stack runs on a memory of its own. Prints both sides' median wall and CPU time, the chain
 * layouts written and weight bytes copied a pass, and their ratio round by round (median [quartiles]).
 * Also the garbage collections that paused this thread inside each side's timed passes (count, ms a
 * pass). `INT8_GC=1`: a full garbage collection (V8's, untimed) between the two passes, so that the timed
 * one pays nothing for the garbage the pass before it left.
 * `INT8_AB_ROUNDS` (default 31) rounds after one warm-up; `TENSORFOLD_WASM_THREADS=1` for one thread.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { backendInfo, initBackend } from '@tensorfold/backend';
import { chainLayoutsWritten, keptWeightBytesCopied } from '@tensorfold/backend/testing';
import type { Model, tf } from '@tensorfold/core';
import { runAlternating } from './alternating-rounds.js';
import { int8MlpInputs } from './int8-mlp-inputs.js';
import { loadPerCore, medianAndQuartiles, medianOf, pairedRatios } from './steadiness.js';
import { timedMs } from './timed-call.js';

async function pass(model: Model, x: tf.Tensor): Promise<void> {
  const y = model.predict(x) as tf.Tensor;
  await y.data();
  y.dispose();
}

/** `INT8_GC=1`: V8's full collection, run (untimed) between the untimed pass and the timed one. */
function collector(): (() => void) | null {
  if (process.env.INT8_GC !== '1') return null;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

async function main(): Promise<void> {
  const gc = collector();
  await initBackend({ require: 'wasm' });
  const rounds = Number(process.env.INT8_AB_ROUNDS ?? 31);
  const { float, int8, x } = await int8MlpInputs();
  const counts = { layouts: [[], []] as number[][], copied: [[], []] as number[][] };
  // V8's collections on this thread (pauses), to charge each to the timed pass it fell in
  const pauses: Array<{ start: number; end: number }> = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) pauses.push({ start: e.startTime, end: e.startTime + e.duration });
  });
  observer.observe({ entryTypes: ['gc'] });
  const windows: Array<Array<{ start: number; end: number }>> = [[], []];
  const sides = [float, int8].map((before, s) => ({
    round: async () => {
      await pass(before, x);
      gc?.();
      const [layouts, copied] = [chainLayoutsWritten(), keptWeightBytesCopied()];
      const start = performance.now();
      const t = await timedMs(() => pass(int8, x));
      windows[s].push({ start, end: performance.now() });
      counts.layouts[s].push(chainLayoutsWritten() - layouts);
      counts.copied[s].push(keptWeightBytesCopied() - copied);
      return t;
    },
  }));
  const { rounds: times, load } = await runAlternating(sides, { rounds, steps: 1, continueRotation: true });
  console.log(
    `${backendInfo().threads ?? 1} thread(s), ${rounds} rounds${gc ? ', a full collection before each timed pass' : ''}`,
  );
  await new Promise((done) => setTimeout(done, 50)); // the observer's last entries
  observer.disconnect();
  const inside = (s: number) => {
    const timed = windows[s].slice(1); // the warm-up round's pass is not a timed one
    const hits = pauses.filter((p) => timed.some((w) => p.start >= w.start && p.end <= w.end));
    const ms = hits.reduce((sum, p) => sum + p.end - p.start, 0);
    return `${hits.length} collections in ${timed.length} passes, ${(ms / timed.length).toFixed(3)} ms a pass`;
  };
  for (const [s, name] of ['after float32', 'after int8'].entries())
    console.log(`  int8 ${name}: on this thread during the timed passes ${inside(s)}`);
  for (const [s, name] of ['after float32', 'after int8'].entries())
    console.log(
      `int8 ${name}: wall ${medianOf(times[s].map((t) => t.wall)).toFixed(2)} ms, CPU ${medianOf(times[s].map((t) => t.cpu)).toFixed(2)} ms; layouts a pass ${medianOf(counts.layouts[s].slice(1))}, weight bytes copied ${medianOf(counts.copied[s].slice(1))}`,
    );
  const ratio = (key: 'wall' | 'cpu') =>
    medianAndQuartiles(
      pairedRatios(
        times[0].map((t) => t[key]),
        times[1].map((t) => t[key]),
      ),
      3,
    );
  console.log(`after float32 over after int8, paired: wall ${ratio('wall')}x, CPU ${ratio('cpu')}x`);
  console.log(`load per core: most ${load.toFixed(2)}, at the end ${loadPerCore().toFixed(2)}`);
  x.dispose();
  process.exit(0);
}

main();
