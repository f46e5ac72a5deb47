import { describe, expect, it } from 'vitest';
import { intervalAt } from './interval-fixtures.js';
import { normal, uniform } from './seeded-random.js';
import { medianOf, pairedRatios } from './steadiness.js';
import {
  bandNeeded,
  DEFAULT_LEVEL_BAND,
  DEFAULT_OURS_PROCESS_SPREAD,
  describeVerdict,
  groupedRatioInterval,
  judgeRatio,
  judgeTarget,
  levelBandFromEnv,
  medianRanks,
  medianRatioInterval,
  oursProcessSpreadFromEnv,
  type RatioInterval,
  VERDICT,
  YARDSTICK,
} from './verdict.js';

/**
 * Synthetic paired rounds: `machine(r)` is the machine's speed in round r (both rounds of a pair see
 * it), each round adds its own noise of relative size `noise`, and ours runs `ratio(r)` times the
 * peer's speed. Rates in samples/s.
 */
function rounds(
  n: number,
  options: { seed: number; noise: number; ratio?: (r: number) => number; machine?: (r: number) => number },
) {
  const next = uniform(options.seed);
  const { noise, ratio = () => 1, machine = () => 1 } = options;
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let r = 0; r < n; r++) {
    theirs.push(10000 * machine(r) * Math.exp(noise * normal(next)));
    ours.push(10000 * machine(r) * ratio(r) * Math.exp(noise * normal(next)));
  }
  return { ours, theirs, ratios: pairedRatios(ours, theirs) };
}

const judge = (interval: RatioInterval | null) => judgeRatio(interval, null);

describe('medianRanks', () => {
  it('gives the order statistics of a distribution-free interval for the median', () => {
    // 16 rounds: the 4th smallest to the 4th largest covers 97.9% (the 5th would cover only 92.3%).
    const ranks = medianRanks(16, 0.95);
    expect(ranks?.k).toBe(4);
    expect(ranks?.coverage).toBeCloseTo(1 - (2 * (1 + 16 + 120 + 560)) / 65536, 6);
    expect(medianRanks(6, 0.95)).toEqual({ k: 1, coverage: 1 - 2 / 64 });
    // 5 rounds: even the range covers only 93.75%.
    expect(medianRanks(5, 0.95)).toBeNull();
  });
});

describe('judgeRatio on synthetic rounds', () => {
  it('calls steady A/A rounds level, although each side swings by 30% with the machine', () => {
    const machine = (r: number) => (r % 3 === 0 ? 0.7 : 1);
    const { ours, ratios } = rounds(16, { seed: 1, noise: 0.02, machine });
    const interval = medianRatioInterval(ratios)!;
    expect(interval.low).toBeLessThan(1);
    expect(interval.high).toBeGreaterThan(1);
    expect(judge(interval)).toEqual({ judged: true, call: 'level', reason: null });
    // The old rule refused this run: a side's own spread is far past 15%.
    expect((Math.max(...ours) - Math.min(...ours)) / 10000).toBeGreaterThan(0.25);
  });

  it('calls a steady 1.2x faster and a steady 0.8x slower', () => {
    const faster = medianRatioInterval(rounds(16, { seed: 2, noise: 0.03, ratio: () => 1.2 }).ratios)!;
    expect(judge(faster).call).toBe('faster');
    expect(faster.low).toBeGreaterThan(1.1);
    const slower = medianRatioInterval(rounds(16, { seed: 3, noise: 0.03, ratio: () => 0.8 }).ratios)!;
    expect(judge(slower).call).toBe('slower');
  });

  it('stays level when the machine drifts under both sides alike', () => {
    const machine = (r: number) => 1 - r * 0.03; // 45% slower by the last round
    const interval = medianRatioInterval(rounds(16, { seed: 4, noise: 0.02, machine }).ratios)!;
    expect(judge(interval).call).toBe('level');
  });

  it('does not judge a ratio that drifts across 1 (one side warming up during the rounds)', () => {
    const ratio = (r: number) => 0.85 + (0.3 * r) / 15;
    const interval = medianRatioInterval(rounds(16, { seed: 5, noise: 0.02, ratio }).ratios)!;
    const verdict = judge(interval);
    expect(verdict.judged).toBe(false);
    expect(verdict.reason).toContain('straddles 1');
  });

  it('does not judge bimodal rounds whose modes lie on both sides of 1', () => {
    const next = uniform(6);
    const ratio = () => (next() < 0.5 ? 0.8 : 1.25);
    const verdict = judge(medianRatioInterval(rounds(16, { seed: 7, noise: 0.02, ratio }).ratios));
    expect(verdict.judged).toBe(false);
  });

  it('says "busy" only from the machine, whatever the interval', () => {
    const interval = medianRatioInterval(rounds(16, { seed: 8, noise: 0.01 }).ratios)!;
    const verdict = judgeRatio(interval, 'too busy to judge wall time (other processes used 0.80 cores)');
    expect(verdict).toEqual({
      judged: false,
      call: null,
      reason: 'too busy to judge wall time (other processes used 0.80 cores)',
    });
  });

  it('does not judge too few rounds', () => {
    expect(medianRatioInterval([1, 1.1, 0.9, 1, 1])).toBeNull();
    expect(judge(null).judged).toBe(false);
  });

  it('over 400 A/A runs with noisy rounds calls at most 3% faster or slower', () => {
    let wrong = 0;
    for (let seed = 100; seed < 500; seed++) {
      const call = judge(medianRatioInterval(rounds(16, { seed, noise: 0.06 }).ratios)).call;
      if (call === 'faster' || call === 'slower') wrong++;
    }
    // The interval covers 97.9%, so about 2% of A/A runs fall wholly on one side by chance.
    expect(wrong / 400).toBeLessThanOrEqual(0.03);
  });

  it('over 400 runs of a true 1.15x with the same noise calls nearly all faster, never slower', () => {
    let faster = 0;
    for (let seed = 100; seed < 500; seed++) {
      const call = judge(
        medianRatioInterval(rounds(16, { seed, noise: 0.06, ratio: () => 1.15 }).ratios),
      ).call;
      if (call === 'faster') faster++;
      expect(call).not.toBe('slower');
    }
    expect(faster / 400).toBeGreaterThan(0.95);
  });
});

