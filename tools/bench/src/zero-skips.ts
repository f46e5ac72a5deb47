/**
 * The backend's two zero-step skips, for the int8-against-float32 inference comparisons (issue 18):
 * the int8 products pass over steps of the inner axis that are zero in every row of a block
 * (`setInt8ZeroSkipEnabled`), and so do the float32 products (`setFloatZeroSkipEnabled`). Both are on
 * by default. The fair ratio of int8 to float32 has both on; with both off it shows what the integer
 * arithmetic alone gives; int8 with its skip against float32 without it is the ratio as measured
 * before float32 had a skip.
 *
 * The switches are process-wide and read when a kernel runs; `predict` runs its kernels before it
 * returns, so a model whose `predict` turns switches off and back on around the call runs without
 * them, beside models that run with them in the same process.
 */
import { setFloatZeroSkipEnabled, setInt8ZeroSkipEnabled } from '@tensorfold/backend/testing';
import type { Model, tf } from '@tensorfold/core';

/** A switch of one skip: `true` on (the default), `false` off. */
export type SkipSwitch = (on: boolean) => void;

/** The two skips' switches. */
export const ZERO_SKIPS: Readonly<Record<'int8' | 'float', SkipSwitch>> = {
  int8: setInt8ZeroSkipEnabled,
  float: setFloatZeroSkipEnabled,
};

/** Both skips' switches (int8, then float32). */
export const BOTH_SKIPS: readonly SkipSwitch[] = [ZERO_SKIPS.int8, ZERO_SKIPS.float];

/**
 * `model` for `predict` only, with `switches` off during each call and on again after it (also when
 * it throws). Any backend switch of this shape will do (int8-profile.ts and int8-fair-ab.ts pass
 * others too).
 */
export function predictingWithout(model: Model, switches: readonly SkipSwitch[]): Model {
  return {
    predict: (x: tf.Tensor, options?: { batchSize?: number }) => {
      for (const set of switches) set(false);
      try {
        return model.predict(x, options);
      } finally {
        for (const set of switches) set(true);
      }
    },
  } as unknown as Model;
}
