import { describe, expect, it } from 'vitest';
import { type CalibrationRow, calibrationSummary, OUR_PROCESS_SPREAD } from './calibration-summary.js';
import { intervalAt } from './interval-fixtures.js';
import { type Comparison, summarizeSide } from './paired-comparison.js';
import { judgeRatio, type RatioInterval, VERDICT } from './verdict.js';

/**
 * An A/A row with the given interval, judged as measurePaired judges it. `knownDraws`: a PyTorch row;
 * `cpuSeconds`: each process's CPU seconds for one round of 10 samples (both sets alike), for a row of
 * sides in processes.
 */
function row(
  label: string,
  interval: RatioInterval | null,
  busy: string | null = null,
  options: { knownDraws?: boolean; cpuSeconds?: number[] } = {},
): CalibrationRow {
  const { knownDraws, cpuSeconds } = options;
  const side =
    cpuSeconds == null
      ? summarizeSide([{ wall: 1, cpu: 1 }], 10, null)
      : summarizeSide(
          cpuSeconds.map((cpu) => ({ wall: 1, cpu })),
          10,
          cpuSeconds.map((_, p) => p),
        );
  const comparison: Comparison = {
    othersCores: 0,
    ours: side,
    theirs: side,
    ratios: [1],
    interval,
    busy,
    verdict: judgeRatio(interval, busy),
  };
  return { label, comparison, knownDraws };
}

const pytorch = { knownDraws: true };

const rounds = (low: number, high: number) => intervalAt(low, high);
const processes = (low: number, high: number, count = 16) => intervalAt(low, high, count);

describe('calibrationSummary', () => {
  it('calls the yardstick calibrated when every row over rounds is level and a wide process row is quiet', () => {
    const lines = calibrationSummary(
      [row('mlp A/B', rounds(0.96, 1.05)), row('mlp PyTorch A/B', processes(0.88, 1.13), null, pytorch)],
      0.08,
    );
    expect(lines[0]).toBe(
      'A/A: calibrated: 1 rows level, none faster or slower (1 over processes not judged: as wide as their draws, as expected).',
    );
    expect(lines[1]).toContain(
      'A/A resolution over rounds: the widest interval (mlp A/B) needed a level band of ±5.0%',
    );
    expect(lines[1]).toContain('the band is ±8%');
    // 1 / 0.88 - 1 = 13.6%
    expect(lines[2]).toContain(
      'A/A resolution over processes: the widest interval (mlp PyTorch A/B) needed a level band of ±13.6%',
    );
  });

  it('says NOT calibrated when any row, over rounds or processes, is called faster or slower', () => {
    const lines = calibrationSummary([
      row('mlp A/B', rounds(0.97, 1.04)),
      row('lenet5 PyTorch A/B', processes(1.23, 1.71), null, pytorch),
    ]);
    expect(lines[0]).toBe('A/A: NOT calibrated: called lenet5 PyTorch A/B faster.');
  });

  it('says not calibrated here for a row over rounds wider than the band, a busy row, or too few processes', () => {
    const wide = calibrationSummary([row('mlp A/B', rounds(0.9, 1.12))]);
    expect(wide[0]).toMatch(/^A\/A: not calibrated here: mlp A\/B: the interval straddles 1/);
    const busy = calibrationSummary([
      row('mlp PyTorch A/B', processes(0.9, 1.1), 'too busy to judge wall time', pytorch),
    ]);
    expect(busy[0]).toBe('A/A: not calibrated here: mlp PyTorch A/B: too busy to judge wall time.');
    const few = calibrationSummary([
      row('mlp PyTorch A/B', processes(0.9, 1.1, VERDICT.minProcesses - 1), null, pytorch),
    ]);
    expect(few[0]).toContain(`only ${VERDICT.minProcesses - 1} processes`);
  });

  it('says nothing calibrated when no row ran', () => {
    expect(calibrationSummary([])).toEqual([
      'A/A: nothing calibrated: no A/A row ran (name the networks and sides to calibrate).',
    ]);
  });

  it('does not excuse a wide row of ours in processes, and flags its processes lying apart', () => {
    // tensorfold-processes, quiet, over 8 processes, too wide to judge: the signal, not an excuse
    const wide = processes(0.88, 1.13, 8);
    const ours = calibrationSummary([row('mlp, tensorfold in 8 processes A / B', wide)]);
    expect(ours[0]).toMatch(
      /^A\/A: not calibrated here: mlp, tensorfold in 8 processes A \/ B: the interval straddles 1/,
    );
    // the same row of PyTorch's is as wide as its known draws
    expect(calibrationSummary([row('mlp PyTorch A/B', wide, null, pytorch)])[0]).toBe(
      'A/A: calibrated: 0 rows level, none faster or slower (1 over processes not judged: as wide as their draws, as expected).',
    );
    // processes 1.2x apart per CPU second, four and four: logSpread ln(1.2) * sqrt(2 / 7) = 9.7%
    const apart = [1, 1.2, 1, 1.2, 1, 1.2, 1, 1.2];
    const flagged = calibrationSummary([
      row('lenet5 ours', processes(0.95, 1.05, 8), null, { cpuSeconds: apart }),
    ]);
    expect(flagged[0]).toBe('A/A: calibrated: 1 rows level, none faster or slower.');
    expect(flagged[1]).toBe(
      `A/A: lenet5 ours: a set's processes lie ${(100 * Math.log(1.2) * Math.sqrt(2 / 7)).toFixed(1)}% apart per CPU second (over ${100 * OUR_PROCESS_SPREAD}%): a process of ours may be a speed draw of its own, which the suite's interval (ours in one process) leaves out.`,
    );
    // within 2%: no flag; nor for PyTorch's, whose draws are known
    const close = [1, 1.02, 1, 1.02, 1, 1.02, 1, 1.02];
    expect(
      calibrationSummary([row('lenet5 ours', processes(0.95, 1.05, 8), null, { cpuSeconds: close })]).join(
        '\n',
      ),
    ).not.toContain('apart per CPU second');
    expect(
      calibrationSummary([
        row('lenet5 PyTorch', processes(0.95, 1.05, 8), null, { knownDraws: true, cpuSeconds: apart }),
      ]).join('\n'),
    ).not.toContain('apart per CPU second');
  });

  it('leaves out the resolution line of a kind no row has', () => {
    const lines = calibrationSummary([row('mlp A/B', rounds(0.98, 1.03))]);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('A/A: calibrated: 1 rows level, none faster or slower.');
  });

  it("ends with each row over rounds' noise, how often the plan calls such an A/A level, and the band 95% need", () => {
    const noisy = row('mlp A/B', rounds(0.93, 1.1));
    // 32 rounds whose log ratios lie evenly from -a to a: quartiles at -a/2 and a/2, so a robust
    // standard deviation of a / 1.349: 11% for a = 0.1484
    noisy.comparison.ratios = Array.from({ length: 32 }, (_, k) => Math.exp(0.1484 * (-1 + (2 * k) / 31)));
    const lines = calibrationSummary([noisy], 0.08);
    const last = lines[lines.length - 1];
    expect(last).toMatch(/^A\/A over rounds: mlp A\/B: its rounds' ratios scatter ±11\.\d%/);
    expect(last).toMatch(/level at ±8% in about \d+% of runs, and 95% of runs need ±1[01]\.\d%\.$/);
    const share = Number(/in about (\d+)% of runs/.exec(last)![1]);
    expect(share).toBeGreaterThan(50);
    expect(share).toBeLessThan(80);
  });
});
