import { Random } from '@tensorfold/core';
import { type Hyperparameters, type SearchSpace, sampleValue } from './space.js';

/** One planned training: its hyperparameters and its epoch budget. */
export interface PlannedTrial {
  hyperparameters: Hyperparameters;
  epochs: number;
}

/**
 * The `index`-th training of a Hyperband search (Li et al., 2018, as KerasTuner runs it), given the scores
 * of the trainings before it (`scores[i]` of training `i`; `score` is better than `other` when
 * `better(score, other)`), or `undefined` once the schedule is done.
 *
 * Brackets `s = sMax ... 0`, `sMax = floor(log_factor(maxEpochs))`: bracket `s` draws
 * `ceil((sMax + 1) / (s + 1) * factor^s)` configurations (seeded), trains them for `maxEpochs / factor^s`
 * epochs, keeps the best `1/factor` and trains those `factor` times longer, until `maxEpochs`. A promoted
 * configuration trains again from fresh weights with the longer budget (KerasTuner resumes from the
 * shorter run's checkpoint; this costs more epochs but keeps every trial independent).
 */
export function hyperbandTrial(
  space: SearchSpace,
  maxEpochs: number,
  factor: number,
  seed: number,
  index: number,
  scores: readonly number[],
  better: (score: number, other: number) => boolean,
): PlannedTrial | undefined {
  const random = new Random(seed);
  const sMax = Math.floor(Math.log(maxEpochs) / Math.log(factor) + 1e-9);
  let k = 0; // index of the next planned training
  for (let s = sMax; s >= 0; s--) {
    const n = Math.ceil(((sMax + 1) / (s + 1)) * factor ** s);
    let configs: Hyperparameters[] = [];
    for (let j = 0; j < n; j++) {
      const point: Hyperparameters = {};
      for (const [name, p] of Object.entries(space)) point[name] = sampleValue(p, random);
      configs.push(point);
    }
    for (let round = 0; round <= s && configs.length > 0; round++) {
      const epochs = Math.max(1, Math.round(maxEpochs / factor ** (s - round)));
      const first = k;
      for (const hyperparameters of configs) {
        if (k === index) return { hyperparameters, epochs };
        k++;
      }
      if (k > scores.length) return undefined; // cannot happen: the trainings before `index` are scored
      const ranked = configs
        .map((hp, j) => ({ hp, score: scores[first + j] }))
        .sort((a, b) => (better(a.score, b.score) ? -1 : better(b.score, a.score) ? 1 : 0));
      configs = ranked.slice(0, Math.floor(configs.length / factor)).map((r) => r.hp);
    }
  }
  return undefined;
}
