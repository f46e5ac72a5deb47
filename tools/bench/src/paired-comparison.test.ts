import { describe, expect, it } from 'vitest';
import {
  type Comparison,
  judgeComparison,
  measurePaired,
  ratioInterval,
  summarizeSide,
} from './paired-comparison.js';
import type { Runner } from './training-sides.js';
import { describeVerdict, judgeRatio } from './verdict.js';

/**
 * The call the interval makes alone: measurePaired also reads this machine's real load from /proc,
 * which would make a test on a busy machine "busy".
 */
const callOf = (c: Comparison) => judgeRatio(c.interval, null).call;

/**
 * A fake side: round k (counting every call) takes `wall(k, machine)` seconds, where `machine` is the
 * shared clock's slowdown at the time, so that back-to-back rounds see the same machine. `processes`:
 * round k runs in process k mod processes (like the PyTorch side), with that process's speed factor.
 */
function fakeSide(
  clock: { t: number },
  options: { speed: number; processSpeeds?: number[] },
): Runner & { calls: number } {
  const { speed, processSpeeds } = options;
  const processes: number[] = [];
  const side = {
    calls: 0,
    async round(steps: number) {
      const p = processSpeeds == null ? 0 : side.calls % processSpeeds.length;
      if (processSpeeds != null) processes.push(p);
      side.calls++;
      clock.t++;
      const machine = 1 + 0.5 * Math.sin(clock.t / 8); // swings 0.5-1.5x over about 50 rounds
      const wall = steps / (speed * (processSpeeds?.[p] ?? 1) * machine);
      return { wall, cpu: wall };
    },
    dispose() {},
    ...(processSpeeds == null ? {} : { processes: () => processes.slice() }),
  };
  return side;
}

describe('measurePaired', () => {
  it('judges a steady 1.25x faster and an equal peer level, though the machine swings 3x', async () => {
    const clock = { t: 0 };
    const ours = fakeSide(clock, { speed: 125 });
    const same = fakeSide(clock, { speed: 125 });
    const slower = fakeSide(clock, { speed: 100 });
    const measured = await measurePaired(ours, [same, slower], {
      rounds: 16,
      steps: 10,
      samplesPerRound: 640,
    });
    const [level, faster] = measured.comparisons;
    expect(ours.calls).toBe(2 * 17); // once per peer per round, warm-up round included
    // Each side's rounds swing with the machine...
    expect(faster.ours.rate.max / faster.ours.rate.min).toBeGreaterThan(2);
    // ...their ratios do not, since each pair ran back to back.
    expect(faster.interval!.low).toBeGreaterThan(1.1);
    expect(callOf(faster)).toBe('faster');
    expect(level.interval!.method).toBe('rounds');
    expect(callOf(level)).toBe('level');
    // The verdict is the interval's call unless the machine was busy.
    expect(faster.verdict).toEqual(judgeRatio(faster.interval, faster.busy));
    expect(measured.ours.rates).toHaveLength(32);
  });

  it("widens the interval over a peer's processes and does not call a bimodal peer's draw", async () => {
    const clock = { t: 0 };
    const ours = fakeSide(clock, { speed: 100 });
    // A peer in 4 processes, two fast and two slow (1.4x apart): their mean is 1.2x ours' speed...
    const peer = fakeSide(clock, { speed: 100, processSpeeds: [1, 1.4, 1, 1.4] });
    const measured = await measurePaired(ours, [peer], { rounds: 16, steps: 10, samplesPerRound: 640 });
    const [c] = measured.comparisons;
    expect(c.theirs.grouped?.medians).toHaveLength(4);
    expect(c.interval!.method).toBe('processes');
    expect(c.interval!.count).toBe(4);
    // ...but 4 draws of a bimodal process say little: the interval spans 1, and 4 are too few to judge.
    expect(c.interval!.low).toBeLessThan(1 / 1.05);
    expect(judgeRatio(c.interval, null).judged).toBe(false);
    expect(judgeRatio(c.interval, null).reason).toContain('only 4 processes');
  });

  it('calls a peer in 16 bimodal processes, their mean 1.18x ours, slower', async () => {
    const clock = { t: 0 };
    const ours = fakeSide(clock, { speed: 100 });
    const speeds = Array.from({ length: 16 }, (_, p) => (p % 2 === 0 ? 1 : 1.4));
    const peer = fakeSide(clock, { speed: 100, processSpeeds: speeds });
    const measured = await measurePaired(ours, [peer], { rounds: 32, steps: 10, samplesPerRound: 640 });
    const [c] = measured.comparisons;
    expect(c.interval!.count).toBe(16);
    // the geometric mean of the draws, 1 / sqrt(1.4) = 0.845, inside the interval, which excludes 1
    expect(c.interval!.low).toBeLessThan(1 / Math.sqrt(1.4));
    expect(c.interval!.high).toBeGreaterThan(1 / Math.sqrt(1.4));
    expect(callOf(c)).toBe('slower');
  });

  it('in an A/A of a side in several processes, pairs each round with its own process', async () => {
    const clock = { t: 0 };
    const speeds = [1, 1.4, 1, 1.4];
    const a = fakeSide(clock, { speed: 100, processSpeeds: speeds });
    const b = fakeSide(clock, { speed: 100, processSpeeds: speeds });
    const measured = await measurePaired(a, [b], { rounds: 16, steps: 10, samplesPerRound: 640 });
    const [c] = measured.comparisons;
    // The same process index on both sides, same speed: every ratio is the machine's drift only.
    expect(c.ours.processes).toEqual(c.theirs.processes);
    expect(c.interval!.low).toBeGreaterThan(0.8);
    expect(c.interval!.high).toBeLessThan(1.25);
    expect(callOf(c)).not.toBe('faster');
    expect(callOf(c)).not.toBe('slower');
  });
});

