import { afterEach, describe, expect, it } from 'vitest';
import {
  INT8_ONE_THREAD_ROWS,
  INT8_ONE_THREAD_ROWS_MAX,
  oneThreadFirst,
  setInt8OneThreadRows,
} from './int8-chain-by-rows.js';

describe('setInt8OneThreadRows', () => {
  afterEach(() => {
    setInt8OneThreadRows();
  });

  it('sends no stack to the one-thread path by default, those of up to `rows` rows when set, up to 64 at most', () => {
    expect(INT8_ONE_THREAD_ROWS).toBe(0);
    expect(INT8_ONE_THREAD_ROWS_MAX).toBe(64);
    expect([1, 32, 33].map(oneThreadFirst)).toEqual([false, false, false]);
    setInt8OneThreadRows(32);
    expect([1, 32, 33].map(oneThreadFirst)).toEqual([true, true, false]);
    setInt8OneThreadRows(64);
    expect([64, 65].map(oneThreadFirst)).toEqual([true, false]);
    setInt8OneThreadRows();
    expect([1, 32].map(oneThreadFirst)).toEqual([false, false]);
  });

  it.each([-1, 1.5, 65, Number.POSITIVE_INFINITY, Number.NaN])(
    'refuses %s with a RangeError that names the range, and keeps the rule it had',
    (rows) => {
      setInt8OneThreadRows(16);
      expect(() => setInt8OneThreadRows(rows)).toThrow(RangeError);
      expect(() => setInt8OneThreadRows(rows)).toThrow(/integer from 0 to 64/);
      expect([16, 17].map(oneThreadFirst)).toEqual([true, false]);
    },
  );
});