describe('groupedRatioInterval (a peer in several processes, each a draw of its own)', () => {
  /** A/A of a peer whose processes draw one of two speeds 1.4x apart: ours and theirs each in 4 processes. */
  function bimodalAA(seed: number, processes = 4, perProcess = 4) {
    const next = uniform(seed);
    const draw = () => (next() < 0.5 ? 1 : 1.4);
    const oursDraws = Array.from({ length: processes }, draw);
    const theirsDraws = Array.from({ length: processes }, draw);
    const ratios: number[] = [];
    const groups: number[] = [];
    for (let r = 0; r < processes * perProcess; r++) {
      const p = r % processes;
      const machine = 0.8 + 0.4 * next();
      const ours = oursDraws[p] * machine * Math.exp(0.03 * normal(next));
      const theirs = theirsDraws[p] * machine * Math.exp(0.03 * normal(next));
      ratios.push(ours / theirs);
      groups.push(p);
    }
    return { ratios, groups, oursDraws, theirsDraws };
  }

  it('takes the mean of the processes in log space and widens with their spread', () => {
    const ratios = [1, 1, 1.4, 1.4, 1, 1, 1.4, 1.4];
    const interval = groupedRatioInterval(ratios, [0, 0, 1, 1, 2, 2, 3, 3])!;
    expect(interval.estimate).toBeCloseTo(Math.sqrt(1.4));
    expect(interval.count).toBe(4);
    expect(interval.method).toBe('processes');
    // sd of the logs (0, ln 1.4, 0, ln 1.4) is ln(1.4)/sqrt(3) * sqrt(... ): check against the formula.
    const logs = [0, Math.log(1.4), 0, Math.log(1.4)];
    const mean = logs.reduce((s, v) => s + v, 0) / 4;
    const sd = Math.sqrt(logs.reduce((s, v) => s + (v - mean) ** 2, 0) / 3);
    expect(Math.log(interval.high / interval.estimate)).toBeCloseTo((3.182 * sd) / 2);
    // An order-statistics interval over all the rounds would hide the draw: it claims far more.
    const rounds = medianRatioInterval([...ratios, ...ratios])!;
    expect(rounds.high / rounds.low).toBeLessThan(interval.high / interval.low);
  });

  it('never calls bimodal A/A draws faster or slower where the rounds alone would', () => {
    let wrongGrouped = 0;
    let wrongRounds = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const { ratios, groups } = bimodalAA(seed);
      // judged over 4 processes (below VERDICT.minProcesses) to show the interval itself
      const grouped = judgeRatio(groupedRatioInterval(ratios, groups), null, VERDICT.level, 2).call;
      const byRounds = judge(medianRatioInterval(ratios)).call;
      if (grouped === 'faster' || grouped === 'slower') wrongGrouped++;
      if (byRounds === 'faster' || byRounds === 'slower') wrongRounds++;
    }
    // Treating the 16 rounds as independent calls about a sixth of these A/A runs one way or the other.
    expect(wrongRounds / 300).toBeGreaterThan(0.1);
    expect(wrongGrouped / 300).toBeLessThanOrEqual(0.06);
  });

  it("takes each process's true median in logs: an even count's middle two, not the upper one nor their plain mean", () => {
    // Ratios are ours over theirs: the upper middle would lean every process, and the call, to "faster";
    // the plain mean of each reciprocal pair would read 1.0025-1.0055, faster too.
    const interval = groupedRatioInterval(
      [0.9, 1 / 0.9, 0.95, 1 / 0.95, 0.92, 1 / 0.92, 0.97, 1 / 0.97],
      [0, 0, 1, 1, 2, 2, 3, 3],
    )!;
    expect(interval.estimate).toBeCloseTo(1, 10);
    expect(medianOf([4, 1, 3, 2])).toBe(2.5);
    expect(medianOf([3, 1, 2])).toBe(2);
  });

  it('reads the same rounds as reciprocals with the roles swapped, over rounds too (an even count)', () => {
    const ratios = rounds(16, { seed: 9, noise: 0.2 }).ratios;
    const ab = medianRatioInterval(ratios)!;
    const ba = medianRatioInterval(ratios.map((r) => 1 / r))!;
    expect(ab.estimate * ba.estimate).toBeCloseTo(1, 12);
    expect(ab.low * ba.high).toBeCloseTo(1, 12);
    // the plain median (the mean of the middle two) of each reads both sides faster
    expect(medianOf(ratios) * medianOf(ratios.map((r) => 1 / r))).toBeGreaterThan(1 + 1e-6);
  });

  it('is not judged over fewer than VERDICT.minProcesses processes', () => {
    const { ratios, groups } = bimodalAA(1, 4, 4);
    const verdict = judge(groupedRatioInterval(ratios, groups));
    expect(verdict.judged).toBe(false);
    expect(verdict.reason).toContain(
      `only 4 processes: an interval over processes needs ${VERDICT.minProcesses}`,
    );
    // The rounds' interval is not subject to it.
    expect(judgeRatio(medianRatioInterval([1, 1.01, 0.99, 1, 1.02, 0.98]), null).judged).toBe(true);
  });

  it('refuses ratios without a group each, and one process alone', () => {
    expect(() => groupedRatioInterval([1, 2], [0])).toThrow(RangeError);
    expect(groupedRatioInterval([1, 1.1, 0.9], [0, 0, 0])).toBeNull();
  });
});

