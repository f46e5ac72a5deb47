/**
 * What `tensorfold train --augment --early-stopping N --history FILE --lr-schedule cosine` adds to a run: the augmented batches,
 * the early-stopping callback (restoring the best weights, as seed 000's rock-paper-scissors example does),
 * and the per-epoch logs written as JSON.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  type BatchSource,
  type Callback,
  ConfigError,
  type tf,
  writeAtomically,
} from '@tensorfold/core/node';
import {
  augmentBatches,
  augmenter,
  batchesFromTensors,
  randomRotation,
  randomTranslation,
  randomZoom,
} from '@tensorfold/data';
import { cosineDecay, earlyStopping, type LearningRateSchedule } from '@tensorfold/optim';

/**
 * Seeded, shuffled batches of `x`/`y` with random rotation (±10°), zoom (±10%) and shift (±10%) per batch,
 * the augmentation of seed 000 and seed 002 ch. 5 (no flips: digits and clothes have a handedness).
 */
export function augmentedBatches(x: tf.Tensor, y: tf.Tensor, batchSize: number, seed: number): BatchSource {
  const augment = augmenter(
    [
      randomRotation({ degrees: 10 }),
      randomZoom({ range: [0.9, 1.1] }),
      randomTranslation({ x: 0.1, y: 0.1 }),
    ],
    { seed },
  );
  return batchesFromTensors({ xs: x, ys: y }, { batchSize, seed, shuffle: true }).map(
    augmentBatches(augment),
  ) as unknown as BatchSource;
}

/**
 * Stops when the validation loss (the training loss without a validation split) has not improved by
 * 0.001 for `patience` epochs, then restores the best epoch's weights.
 */
export function earlyStoppingCallback(patience: number, validation: boolean): Callback {
  return earlyStopping({
    monitor: validation ? 'val_loss' : 'loss',
    minDelta: 0.001,
    patience,
    restoreBestWeights: true,
  }) as unknown as Callback;
}

/** Refuses a `--history` file that cannot be written (its folder is missing or is a file). */
export function checkHistoryFile(file: string): void {
  const dir = dirname(resolve(file));
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new ConfigError(
      `--history ${file}: the folder ${dir} does not exist; create it or pass another file.`,
    );
  if (existsSync(file) && statSync(file).isDirectory())
    throw new ConfigError(`--history ${file} is a folder; pass a file name such as ${file}/history.json.`);
}

/** Writes the per-epoch logs (`{epoch: [1, 2...], loss: [...], accuracy: [...], ...}`) atomically. */
export async function writeHistory(
  file: string,
  history: { epoch: number[]; history: Record<string, number[]> },
): Promise<void> {
  const body = { epoch: history.epoch.map((e) => e + 1), ...history.history };
  await writeAtomically(resolve(file), `${JSON.stringify(body, null, 2)}\n`);
}

/**
 * The optimizer's learning rate for `--lr-schedule`: the number itself when constant, or a cosine decay
 * from it to 0 over `steps` (every batch of every epoch), the schedule that ends a fixed budget of epochs
 * at a low rate, where the weights settle. With `holdSteps` (`--decay-from`) the rate stays at
 * `learningRate` for the first `holdSteps` steps and the half cosine to 0 takes the remaining ones.
 */
export function learningRateOver(
  schedule: 'constant' | 'cosine' | undefined,
  learningRate: number,
  steps: number,
  holdSteps = 0,
): number | LearningRateSchedule {
  if (schedule === undefined || schedule === 'constant') return learningRate;
  const decaySteps = Math.max(1, steps - holdSteps);
  if (holdSteps <= 0) return cosineDecay({ initialLearningRate: learningRate, decaySteps });
  // A "warm-up" from the rate to itself holds it; the decay starts after it.
  return cosineDecay({
    initialLearningRate: learningRate,
    warmupTarget: learningRate,
    warmupSteps: holdSteps,
    decaySteps,
  });
}

/**
 * Refuses a `--decay-from` epoch that the run cannot honour: it needs `--lr-schedule cosine` (it says
 * when the cosine starts) and must come before the last epoch.
 */
export function checkDecayFrom(
  decayFrom: number | undefined,
  schedule: 'constant' | 'cosine' | undefined,
  epochs: number,
): void {
  if (decayFrom === undefined) return;
  if (schedule !== 'cosine')
    throw new ConfigError(
      `--decay-from ${decayFrom} holds --lr until the end of epoch ${decayFrom}, then decays it along --lr-schedule cosine: add --lr-schedule cosine.`,
    );
  if (decayFrom >= epochs)
    throw new ConfigError(
      `--decay-from ${decayFrom} leaves no epoch to decay in (--epochs is ${epochs}): pass --decay-from below ${epochs}, or more --epochs.`,
    );
}
