import { describe, expect, it } from 'vitest';
import {
  BUSY,
  busyReason,
  groupedSummary,
  logSpread,
  medianAndQuartiles,
  medianOf,
  pairedRatios,
  relativeSpread,
  summarize,
} from './steadiness.js';

describe('summarize', () => {
  it('gives the median, quartiles (measured values) and range', () => {
    expect(summarize([5, 1, 4, 2, 3])).toEqual({ median: 3, q1: 2, q3: 4, min: 1, max: 5 });
    // Nine rounds: ranks 2 and 6 of the sorted sample are the quartiles.
    expect(summarize([9, 8, 7, 6, 5, 4, 3, 2, 1])).toEqual({ median: 5, q1: 3, q3: 7, min: 1, max: 9 });
  });

  it("takes medianOf's true median: an even count's middle two averaged", () => {
    expect(summarize([1, 2, 3, 10]).median).toBe(2.5);
  });

  it('refuses an empty sample', () => {
    expect(() => summarize([])).toThrow(RangeError);
  });
});

describe('medianAndQuartiles', () => {
  it("writes summarize's median and quartiles as `median [q1, q3]`", () => {
    expect(medianAndQuartiles([5, 1, 4, 2, 3], 1)).toBe('3.0 [2.0, 4.0]');
    expect(medianAndQuartiles([9, 8, 7, 6, 5, 4, 3, 2, 1, 0.5], 2)).toBe('4.50 [2.00, 7.00]');
  });
});

describe('medianOf (the one median of the bench)', () => {
  it('takes the middle value of an odd count, whatever the order', () => {
    expect(medianOf([3, 1, 2])).toBe(2);
    expect(medianOf([7])).toBe(7);
    expect(medianOf([5, 1, 4, 2, 3])).toBe(3);
  });

  it('takes the mean of the middle two of an even count, not the upper one', () => {
    expect(medianOf([4, 1, 3, 2])).toBe(2.5);
    expect(medianOf([1, 2, 3, 10])).toBe(2.5);
    expect(medianOf([2, 1])).toBe(1.5);
    // ratios symmetric about 1 have median 1: the upper middle would read 1.05 ("faster")
    expect(medianOf([0.9, 1.05, 0.95, 1.1])).toBeCloseTo(1, 12);
  });

  it('does not reorder its argument, and gives NaN for an empty list', () => {
    const values = [3, 1, 2, 0];
    medianOf(values);
    expect(values).toEqual([3, 1, 2, 0]);
    expect(medianOf([])).toBeNaN();
  });
});

describe('logSpread', () => {
  it('is the standard deviation of the logs: scale-free, 0 for equal or single values', () => {
    expect(logSpread([5, 5, 5])).toBe(0);
    expect(logSpread([7])).toBe(0);
    expect(logSpread([1, 1.4, 1, 1.4])).toBeCloseTo(Math.log(1.4) / Math.sqrt(3), 12);
    expect(logSpread([100, 140, 100, 140])).toBeCloseTo(logSpread([1, 1.4, 1, 1.4]), 12);
  });
});

describe('relativeSpread', () => {
  it('is the interquartile range over the median', () => {
    expect(relativeSpread([90, 95, 100, 105, 110])).toBeCloseTo(10 / 100);
    expect(relativeSpread([100, 100, 100])).toBe(0);
    expect(relativeSpread([42])).toBe(0);
  });

  it('does not see one outlier round among nine', () => {
    expect(relativeSpread([100, 101, 99, 100, 102, 98, 100, 101, 30])).toBeLessThan(0.05);
  });
});

describe('pairedRatios', () => {
  it('divides round by round, as many as the shorter side has', () => {
    expect(pairedRatios([10, 20, 30], [5, 10])).toEqual([2, 2]);
  });

  it('stays steady when both sides slow down in the same rounds', () => {
    const ours = [100, 50, 100, 60, 100];
    const theirs = ours.map((r) => r / 1.25);
    expect(relativeSpread(ours)).toBeGreaterThan(0.15);
    expect(relativeSpread(pairedRatios(ours, theirs))).toBeCloseTo(0);
    expect(medianOf(pairedRatios(ours, theirs))).toBeCloseTo(1.25);
  });
});

describe('busyReason', () => {
  const quiet = { load: 0.5, othersCores: 0.03, ownDuringPeerCores: 0.01 };

  it('judges a quiet run', () => {
    expect(busyReason(quiet)).toBeNull();
  });

  it('names every measure past its threshold', () => {
    const reason = busyReason({ load: 3, othersCores: 1.7, ownDuringPeerCores: 0.4 });
    expect(reason).toContain('other processes used 1.70 cores');
    expect(reason).toContain('the bench used 0.40 cores');
    // The load average (which counts the bench's own threads) is left out when others' CPU time is known.
    expect(reason).not.toContain('load');
  });

  it('falls back to the load average where CPU time cannot be read', () => {
    expect(busyReason({ ...quiet, othersCores: null, load: 0.9 })).toBeNull();
    expect(busyReason({ ...quiet, othersCores: null, load: 1.5 })).toContain('load 1.5/core');
  });

  it('holds each threshold itself (not busy at it, busy past it)', () => {
    expect(busyReason({ ...quiet, othersCores: BUSY.othersCores })).toBeNull();
    expect(busyReason({ ...quiet, othersCores: BUSY.othersCores + 0.01 })).not.toBeNull();
    expect(busyReason({ ...quiet, ownDuringPeerCores: BUSY.ownDuringPeerCores })).toBeNull();
    expect(busyReason({ ...quiet, ownDuringPeerCores: BUSY.ownDuringPeerCores + 0.01 })).not.toBeNull();
  });
});

describe('groupedSummary', () => {
  it("weighs each process's median alike and measures the spread within processes", () => {
    // Process 0 in the slow mode (about 5,600), process 1 in the fast one (about 7,900), rounds alternating.
    const slow = [5400, 5600, 5500, 5800, 5700];
    const fast = [7700, 7900, 8000, 7800, 8100];
    const rates = slow.flatMap((s, i) => [s, fast[i]]);
    const processes = slow.flatMap(() => [0, 1]);
    const summary = groupedSummary(rates, processes);
    expect(summary.medians).toEqual([5600, 7900]);
    expect(summary.centre).toBe(6750);
    expect(summary.withinSpread).toBeCloseTo((200 / 5600 + 200 / 7900) / 2);
    // All rounds together look far noisier than any process's rounds are.
    expect(relativeSpread(rates)).toBeGreaterThan(0.15);
  });

  it('refuses values without a process each', () => {
    expect(() => groupedSummary([1, 2], [0])).toThrow(RangeError);
    expect(() => groupedSummary([], [])).toThrow(RangeError);
  });
});
