/**
 * The order in which `applyGradients` updates the variables of one call. Each variable's update reads
 * only its own value, gradient and slots (the step's coefficients are computed once before), so the
 * order changes no result, only which arrays are still in the processor's caches afterwards.
 */
let reversed = false;

/**
 * Updates the variables last to first (true) or in the order given (false, the default), for
 * same-process A/B benchmarks and tests. Either way the results have the same bits.
 */
export function setUpdateOrderReversed(on: boolean): void {
  reversed = on;
}

/** The indices of `count` variables in the order they are updated. */
export function updateOrder(count: number): number[] {
  const order = Array.from({ length: count }, (_, i) => i);
  return reversed ? order.reverse() : order;
}
