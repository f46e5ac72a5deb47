/**
 * The float32 products' zero-step skip (threaded-mat-mul.wat, kernels.wat `matMul`): the switch and
 * the count of steps passed over. A step is one index of the inner axis `k` in a block of 4 rows of
 * `op(a)`; where all 4 rows hold ±0 there, its multiply-adds add ±0 to every accumulator (which start
 * at +0), so skipping it changes no bit, provided `op(b)` holds no Infinity or NaN (0 x Infinity is
 * NaN): products whose `op(b)` is not all finite are never skipped.
 */

let skipZeros = true;
let skipped = 0;

/**
 * Whether the float32 products pass over the steps of the inner axis that are ±0 in all 4 rows of a
 * row block (`true`, the default: the same bits, see the module doc; `false` multiplies them, for
 * tests and benchmarks that compare the two). Inputs with zeros in the same places (MNIST's blank
 * borders, a ReLU's zeros) are where it pays.
 */
export function setFloatZeroSkipEnabled(enabled = true): void {
  skipZeros = enabled;
}

/** Whether {@link setFloatZeroSkipEnabled} lets the products skip (on by default). */
export function floatZeroSkipEnabled(): boolean {
  return skipZeros;
}

/**
 * Steps the float32 products have passed over since the process started, each a block of 4 rows
 * times 8 columns of the output at one index of `k` (32 multiply-adds); for tests and benchmarks.
 */
export function floatZeroStepsSkipped(): number {
  return skipped;
}

/** Adds `steps` passed over to {@link floatZeroStepsSkipped} (the kernels' callers). */
export function countFloatZeroSteps(steps: number): void {
  skipped += steps;
}
