/**
 * The interval over processes (verdict.ts's groupedRatioInterval), simulated from measured draws
 * (interval-fixtures.ts): its coverage in A/A runs of two sets of processes, its power against a true
 * 1.3x, the build order of calibrate's two sets, and ours' one process against PyTorch's several.
 * Every run is seeded, so each figure repeats exactly; the bounds leave room for the runs' count.
 */
import { describe, expect, it } from 'vitest';
import {
  type Draw,
  lenet5PyTorchDraw,
  lognormalDraw,
  MLP_PYTORCH_SPREAD,
  noDraw,
  simulateComparison,
  simulatedCalls,
} from './interval-fixtures.js';
import { buildPosition } from './peers/pytorch.js';
import { uniform } from './seeded-random.js';
import { drawSpread, logSpread, orderTrend } from './steadiness.js';
import { DEFAULT_OURS_PROCESS_SPREAD, YARDSTICK } from './verdict.js';

const RUNS = 1000;
const plan = { processes: YARDSTICK.pytorchProcesses, rounds: YARDSTICK.rounds };
// VERDICT.oursProcessSpread's default, not whatever BENCH_OURS_PROCESS_SPREAD says in this shell
const oursSpread = DEFAULT_OURS_PROCESS_SPREAD;
const networks: Array<[string, Draw]> = [
  ['LeNet-5', lenet5PyTorchDraw],
  ['MLP', lognormalDraw(MLP_PYTORCH_SPREAD)],
];
const falseShare = (c: { faster: number; slower: number }) => (c.faster + c.slower) / RUNS;

describe('the fixtures', () => {
  it("draw LeNet-5's processes as measured: about 16% apart, two modes", () => {
    const next = uniform(42);
    const speeds = Array.from({ length: 4000 }, () => Math.exp(lenet5PyTorchDraw(next)));
    expect(logSpread(speeds)).toBeGreaterThan(0.14);
    expect(logSpread(speeds)).toBeLessThan(0.18);
  });
});

describe('calibrate A/A of two sets of processes, built in turn', () => {
  for (const [name, draw] of networks)
    it(`${name}: covers 1 in at least 93% of runs, and errs both ways`, () => {
      const count = simulatedCalls(RUNS, { ...plan, ratio: 1, drawA: draw, drawB: draw });
      expect(count.covered / RUNS).toBeGreaterThanOrEqual(0.93);
      expect(falseShare(count)).toBeLessThanOrEqual(0.07);
      // a 95% interval that never erred would be too wide to be the one it claims
      expect(falseShare(count)).toBeGreaterThan(0.01);
      expect(Math.min(count.faster, count.slower)).toBeGreaterThan(0);
    });

  it('calls a true 1.3x faster in at least 95% of runs with 16 processes a side (LeNet-5: the widest)', () => {
    const count = simulatedCalls(RUNS, {
      ...plan,
      ratio: 1.3,
      drawA: lenet5PyTorchDraw,
      drawB: lenet5PyTorchDraw,
    });
    expect(count.faster / RUNS).toBeGreaterThanOrEqual(0.95);
    expect(count.slower).toBe(0);
  });

  it('keeps its coverage when speed drifts with the build order, where building set A first does not', () => {
    // 10% slower from the first process built to the last (one such drift per run, whatever its cause)
    for (const [name, draw] of networks) {
      const drifting = { ...plan, ratio: 1, drawA: draw, drawB: draw, buildDrift: 0.1 };
      const inTurn = simulatedCalls(RUNS, { ...drifting, order: 'interleaved' });
      const setsFirst = simulatedCalls(RUNS, { ...drifting, order: 'sets' });
      expect(inTurn.covered / RUNS, name).toBeGreaterThanOrEqual(0.93);
      // all of A built first: A reads faster as a whole, a bias every pair shares
      expect(setsFirst.faster / RUNS, name).toBeGreaterThan(0.1);
      expect(setsFirst.faster).toBeGreaterThan(3 * inTurn.faster);
    }
  });
});

