import { ConfigError, Random, tf } from '@tensorfold/core';

/** Options of `GAN.sample`, `GAN.latentPoints` and `VAE.sample`. */
export interface SampleArgs {
  /**
   * The truncation trick (Brock et al. 2019, BigGAN): every latent value whose magnitude exceeds this
   * threshold is drawn again until it does not, so the latent points come from a standard normal truncated
   * to `[-truncation, truncation]` in each dimension. Smaller thresholds keep the samples nearer the
   * generator's typical output: usually cleaner samples (fidelity) at the price of less variety (diversity;
   * the class shares and the Fréchet distance show what is lost). A finite number > 0, in standard
   * deviations; 2 redraws about 5% of the values, 0.5 about 62%. Default: none (the untruncated normal
   * prior the model was trained on).
   */
  truncation?: number;
}

/** Resampling stops once fewer than this many values are expected to be left outside, over all values. */
const LEFT_OUTSIDE = 1e-6;
/** The largest share of values a round of resampling rejects (both proposals below; see `truncatedNormal`). */
const WORST_REJECTION = 0.4;

/** Checks `truncation` and returns it: undefined (no truncation) or a finite number > 0. */
export function checkTruncation(truncation: number | undefined): number | undefined {
  if (truncation === undefined) return undefined;
  if (!(typeof truncation === 'number' && Number.isFinite(truncation) && truncation > 0))
    throw new ConfigError(
      `truncation must be a finite threshold > 0 in standard deviations (e.g. 0.5, 1 or 2), got ${truncation}; leave it out to sample the untruncated normal prior.`,
    );
  return truncation;
}

/**
 * `[count, dim]` latent points from a standard normal, the same for the same `seed`; with `truncation`, the
 * values beyond `±truncation` are redrawn (by rejection sampling, seeded from `seed`) until they lie within,
 * and the values within keep what the untruncated draw gave them, so a truncated sample is the untruncated
 * one with its outlying values pulled in. Runs on tensors only (no reads back), in a fixed number of rounds
 * chosen so that fewer than 1e-6 values are expected to be left outside per call; those few, if any, are
 * clipped to the threshold.
 */
export function latentNormal(count: number, dim: number, seed: number, truncation?: number): tf.Tensor2D {
  const t = checkTruncation(truncation);
  const z0 = tf.randomNormal([count, dim], 0, 1, 'float32', seed) as tf.Tensor2D; // [count, dim]
  if (t === undefined) return z0;
  // Each round runs in a tidy of its own and keeps only the running draw and mask, so the peak memory is a
  // few [count, dim] tensors however many rounds there are (not every round's proposals until the end).
  let z = z0; // [count, dim]
  let outside = tf.tidy(() => tf.greater(tf.abs(z), t)); // [count, dim] bool: still to redraw
  try {
    // Each round rejects at most 40% of the values it redraws: a uniform proposal on [-t, t] kept with
    // probability exp(-x^2 / 2) >= exp(-1/2) = 0.61 for t < 1, a normal proposal kept when |x| <= t
    // (probability >= 0.68) for t >= 1.
    const rounds = Math.ceil(Math.log(LEFT_OUTSIDE / Math.max(1, count * dim)) / Math.log(WORST_REJECTION));
    for (let round = 1; round <= rounds; round++) {
      const [nextZ, nextOutside] = tf.tidy(() => {
        const random = Random.derive(seed, round);
        let proposal: tf.Tensor; // [count, dim]
        let accept: tf.Tensor; // [count, dim] bool
        if (t < 1) {
          proposal = tf.randomUniform([count, dim], -t, t, 'float32', random.nextSeed());
          const keep = tf.exp(tf.mul(tf.square(proposal), -0.5)); // the normal density's shape, <= 1
          accept = tf.less(tf.randomUniform([count, dim], 0, 1, 'float32', random.nextSeed()), keep);
        } else {
          proposal = tf.randomNormal([count, dim], 0, 1, 'float32', random.nextSeed());
          accept = tf.lessEqual(tf.abs(proposal), t);
        }
        return [
          tf.where(tf.logicalAnd(outside, accept), proposal, z) as tf.Tensor2D,
          tf.logicalAnd(outside, tf.logicalNot(accept)),
        ];
      });
      tf.dispose([z, outside]);
      z = nextZ as tf.Tensor2D;
      outside = nextOutside;
    }
    return tf.clipByValue(z, -t, t) as tf.Tensor2D;
  } finally {
    tf.dispose([z, outside]);
  }
}
