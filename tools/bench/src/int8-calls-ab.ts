/**
 * `pnpm --filter @tensorfold/bench int8-calls-ab`: the int8 dense stack's costs around its products,
 * in the same process. The MLP (784-512-256-10) on the first 1000 MNIST test digits through `predict`
 * (batches of 32, then 8), int8 (`quantizeForInference`) with the switches of int8-chain-by-rows.ts and
 * int8-chain-layout.ts set per side:
 *   - `before`: the tail batch of 8 laid out for itself (`setInt8ChainLayoutForSmallerBatches(false)`),
 *     so each pass lays its stack out twice (the 8, then the next pass's first 32);
 *   - `smaller in larger`: the tail batch in the 32's layout (the default);
 *   - with a pool (2 threads and more): the same with 2 and with 1 chunks a thread
 *     (`setInt8ChainChunksPerThread`; default 4: a batch of 32 on 2 threads in 8 chunks of 4 rows).
 * Every timed int8 pass follows an untimed float32 pass of the same digits, as in the compress suite
 * (where int8 follows a float32 model): an int8 pass after a float32 one costs more than after an int8
 * one (int8-after-float.ts), so a rotation of the sides alone would charge that to whichever side
 * follows float32. Rounds (`INT8_AB_ROUNDS`, default 31, after one warm-up) run every side once, each
 * round starting one side later; prints each side's median wall and CPU time (ms a pass), the chain
 * layouts its timed passes wrote (mean a pass: on one thread the side after `before` lays out the
 * 32's again, so the sides differ by about one layout a pass, not two; on a pool every side lays
 * out after the float32 pass) and `before` over it round by round (median [first, third quartile]). Then the calls alone: `predict` of the
 * first 40 digits (a batch of 32, then 8), 100 a round, `before` against `smaller in larger`
 * (microseconds a `predict`). `TENSORFOLD_WASM_THREADS=1` for one thread.
 */
import { backendInfo, initBackend } from '@tensorfold/backend';
import {
  chainLayoutsWritten,
  setInt8ChainChunksPerThread,
  setInt8ChainLayoutForSmallerBatches,
} from '@tensorfold/backend/testing';
import { type Model, tf } from '@tensorfold/core';
import { runAlternating } from './alternating-rounds.js';
import { int8MlpInputs } from './int8-mlp-inputs.js';
import { loadPerCore, medianAndQuartiles, medianOf, pairedRatios } from './steadiness.js';
import { timedMs } from './timed-call.js';

/** `model`'s `predict` with the switches set as a side wants them, and back to the defaults after. */
function withSwitches(model: Model, smaller: boolean, chunksPerThread?: number): Model {
  return {
    predict: (x: tf.Tensor) => {
      setInt8ChainLayoutForSmallerBatches(smaller);
      setInt8ChainChunksPerThread(chunksPerThread);
      try {
        return model.predict(x);
      } finally {
        setInt8ChainLayoutForSmallerBatches(true);
        setInt8ChainChunksPerThread();
      }
    },
  } as unknown as Model;
}

async function main(): Promise<void> {
  await initBackend({ require: 'wasm' });
  const threads = backendInfo().threads ?? 1;
  const rounds = Number(process.env.INT8_AB_ROUNDS ?? 31);
  const { float, int8, x } = await int8MlpInputs();
  const variants: [string, Model][] = [
    ['int8 before', withSwitches(int8, false)],
    ['int8 smaller in larger', withSwitches(int8, true)],
  ];
  if (threads > 1)
    variants.push(
      ['int8 smaller in larger, 2 chunks a thread', withSwitches(int8, true, 2)],
      ['int8 smaller in larger, 1 chunk a thread', withSwitches(int8, true, 1)],
    );
  const pass = async (m: Model, input: tf.Tensor) => {
    const y = m.predict(input) as tf.Tensor;
    await y.data();
    y.dispose();
  };
  // chain layouts each side's timed passes wrote: a side's last tail batch can leave a layout the
  // next side's first batch pays for (sides in turn), and a float32 pass on a pool leaves none
  const layouts: number[][] = variants.map(() => []);
  const sides = variants.map(([, m], i) => ({
    round: async () => {
      await pass(float, x); // untimed: int8 follows float32, as in the suite
      const written = chainLayoutsWritten();
      const t = await timedMs(() => pass(m, x));
      layouts[i].push(chainLayoutsWritten() - written);
      return t;
    },
  }));
  const { rounds: times, load } = await runAlternating(sides, { rounds, steps: 1, continueRotation: true });
  const wall = (i: number) => times[i].map((t) => t.wall);
  const cpu = (i: number) => times[i].map((t) => t.cpu);
  console.log(`${threads} thread(s), ${rounds} rounds`);
  for (const [i, [name]] of variants.entries()) {
    const mean = layouts[i].reduce((sum, n) => sum + n, 0) / layouts[i].length;
    const line = `${name}: wall ${medianOf(wall(i)).toFixed(2)} ms, CPU ${medianOf(cpu(i)).toFixed(2)} ms, ${mean.toFixed(2)} layouts a pass (mean)`;
    const paired =
      i > 0
        ? `; before over it, paired: wall ${medianAndQuartiles(pairedRatios(wall(0), wall(i)), 3)}x, CPU ${medianAndQuartiles(pairedRatios(cpu(0), cpu(i)), 3)}x`
        : '';
    console.log(line + paired);
  }
  console.log(`load per core: most ${load.toFixed(2)}, at the end ${loadPerCore().toFixed(2)}`);
  // the calls alone: 40 rows (a batch of 32, then the tail of 8) 100 times a round, int8 only
  const few = tf.slice(x, [0, 0], [40, 784]); // [40, 784]
  const calls = variants.slice(0, 2).map(([, m]) => ({
    round: () =>
      timedMs(async () => {
        for (let i = 0; i < 100; i++) {
          const y = m.predict(few) as tf.Tensor;
          await y.data();
          y.dispose();
        }
      }),
  }));
  const { rounds: t40 } = await runAlternating(calls, { rounds, steps: 1, continueRotation: true });
  const us = (i: number, key: 'wall' | 'cpu') => (medianOf(t40[i].map((t) => t[key])) / 100) * 1000;
  console.log(
    `40 rows (32 + 8) a predict: before ${us(0, 'wall').toFixed(1)} us wall, ${us(0, 'cpu').toFixed(1)} us CPU; smaller in larger ${us(1, 'wall').toFixed(1)} us wall, ${us(1, 'cpu').toFixed(1)} us CPU; before over it, paired: wall ${medianAndQuartiles(
      pairedRatios(
        t40[0].map((t) => t.wall),
        t40[1].map((t) => t.wall),
      ),
      3,
    )}x, CPU ${medianAndQuartiles(
      pairedRatios(
        t40[0].map((t) => t.cpu),
        t40[1].map((t) => t.cpu),
      ),
      3,
    )}x`,
  );
  tf.dispose([x, few]);
  process.exit(0);
}

main();
