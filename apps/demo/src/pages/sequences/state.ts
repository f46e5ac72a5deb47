/** The state of the Sequences page, mirrored in the URL. */
import { choiceField, numberField, type StateSchema } from '../../lib/url-state';

export const CELLS = ['lstm', 'gru', 'simpleRNN'] as const;
export type CellName = (typeof CELLS)[number];

export interface SequencesState {
  /** Recurrent cell of the forecaster. */
  cell: CellName;
  /** Its state size. */
  units: number;
  /** Days the forecaster reads (its window). */
  window: number;
  /** Adam's learning rate. */
  learningRate: number;
  /** Seed of the initial weights and the batch order. */
  seed: number;
  /** Sampling temperature of the character model (> 0; 1 samples it as it is). */
  temperature: number;
  /** Seed of the character sampling: the same seed, temperature and prefix give the same text. */
  sampleSeed: number;
}

export const sequencesSchema: StateSchema<SequencesState> = {
  cell: choiceField<CellName>('gru', CELLS),
  units: numberField(16, 2, 64, true),
  window: numberField(14, 2, 60, true),
  learningRate: numberField(0.01, 0.0001, 0.5),
  seed: numberField(1, 0, 1_000_000, true),
  temperature: numberField(0.8, 0.1, 2),
  sampleSeed: numberField(1, 0, 1_000_000, true),
};