describe("the suite's comparison: ours in one process against PyTorch's 16", () => {
  const oursDrawn = lognormalDraw(0.02);

  for (const [name, draw] of networks)
    it(`${name}: with ours' own draw (2%) in the interval, covers the population ratio in at least 93% of runs`, () => {
      const suite = { ...plan, ratio: 1, drawA: oursDrawn, drawB: draw, oneProcess: true };
      const count = simulatedCalls(RUNS, suite, { oursSpread });
      expect(count.covered / RUNS).toBeGreaterThanOrEqual(0.93);
    });

  it("leaving ours' draw out undercovers where PyTorch's processes agree (the MLP)", () => {
    const suite = {
      ...plan,
      ratio: 1,
      drawA: oursDrawn,
      drawB: lognormalDraw(MLP_PYTORCH_SPREAD),
      oneProcess: true,
    };
    expect(simulatedCalls(RUNS, suite, { oursSpread: 0 }).covered / RUNS).toBeLessThan(0.88);
  });

  it('still calls a true 1.3x faster in nearly every run', () => {
    for (const [, draw] of networks) {
      const suite = { ...plan, ratio: 1.3, drawA: oursDrawn, drawB: draw, oneProcess: true };
      const count = simulatedCalls(RUNS, suite, { oursSpread });
      expect(count.faster / RUNS).toBeGreaterThanOrEqual(0.99);
    }
  });
});

describe("calibrate's notes on a row over processes", () => {
  it("orderTrend's power against a 10% drift: most runs on the MLP's draws, few on LeNet-5's", () => {
    // 16 + 16 processes built in turn, each one draw, 10% slower from the first built to the last
    const positions = [0, 1].flatMap((set) =>
      Array.from({ length: 16 }, (_, i) => buildPosition(set as 0 | 1, i, 16, 'interleaved')),
    );
    const seen = (draw: Draw) => {
      let significant = 0;
      for (let seed = 1; seed <= 500; seed++) {
        const next = uniform(seed);
        const speeds = positions.map((p) => Math.exp(draw(next) - (0.1 * p) / 31));
        if (orderTrend(speeds, positions).t < -2) significant++;
      }
      return significant / 500;
    };
    expect(seen(lognormalDraw(MLP_PYTORCH_SPREAD))).toBeGreaterThan(0.75);
    // LeNet-5's two modes hide it: a |t| under 2 there does not rule out the drift that matters
    expect(seen(lenet5PyTorchDraw)).toBeLessThan(0.35);
  });

  it("drawSpread finds a process's draw with the rounds' noise taken out", () => {
    const spreads = (draw: Draw) =>
      Array.from({ length: 200 }, (_, s) => {
        const { ratios, groups } = simulateComparison(s + 1, { ...plan, ratio: 1, drawA: draw, drawB: draw });
        return drawSpread(ratios, groups);
      });
    const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
    // 5% draws, 4% rounds' noise, 2 rounds a process: the draws come out near 5%
    expect(mean(spreads(lognormalDraw(0.05)))).toBeGreaterThan(0.04);
    expect(mean(spreads(lognormalDraw(0.05)))).toBeLessThan(0.06);
    // no draw: only the rounds' noise, which it takes out
    expect(mean(spreads(noDraw))).toBeLessThan(0.015);
  });

  it('orderTrend sees a drift with the build order', () => {
    const positions = Array.from({ length: 32 }, (_, i) => i);
    const drifting = positions.map((p, i) => Math.exp(-0.2 * (p / 31) + 0.02 * Math.sin(i * 2.3)));
    const trend = orderTrend(drifting, positions);
    expect(trend.change).toBeCloseTo(Math.exp(-0.2) - 1, 1);
    expect(trend.t).toBeLessThan(-5);
    const flat = positions.map((_, i) => Math.exp(0.02 * Math.sin(i * 2.3)));
    expect(Math.abs(orderTrend(flat, positions).t)).toBeLessThan(2);
    expect(orderTrend([1, 2], [0, 1]).change).toBeNaN();
    expect(() => orderTrend([1, 2, 3], [0, 1])).toThrow(/one position per value/);
    // calibrate's positions: the two sets in turn cover 0..31 once each
    const order = [0, 1].flatMap((set) =>
      Array.from({ length: 16 }, (_, i) => buildPosition(set as 0 | 1, i, 16, 'interleaved')),
    );
    expect([...order].sort((a, b) => a - b)).toEqual(positions);
  });
});