/**
 * The suite's PyTorch comparison, simulated: ours in one process (speed `ratio` times the peer's
 * population centre, the geometric mean of its two modes), the peer in `processes` processes, each
 * drawing the fast mode (1.4x) with probability `fastShare` for its life; `perProcess` rounds each,
 * 4% noise per round, the machine swinging under both sides of a pair alike. `oursDrawn`: ours in
 * as many processes drawing alike (calibrate's A/A of two sets of processes, paired by index).
 */
function processRun(
  seed: number,
  options: { processes: number; perProcess: number; ratio: number; fastShare: number; oursDrawn?: boolean },
) {
  const next = uniform(seed);
  const { processes, perProcess, ratio, fastShare, oursDrawn = false } = options;
  const draw = () => (next() < fastShare ? Math.log(1.4) : 0);
  const centre = fastShare * Math.log(1.4);
  const theirsDraws = Array.from({ length: processes }, draw);
  const oursDraws = Array.from({ length: processes }, () => (oursDrawn ? draw() : centre));
  const ratios: number[] = [];
  const groups: number[] = [];
  for (let r = 0; r < processes * perProcess; r++) {
    const p = r % processes;
    const machine = Math.log(0.7 + 0.6 * next());
    const ours = machine + oursDraws[p] + Math.log(ratio) + 0.04 * normal(next);
    const theirs = machine + theirsDraws[p] + 0.04 * normal(next);
    ratios.push(Math.exp(ours - theirs));
    groups.push(p);
  }
  return judge(groupedRatioInterval(ratios, groups)).call;
}

/** How often `runs` seeded simulations are called each way. */
function calls(runs: number, simulate: (seed: number) => string | null) {
  const count = { faster: 0, slower: 0, level: 0, none: 0 };
  for (let seed = 1; seed <= runs; seed++) {
    const call = simulate(seed);
    count[call == null ? 'none' : (call as 'faster' | 'slower' | 'level')]++;
  }
  return count;
}

