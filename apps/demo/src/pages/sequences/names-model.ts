/** The shipped character model of the Sequences page (trained by `scripts/train-names.ts`). */
export const NAMES_MODEL = {
  /** Folder under the site's `models/`. */
  folder: 'names-lstm',
  /** Characters the model reads. */
  steps: 10,
  /** LSTM state size. */
  units: 64,
} as const;