describe('ratioInterval', () => {
  it('groups by the pair of processes where both sides ran in several', () => {
    const times = (walls: number[]) => walls.map((wall) => ({ wall, cpu: wall }));
    const ours = summarizeSide(times([1, 1, 1, 1, 1, 1]), 10, [0, 1, 2, 0, 1, 2]);
    const theirs = summarizeSide(times([1, 1.1, 0.9, 1, 1.1, 0.9]), 10, [0, 1, 2, 0, 1, 2]);
    const ratios = ours.rates.map((r, i) => r / theirs.rates[i]);
    const interval = ratioInterval(ratios, ours, theirs)!;
    expect(interval.method).toBe('processes');
    expect(interval.count).toBe(3);
    // Without processes on either side: order statistics over the 6 rounds.
    const plain = summarizeSide(times([1, 1, 1, 1, 1, 1]), 10, null);
    expect(ratioInterval(ratios, plain, plain)!.method).toBe('rounds');
    // Each process's samples per CPU second, in process order, and their mean as the side's figure.
    expect(theirs.processCpuRates).toEqual([10, 10 / 1.1, 10 / 0.9]);
    expect(theirs.cpuRate).toBeCloseTo((10 + 10 / 1.1 + 10 / 0.9) / 3, 12);
    expect(summarizeSide(times([1, 2]), 10, null).processCpuRates).toBeNull();
  });

  it("adds ours' own process draw only where ours ran in this one process against a peer in several", () => {
    const times = (walls: number[]) => walls.map((wall) => ({ wall, cpu: wall }));
    const oneProcess = summarizeSide(times([1, 1, 1, 1, 1, 1]), 10, null);
    const inProcesses = summarizeSide(times([1, 1, 1, 1, 1, 1]), 10, [0, 1, 2, 0, 1, 2]);
    const theirs = summarizeSide(times([1, 1.1, 0.9, 1, 1.1, 0.9]), 10, [0, 1, 2, 0, 1, 2]);
    const ratios = oneProcess.rates.map((r, i) => r / theirs.rates[i]);
    const width = (i: { low: number; high: number } | null) => i!.high / i!.low;
    const without = ratioInterval(ratios, oneProcess, theirs, 0);
    expect(width(ratioInterval(ratios, oneProcess, theirs, 0.05))).toBeGreaterThan(width(without));
    // calibrate's A/A of two sets: both draws are in the pairs' spread already
    expect(width(ratioInterval(ratios, inProcesses, theirs, 0.05))).toBeCloseTo(width(without), 12);
  });

  it('gives no interval, and no verdict, for a peer in one worker process: one draw of its speed', () => {
    const times = (walls: number[]) => walls.map((wall) => ({ wall, cpu: wall }));
    const plain = summarizeSide(times([1, 1, 1, 1, 1, 1, 1, 1]), 10, null);
    // BACKEND_TRAINING_PYTORCH_PROCESSES=1: the peer's 8 rounds, steady and 1.25x ours, all in process 0
    const single = summarizeSide(
      times([0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8]),
      10,
      [0, 0, 0, 0, 0, 0, 0, 0],
    );
    const ratios = plain.rates.map((r, i) => r / single.rates[i]);
    expect(ratioInterval(ratios, plain, single)).toBeNull();
    const verdict = judgeComparison(ratios, plain, single, null, null);
    expect(verdict).toEqual({
      judged: false,
      call: null,
      reason: 'only 1 process: an interval over processes needs 8',
    });
    expect(describeVerdict(null, verdict)).toBe(
      'no interval: not judged (only 1 process: an interval over processes needs 8)',
    );
    // A busy machine still says busy; in-process sides are judged over their rounds as before.
    expect(judgeComparison(ratios, plain, single, null, 'too busy').reason).toBe('too busy');
    const rounds = ratioInterval(ratios, plain, plain);
    expect(rounds?.method).toBe('rounds');
    expect(judgeComparison(ratios, plain, plain, rounds, null).call).toBe('slower');
  });
});

describe('measurePaired without a peer', () => {
  it('says what to do instead of failing inside the summary', async () => {
    const clock = { t: 0 };
    await expect(
      measurePaired(fakeSide(clock, { speed: 100 }), [], { rounds: 6, steps: 4, samplesPerRound: 256 }),
    ).rejects.toThrow(/No peer could run.*BACKEND_TRAINING_PEERS/);
  });
});

describe('measurePaired on a machine busy part of the time', () => {
  it("calls busy only the comparisons whose pairs other processes' CPU time hit", async () => {
    const clock = { t: 0 };
    const ours = fakeSide(clock, { speed: 100 });
    const quiet = fakeSide(clock, { speed: 100 });
    const hit = fakeSide(clock, { speed: 100 });
    // A fake /proc: each round advances wall time by 1 s; other processes burn 1 core during `hit`'s rounds.
    let machine = 0;
    const original = hit.round.bind(hit);
    hit.round = async (steps) => {
      machine += 1;
      return original(steps);
    };
    const snapshot = () => ({ wall: clock.t, machine, own: 0 });
    const measured = await measurePaired(ours, [quiet, hit], {
      rounds: 8,
      steps: 10,
      samplesPerRound: 640,
      snapshot,
    });
    const [a, b] = measured.comparisons;
    expect(a.othersCores).toBe(0);
    expect(a.busy).toBeNull();
    expect(a.verdict).toEqual(judgeRatio(a.interval, null));
    // Other processes took 1 CPU second over every 2 seconds of `hit`'s pairs.
    expect(b.othersCores).toBeCloseTo(0.5);
    expect(b.verdict).toEqual({
      judged: false,
      call: null,
      reason: 'too busy to judge wall time (other processes used 0.50 cores)',
    });
  });
});