describe('the PyTorch comparison over processes, simulated (YARDSTICK.pytorchProcesses)', () => {
  const plan = {
    processes: YARDSTICK.pytorchProcesses,
    perProcess: YARDSTICK.rounds / YARDSTICK.pytorchProcesses,
  };

  it('calls an A/A of two sets of processes faster or slower at about the nominal 5%', () => {
    const count = calls(400, (seed) =>
      processRun(seed, { ...plan, ratio: 1, fastShare: 1 / 3, oursDrawn: true }),
    );
    expect((count.faster + count.slower) / 400).toBeLessThanOrEqual(0.075);
  });

  it('calls ours (one process) level with a bimodal peer faster or slower at about 5%, whatever the fast share', () => {
    for (const fastShare of [1 / 3, 1 / 2]) {
      const count = calls(400, (seed) => processRun(seed + 1000, { ...plan, ratio: 1, fastShare }));
      expect((count.faster + count.slower) / 400).toBeLessThanOrEqual(0.08);
    }
  });

  it('calls a true 1.2x faster in nearly every run with 16 processes, in far fewer with 8', () => {
    const with16 = calls(400, (seed) => processRun(seed + 2000, { ...plan, ratio: 1.2, fastShare: 1 / 3 }));
    expect(with16.faster / 400).toBeGreaterThan(0.95);
    expect(with16.slower).toBe(0);
    const with8 = calls(400, (seed) =>
      processRun(seed + 2000, { processes: 8, perProcess: 4, ratio: 1.2, fastShare: 1 / 3 }),
    );
    expect(with8.faster / 400).toBeLessThan(0.85);
  });

  it("would call a level comparison (ours in one process at the peer's centre) faster or slower far past 5% over 4 processes, which is why they are not judged", () => {
    let wrong = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const next = uniform(seed + 3000);
      // the same simulation as processRun, judged without the minimum
      const draws = Array.from({ length: 4 }, () => (next() < 1 / 3 ? Math.log(1.4) : 0));
      const centre = Math.log(1.4) / 3;
      const ratios = Array.from({ length: 16 }, (_, r) =>
        Math.exp(centre - draws[r % 4] + 0.04 * normal(next) - 0.04 * normal(next)),
      );
      const groups = ratios.map((_, r) => r % 4);
      const call = judgeRatio(groupedRatioInterval(ratios, groups), null, VERDICT.level, 2).call;
      if (call === 'faster' || call === 'slower') wrong++;
    }
    expect(wrong / 400).toBeGreaterThan(0.1);
  });
});

describe('YARDSTICK and the level band', () => {
  it('gives each PyTorch process a whole number of rounds and at least the processes the verdict needs', () => {
    expect(YARDSTICK.rounds % YARDSTICK.pytorchProcesses).toBe(0);
    expect(YARDSTICK.pytorchProcesses).toBeGreaterThanOrEqual(VERDICT.minProcesses);
    expect(medianRanks(YARDSTICK.rounds, 0.95)?.k).toBe(10);
  });

  it('holds the quiet 32-round A/A intervals of wave 8 (0.94x-1.05x, 0.93x-1.06x) level', () => {
    for (const [low, high] of [
      [0.94, 1.05],
      [0.93, 1.06],
    ]) {
      const interval = intervalAt(low, high);
      expect(judgeRatio(interval, null, DEFAULT_LEVEL_BAND).call).toBe('level');
      expect(bandNeeded(interval)).toBeLessThanOrEqual(DEFAULT_LEVEL_BAND);
    }
  });
});

describe('bandNeeded', () => {
  it('is how far the farther end lies from 1, measured as judgeRatio measures it', () => {
    const at = (low: number, high: number) => intervalAt(low, high);
    expect(bandNeeded(at(0.95, 1.1))).toBeCloseTo(0.1);
    expect(bandNeeded(at(0.8, 1.1))).toBeCloseTo(0.25);
    expect(bandNeeded(at(1.02, 1.04))).toBeCloseTo(0.04);
    // the band it gives calls the interval level, and nothing narrower does
    const interval = at(0.91, 1.03);
    const band = bandNeeded(interval);
    expect(judgeRatio(interval, null, band + 1e-9).call).toBe('level');
    expect(judgeRatio(interval, null, band - 1e-3).judged).toBe(false);
  });
});

