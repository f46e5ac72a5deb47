/**
 * CP-ALS's fit without rebuilding the tensor: `‖X − X̂‖² = ‖X‖² − 2⟨X, X̂⟩ + ‖X̂‖²`, in float64 on the
 * host, with `⟨X, X̂⟩` from a mode-1 MTTKRP (which the next sweep needs anyway) and `‖X̂‖²` from the
 * factors' Gram matrices. The three terms nearly cancel when the fit is good, so the estimate is only
 * used where float32 round-off in the MTTKRP cannot matter (see {@link estimatedResidual}).
 */

/** Float32 machine epsilon (2^-23). */
const FLOAT32_EPSILON = 2 ** -23;

/**
 * How far above its round-off estimate the squared residual must be before the estimate is used. The
 * estimate is pessimistic (it adds the round-off of every MTTKRP entry as if none cancelled): on the
 * 64^3 rank-10 benchmark it was about 250x the measured error of `‖X − X̂‖²`. With 10 the recorded
 * error is within 5% of its value even if the estimate were exact, and in practice within about 1e-5
 * (`cp.test.ts` checks the recorded errors against a float64 truth).
 */
export const FIT_MARGIN = 10;

/** What {@link estimatedResidual} needs about the model and the tensor. */
export interface FitTerms {
  /** `‖X‖²`, in float64. */
  tensorNormSquared: number;
  /** `M` `[n_1, R]`: mode 1's MTTKRP for the model's factors of modes 2..N, row-major. */
  mttkrp: ArrayLike<number>;
  /** The model's mode-1 factor `[n_1, R]`, row-major (normalised when `weights` carry the scale). */
  factor: ArrayLike<number>;
  /** `[R, R]` Gram matrix `AᵀA` of every factor, row-major. */
  grams: readonly Float64Array[];
  /** `[R]` column weights of the model (ones without normalisation). */
  weights: ArrayLike<number>;
  rank: number;
  /** The inner size of the float32 products behind `mttkrp` (the last mode's size `n_N`). */
  innerSize: number;
}

/**
 * `‖X − X̂‖` from {@link FitTerms}, or null where float32 round-off could spoil it: when the squared
 * residual is below {@link FIT_MARGIN} times `2·ε₃₂·√n_N·‖X‖·‖X̂‖_abs`, a round-off estimate of the
 * error of `2⟨X, X̂⟩` (each MTTKRP entry is a float32 sum of `n_N` products; `‖X̂‖_abs² =
 * Σ_rs |w_r w_s Π_k G_k[r, s]|` bounds `‖X̂‖²` and grows with cancelling components). Then the caller
 * computes the true residual instead.
 */
export function estimatedResidual(terms: FitTerms): number | null {
  const { mttkrp, factor, grams, weights, rank } = terms;
  let inner = 0; // ⟨X, X̂⟩ = Σ_ir M[i, r] · A[i, r] · w_r
  for (let i = 0; i < mttkrp.length; i++) inner += mttkrp[i] * factor[i] * weights[i % rank];
  let model = 0; // ‖X̂‖² = Σ_rs w_r w_s Π_k G_k[r, s]
  let magnitude = 0;
  for (let r = 0; r < rank; r++) {
    for (let s = 0; s < rank; s++) {
      let term = weights[r] * weights[s];
      for (const gram of grams) term *= gram[r * rank + s];
      model += term;
      magnitude += Math.abs(term);
    }
  }
  const squared = terms.tensorNormSquared - 2 * inner + model;
  const roundOff =
    2 * FLOAT32_EPSILON * Math.sqrt(terms.innerSize) * Math.sqrt(terms.tensorNormSquared * magnitude);
  if (!(squared >= FIT_MARGIN * roundOff)) return null;
  return Math.sqrt(squared);
}
