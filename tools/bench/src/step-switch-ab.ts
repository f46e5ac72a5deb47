/**
 * The switch A/Bs over whole training steps (adam-loop-ab, pair-steps-build-ab): `network`'s steps
 * (Adam; {@link AB_BATCHES} batches in turn) timed with a switch off and on (`runSwitchAb`), and
 * the report of each side and of their per-round ratios.
 */
import { tf } from '@tensorfold/core';
import { AB_BATCHES, abBatches } from './ab-batches.js';
import { medianAndQuartiles, medianOf } from './steadiness.js';
import { runSwitchAb, type SwitchAbResult } from './switch-ab.js';
import { timedSteps } from './timed-call.js';
import { type NetworkName, TRAINING_INPUT, tensorfoldModel } from './training-models.js';

/** A side's round: wall (ms or us) and CPU time in the same unit. */
export interface SideTime {
  wall: number;
  cpu: number;
}

/**
 * `rounds` timed rounds (after 2 warm-ups) of `steps` training steps of a fresh `network` on `data`
 * (`mnist` or `random`) a side, `set(on)` before each side's round: each round's median step wall ms
 * and its CPU ms a step. The model and batches are disposed after; `batch` is the network's batch.
 * `loss`: `'categorical'` on one-hot targets (the default), or `'sparse'` on class ids (the CLI's).
 */
export async function trainingStepsSwitchAb(
  network: NetworkName,
  data: string,
  set: (on: boolean) => void,
  rounds: number,
  steps: number,
  loss: 'categorical' | 'sparse' = 'categorical',
): Promise<{ times: SwitchAbResult<SideTime>; batch: number }> {
  const { batch } = TRAINING_INPUT[network];
  const model = tensorfoldModel(network, 'relu', loss);
  const batches = await abBatches(network, data, batch);
  if (loss === 'sparse') {
    for (const b of batches) {
      const ids = tf.argMax(b.y, -1); // [batch] int32 class ids
      b.y.dispose();
      b.y = ids;
    }
  }
  let next = 0;
  try {
    const times = await runSwitchAb(
      set,
      async (n) => {
        const { walls, cpu } = await timedSteps(n, () => {
          const { x, y } = batches[next++ % AB_BATCHES];
          return model.trainOnBatch(x, y);
        });
        return { wall: medianOf(walls), cpu };
      },
      { rounds, steps, warmupRounds: 2 },
    );
    return { times, batch };
  } finally {
    model.dispose();
    for (const { x, y } of batches) tf.dispose([x, y]);
  }
}

/** Prints each side's wall and CPU time (median [quartiles], in `unit`) and the per-round off / on ratios. */
export function reportSwitchAb(unit: string, times: { on: SideTime[]; off: SideTime[]; load: number }): void {
  for (const side of ['on', 'off'] as const) {
    const wall = medianAndQuartiles(
      times[side].map((t) => t.wall),
      3,
    );
    const cpu = medianAndQuartiles(
      times[side].map((t) => t.cpu),
      3,
    );
    console.log(`${side}: wall ${wall} ${unit}, CPU ${cpu} ${unit}`);
  }
  const ratio = (key: 'wall' | 'cpu') => times.off.map((t, i) => t[key] / times.on[i][key]);
  console.log(
    `off / on per round: wall ${medianAndQuartiles(ratio('wall'), 3)}, CPU ${medianAndQuartiles(ratio('cpu'), 3)}; ` +
      `load per core up to ${times.load.toFixed(2)}`,
  );
}