describe('describeVerdict', () => {
  it('prints the estimate, the interval with its coverage, and the call or why there is none', () => {
    const interval: RatioInterval = {
      estimate: 1.02,
      low: 0.99,
      high: 1.04,
      coverage: 0.979,
      method: 'rounds',
      count: 16,
    };
    expect(describeVerdict(interval, judge(interval))).toBe(
      'by round 1.02x, 98% CI 0.99x-1.04x (16 rounds): level',
    );
    const wide = { ...interval, low: 0.9, high: 1.2 };
    expect(describeVerdict(wide, judge(wide))).toBe(
      `by round 1.02x, 98% CI 0.90x-1.20x (16 rounds): not judged (the interval straddles 1 and reaches past ±${VERDICT.level * 100}%)`,
    );
  });
});

describe('levelBandFromEnv', () => {
  it('reads a fraction, defaults to DEFAULT_LEVEL_BAND (8%) and refuses anything else', () => {
    expect(levelBandFromEnv('')).toBe(DEFAULT_LEVEL_BAND);
    expect(levelBandFromEnv('0.08')).toBe(0.08);
    expect(() => levelBandFromEnv('8%')).toThrow(/BENCH_LEVEL_BAND=8%/);
    expect(() => levelBandFromEnv('1.5')).toThrow();
  });

  it('widens what counts as level', () => {
    const interval: RatioInterval = {
      estimate: 1,
      low: 0.94,
      high: 1.06,
      coverage: 0.98,
      method: 'rounds',
      count: 16,
    };
    expect(judgeRatio(interval, null, 0.05).judged).toBe(false);
    expect(judgeRatio(interval, null, 0.08).call).toBe('level');
  });
});

describe('judgeTarget', () => {
  const interval: RatioInterval = {
    estimate: 1.3,
    low: 1.2,
    high: 1.4,
    coverage: 0.98,
    method: 'rounds',
    count: 16,
  };

  it('says met only when the whole interval reaches the target, missed when all of it falls short', () => {
    expect(judgeTarget(interval, null, 1)).toBe('met');
    expect(judgeTarget(interval, null, 1.2)).toBe('met');
    expect(judgeTarget(interval, null, 1.3)).toBe('undecided');
    expect(judgeTarget(interval, null, 1.5)).toBe('missed');
  });

  it('says nothing on a busy machine or without an interval', () => {
    expect(judgeTarget(interval, 'too busy', 1)).toBeNull();
    expect(judgeTarget(null, null, 1)).toBeNull();
  });

  it('says nothing over fewer processes than the verdict judges (--quick: 2), as judgeRatio does', () => {
    for (const count of [2, 4, VERDICT.minProcesses - 1]) {
      const few = intervalAt(1.6, 1.9, count);
      expect(judgeRatio(few, null).judged).toBe(false);
      expect(judgeTarget(few, null, 1.5)).toBeNull();
    }
    expect(judgeTarget(intervalAt(1.6, 1.9, VERDICT.minProcesses), null, 1.5)).toBe('met');
    expect(judgeTarget(intervalAt(1.6, 1.9, 4), null, 1.5, 4)).toBe('met');
  });
});

describe('oursProcessSpread', () => {
  it('defaults to 2%, reads BENCH_OURS_PROCESS_SPREAD, and widens an interval of ours in one process', () => {
    expect(DEFAULT_OURS_PROCESS_SPREAD).toBe(0.02);
    expect(oursProcessSpreadFromEnv('')).toBe(DEFAULT_OURS_PROCESS_SPREAD);
    expect(oursProcessSpreadFromEnv('0')).toBe(0);
    expect(() => oursProcessSpreadFromEnv('2%')).toThrow(/BENCH_OURS_PROCESS_SPREAD=2%/);
    const ratios = [1, 1.02, 0.98, 1.01, 0.99, 1, 1.03, 0.97];
    const groups = [0, 0, 1, 1, 2, 2, 3, 3];
    const plain = groupedRatioInterval(ratios, groups)!;
    const wider = groupedRatioInterval(ratios, groups, { oursSpread: 0.02 })!;
    // the known part adds to the mean's variance: half-width t * sqrt(s^2 / p + 0.02^2)
    const logs = [1.01, 1, 1, 1].map((_, i) => medianOf(ratios.slice(2 * i, 2 * i + 2).map(Math.log)));
    const mean = logs.reduce((s, v) => s + v, 0) / 4;
    const variance = logs.reduce((s, v) => s + (v - mean) ** 2, 0) / 3;
    expect(Math.log(wider.high / wider.estimate)).toBeCloseTo(3.182 * Math.sqrt(variance / 4 + 0.0004), 10);
    expect(wider.estimate).toBe(plain.estimate);
    expect(wider.high / wider.low).toBeGreaterThan(plain.high / plain.low);
  });
});
