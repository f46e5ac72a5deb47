/**
 * `pnpm --filter @tensorfold/bench round-position [rounds] [mnist|random] [gap-ms]`
 *
 * What a bench round's first steps cost over its later ones (issue 22, branch wip/step-gap). The
 * training suite times rounds of 16 MLP steps (its figure: the round's total time) right after a
 * round of another side in another process, so each of our rounds starts after tens of milliseconds
 * away: our process asleep, the other side's working set through the shared caches. This script
 * trains the MLP 784-512-256-10 (batch 128, Adam, the suite's 16 MNIST batches) in rounds of 16
 * steps, with between the rounds, in turn: nothing (`back to back`), a sleep of `gap-ms` (default 80,
 * about a PyTorch round; `asleep`), or `gap-ms` of writing and reading a 48 MB array (every cache
 * level evicted, our process busy; `caches evicted`), or `gap-ms` of the same in a child process while
 * this one waits for its answer (as in the suite's paired rounds; `another process`). Prints, per gap kind, the median time of each
 * step position and the mean step over a round (the suite's figure).
 */
import { fork } from 'node:child_process';
import { tf } from '@tensorfold/core';
import { useBackend } from './backends.js';
import { mainThreadSched } from './main-thread-sched.js';
import { medianOf } from './steadiness.js';
import { batchAt, type DataKind, disposeBatches, trainingBatches } from './training-data.js';
import { TRAINING_INPUT, tensorfoldModel } from './training-models.js';

const STEPS = 16;
const GAPS = ['back to back', 'asleep', 'caches evicted', 'another process'] as const;

/** A child process that, on each message, writes and reads a 48 MB array for the given ms, then answers. */
const CHILD = `
const a = new Float64Array(6 * 1024 * 1024);
let sink = 0;
process.on('message', (ms) => {
  const until = performance.now() + ms;
  while (performance.now() < until) for (let i = 0; i < a.length; i += 8) { a[i] += 1; sink += a[i]; }
  process.send(sink === -1 ? 1 : 0);
});`;

async function main() {
  const [roundsArg = '30', kind = 'mnist', gapArg = '80'] = process.argv.slice(2);
  const rounds = Number(roundsArg);
  const gapMs = Number(gapArg);
  console.log(
    `backend: ${await useBackend('wasm')}; ${rounds} rounds of ${STEPS} steps per gap kind, gap ${gapMs} ms`,
  );
  const { batch, inputShape } = TRAINING_INPUT.mlp;
  const model = tensorfoldModel('mlp');
  const { data, remove } = await trainingBatches(kind as DataKind, batch, inputShape);
  const evict = new Float64Array(6 * 1024 * 1024); // 48 MB, above the 32 MB L3
  let sink = 0;
  const child = fork('-e', [CHILD], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  // node -e: fork's module path is the script; '-e' with the code as its argument
  const childRound = (ms: number) =>
    new Promise<void>((resolve) => {
      child.once('message', () => resolve());
      child.send(ms);
    });
  try {
    for (let i = 0; i < 20; i++) {
      const { x, y } = batchAt(data, i);
      await model.trainOnBatch(x, y);
    }
    const times = GAPS.map(() => Array.from({ length: STEPS }, () => [] as number[]));
    const rounds_ = GAPS.map(() => [] as number[]);
    const cleanRounds = GAPS.map(() => [] as number[]);
    const cleanFirst = GAPS.map(() => [] as number[]);
    for (let r = 0; r < rounds; r++) {
      for (let g = 0; g < GAPS.length; g++) {
        const gap = GAPS[(g + r) % GAPS.length];
        const gi = GAPS.indexOf(gap);
        if (gap === 'asleep') await new Promise((resolve) => setTimeout(resolve, gapMs));
        if (gap === 'another process') await childRound(gapMs);
        if (gap === 'caches evicted') {
          const until = performance.now() + gapMs;
          while (performance.now() < until)
            for (let i = 0; i < evict.length; i += 8) {
              evict[i] += 1;
              sink += evict[i];
            }
        }
        const sched = mainThreadSched();
        const start = performance.now();
        let first = 0;
        for (let s = 0; s < STEPS; s++) {
          const { x, y } = batchAt(data, s);
          const t = performance.now();
          await model.trainOnBatch(x, y);
          times[gi][s].push(performance.now() - t);
          if (s === 0) first = performance.now() - t;
        }
        const mean = (performance.now() - start) / STEPS;
        rounds_[gi].push(mean);
        // a round the main thread ran through without waiting for a CPU
        if (mainThreadSched().wait - sched.wait < 0.05) {
          cleanRounds[gi].push(mean);
          cleanFirst[gi].push(first);
        }
      }
    }
    for (const [gi, gap] of GAPS.entries()) {
      const byPos = times[gi].map((v) => medianOf(v));
      console.log(
        `${gap}: mean step of a round, median over rounds ${medianOf(rounds_[gi]).toFixed(3)} ms; ` +
          `median per position (ms): ${byPos.map((v) => v.toFixed(2)).join(' ')}`,
      );
      if (cleanRounds[gi].length > 0)
        console.log(
          `  the ${cleanRounds[gi].length} rounds with no wait for a CPU: mean step ${medianOf(cleanRounds[gi]).toFixed(3)} ms, ` +
            `first step ${medianOf(cleanFirst[gi]).toFixed(3)} ms (medians over those rounds)`,
        );
    }
    if (sink === -1) console.log(sink);
  } finally {
    child.kill();
    model.dispose();
    disposeBatches(data);
    remove();
    tf.disposeVariables();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
