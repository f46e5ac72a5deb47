/**
 * A limit on how many weight values layers may create, set while a saved model is rebuilt: a
 * model.json whose layers claim more values than its weight data holds is refused before the
 * initializers allocate anything (a 836-byte file claiming a 2^25-unit input used to take 4.5 s and
 * 588 MB before its error).
 */
import { SerializationError } from '../errors.js';

let budget: { left: number; total: number } | null = null;

/**
 * Runs `build` (synchronous) with a budget of `values` weight values for every `addWeight` in it.
 * Budgets do not nest: an inner call replaces the outer one until it returns.
 */
export function withWeightBudget<T>(values: number, build: () => T): T {
  const outer = budget;
  budget = { left: values, total: values };
  try {
    return build();
  } finally {
    budget = outer;
  }
}

/**
 * Takes a new weight's values from the budget, if one is set.
 * @throws SerializationError when the weight would exceed it.
 */
export function chargeWeight(layer: string, weight: string, shape: readonly number[]): void {
  if (budget == null) return;
  const count = shape.reduce((a, b) => a * b, 1);
  if (count > budget.left)
    throw new SerializationError(
      `Layer "${layer}" would create weight "${weight}" of shape [${shape.join(', ')}] (${count} values), but the weight data holds only ${budget.total} values in all (${budget.left} left for this layer): the model.json's layer sizes do not match its weights. The file is damaged or was edited; re-save the model.`,
    );
  budget.left -= count;
}
