/** Option checks the builders share; each throws a ConfigError that says what to pass instead. */
import { ConfigError } from '@tensorfold/core';

/** An integer >= 2 (a softmax over one class learns nothing). */
export function checkClasses(numClasses: number, who: string): void {
  if (!Number.isInteger(numClasses) || numClasses < 2)
    throw new ConfigError(`${who}: numClasses must be an integer >= 2, got ${numClasses}.`);
}

/** `[height, width, channels]` of positive integers. */
export function checkImageShape(shape: readonly number[], who: string): [number, number, number] {
  if (shape.length !== 3 || !shape.every((d) => Number.isInteger(d) && d > 0))
    throw new ConfigError(
      `${who}: inputShape must be [height, width, channels] of positive integers, got [${shape.join(', ')}].`,
    );
  return [shape[0], shape[1], shape[2]];
}

/** A dropout rate in [0, 1). */
export function checkRate(rate: number, who: string): void {
  if (!(rate >= 0 && rate < 1)) throw new ConfigError(`${who}: dropout must be in [0, 1), got ${rate}.`);
}

/** A list of positive integers (filters per block or stage), at least one. */
export function checkCounts(values: readonly number[], what: string, who: string): void {
  if (values.length === 0 || !values.every((v) => Number.isInteger(v) && v > 0))
    throw new ConfigError(`${who}: ${what} must be positive integers, got [${values.join(', ')}].`);
}
