/**
 * Same-process A/B of the one-thread pairs' product's own overhead levers (issue 22, wip/pair-copies):
 * `dy . W^T` with `W` transposed into the panels as they are copied (`setPairsTransposeFused`, on)
 * against a separate transpose pass first (off). Sides alternated every round (`runSwitchAb`).
 *
 * `TENSORFOLD_WASM_THREADS=1 pnpm --filter @tensorfold/bench pair-copies-ab mlp [mnist|random] [rounds] [steps]`:
 * whole training steps of the MLP 784-512-256-10 (batch 128, Adam; 8 batches in turn): per side the
 * step's wall ms (median [quartiles] over all steps) and CPU ms a step (median [quartiles] over
 * rounds), and the per-round ratio off / on of CPU and of the round's median wall (median
 * [quartiles]; > 1: on is faster).
 *
 * `TENSORFOLD_WASM_THREADS=1 pnpm --filter @tensorfold/bench pair-copies-ab product [rounds]`: the MLP's
 * `dy2 . W2^T` alone (`[128, 256] . [512, 256]^T`, `dy2` ReLU-masked), 20 calls a round.
 */
import { setPairsTransposeFused } from '@tensorfold/backend/testing';
import { tf } from '@tensorfold/core';
import { AB_BATCHES, abBatches } from './ab-batches.js';
import { useBackend } from './backends.js';
import { medianAndQuartiles, medianOf } from './steadiness.js';
import { runSwitchAb } from './switch-ab.js';
import { timedMs, timedSteps } from './timed-call.js';
import { TRAINING_INPUT, tensorfoldModel } from './training-models.js';

const CALLS = 20;

function report(
  unit: string,
  times: { on: { wall: number; cpu: number }[]; off: { wall: number; cpu: number }[]; load: number },
): void {
  for (const side of ['on', 'off'] as const) {
    console.log(
      `${side}: wall ${medianAndQuartiles(
        times[side].map((t) => t.wall),
        3,
      )} ${unit}, CPU ${medianAndQuartiles(
        times[side].map((t) => t.cpu),
        3,
      )} ${unit}`,
    );
  }
  const ratio = (key: 'wall' | 'cpu') => times.off.map((t, i) => t[key] / times.on[i][key]);
  console.log(
    `off / on per round: CPU ${medianAndQuartiles(ratio('cpu'), 3)}, wall ${medianAndQuartiles(ratio('wall'), 3)}; ` +
      `load per core up to ${times.load.toFixed(2)}`,
  );
}

async function product(rounds: number): Promise<void> {
  const h2 = tf.randomUniform([128, 256], -1, 1, 'float32', 3);
  const dy2 = tf.mul(tf.randomNormal([128, 256], 0, 0.01, 'float32', 4), tf.step(h2)); // [128, 256]
  const w2 = tf.randomUniform([512, 256], -0.09, 0.09, 'float32', 2); // [512, 256]
  const times = await runSwitchAb(
    setPairsTransposeFused,
    async (calls) => {
      const { wall, cpu } = await timedMs(() => {
        for (let i = 0; i < calls; i++) tf.matMul(dy2, w2, false, true).dispose();
      });
      return { wall: (wall * 1000) / calls, cpu: (cpu * 1000) / calls };
    },
    { rounds, steps: CALLS, warmupRounds: 1 },
  );
  tf.dispose([h2, dy2, w2]);
  console.log(`dy2 . W2^T [128,256] . [512,256]^T, ${rounds} rounds of ${CALLS} calls a side:`);
  report('us a call', times);
}

async function steps(data: string, rounds: number, count: number): Promise<void> {
  const { batch } = TRAINING_INPUT.mlp;
  const model = tensorfoldModel('mlp');
  const batches = await abBatches('mlp', data as 'mnist', batch);
  let next = 0;
  try {
    const times = await runSwitchAb(
      setPairsTransposeFused,
      async (n) => {
        const { walls, cpu } = await timedSteps(n, () => {
          const { x, y } = batches[next++ % AB_BATCHES];
          return model.trainOnBatch(x, y);
        });
        return { wall: medianOf(walls), cpu };
      },
      { rounds, steps: count, warmupRounds: 1 },
    );
    console.log(
      `MLP step, batch ${batch}, ${data}: ${rounds} rounds of ${count} steps a side (wall: each round's median)`,
    );
    report('ms a step', times);
  } finally {
    model.dispose();
    for (const { x, y } of batches) tf.dispose([x, y]);
  }
}

async function main() {
  console.log(`backend: ${await useBackend('wasm')}`);
  const [mode = 'mlp', ...rest] = process.argv.slice(2);
  if (mode === 'product') return product(Number(rest[0] ?? '20'));
  if (mode !== 'mlp') throw new Error(`Unknown mode ${mode}: mlp or product.`);
  const [data = 'mnist', roundsArg = '20', stepsArg = '4'] = rest;
  return steps(data, Number(roundsArg), Number(stepsArg));
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
