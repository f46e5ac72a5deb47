/**
 * One size, set by tests, from which every kernel of tensorfold's WASM thread pool runs there: the
 * products, the convolutions (im2col and direct), the filter gradients (split by taps and the
 * register-blocked one split by images) and the int8 kernels. Each kernel's own threshold (in
 * multiply-adds, measured where threads start to pay) keeps small calls on one thread, so tests of
 * the threaded paths on small random shapes set this instead.
 */

let forced: number | null = null;

/**
 * Makes every threaded WASM kernel run on the pool from `multiplyAdds` multiply-adds on (1: every
 * call, whatever its size), in place of each kernel's own threshold, and waives the kernels' other
 * size rules, which only keep the pool from calls too small to gain (the im2col convolution's
 * smallest patch of 64 and 8 output channels, the direct convolution's patch of 64 and 2 images, the
 * blocked filter gradient's 2 images, the split by taps' 2 taps, the int8 kernels' 8 rows and as many
 * images as threads, and their 65536 inputs to quantize on the pool). Without an argument (the default) each kernel's own threshold and rules apply
 * again. For tests (the differential fuzz suite) and benchmarks of the crossover; results are the
 * same either way, only the thread that computes them changes. Needs a pool (`setWasmThreads(2)` or
 * more) to have any effect.
 */
export function setThreadedKernelMinimum(multiplyAdds?: number): void {
  forced = multiplyAdds ?? null;
}

/** The size (multiply-adds) from which a kernel whose own threshold is `own` runs on the pool. */
export function threadedMinimum(own: number): number {
  return forced ?? own;
}

/** Whether {@link setThreadedKernelMinimum} set a size, which waives the kernels' other size rules. */
export function threadedSizeRulesWaived(): boolean {
  return forced != null;
}
