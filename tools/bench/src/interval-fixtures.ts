/** Ratio intervals for the tests of the verdict and of calibrate's summary (verdict.ts's RatioInterval). */
import type { RatioInterval } from './verdict.js';

/**
 * An interval from `low` to `high` around 1: over 32 rounds (98% coverage), or with `processes` over
 * that many processes (95%, the t interval's).
 */
export function intervalAt(low: number, high: number, processes?: number): RatioInterval {
  return processes == null
    ? { estimate: 1, low, high, coverage: 0.98, method: 'rounds', count: 32 }
    : { estimate: 1, low, high, coverage: 0.95, method: 'processes', count: processes };
}
