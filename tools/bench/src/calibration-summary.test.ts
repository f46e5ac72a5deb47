import { describe, expect, it } from 'vitest';
import { calibrationSummary } from './calibration-summary.js';
import { intervalAt } from './interval-fixtures.js';
import { type Comparison, summarizeSide } from './paired-comparison.js';
import { judgeRatio, type RatioInterval, VERDICT } from './verdict.js';

/** An A/A row with the given interval, judged as measurePaired judges it. */
function row(label: string, interval: RatioInterval | null, busy: string | null = null) {
  const side = summarizeSide([{ wall: 1, cpu: 1 }], 10, null);
  const comparison: Comparison = {
    othersCores: 0,
    ours: side,
    theirs: side,
    ratios: [1],
    interval,
    busy,
    verdict: judgeRatio(interval, busy),
  };
  return { label, comparison };
}

const rounds = (low: number, high: number) => intervalAt(low, high);
const processes = (low: number, high: number, count = 16) => intervalAt(low, high, count);

describe('calibrationSummary', () => {
  it('calls the yardstick calibrated when every row over rounds is level and a wide process row is quiet', () => {
    const lines = calibrationSummary(
      [row('mlp A/B', rounds(0.96, 1.05)), row('mlp PyTorch A/B', processes(0.88, 1.13))],
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
      row('lenet5 PyTorch A/B', processes(1.23, 1.71)),
    ]);
    expect(lines[0]).toBe('A/A: NOT calibrated: called lenet5 PyTorch A/B faster.');
  });

  it('says not calibrated here for a row over rounds wider than the band, a busy row, or too few processes', () => {
    const wide = calibrationSummary([row('mlp A/B', rounds(0.9, 1.12))]);
    expect(wide[0]).toMatch(/^A\/A: not calibrated here: mlp A\/B: the interval straddles 1/);
    const busy = calibrationSummary([
      row('mlp PyTorch A/B', processes(0.9, 1.1), 'too busy to judge wall time'),
    ]);
    expect(busy[0]).toBe('A/A: not calibrated here: mlp PyTorch A/B: too busy to judge wall time.');
    const few = calibrationSummary([row('mlp PyTorch A/B', processes(0.9, 1.1, VERDICT.minProcesses - 1))]);
    expect(few[0]).toContain(`only ${VERDICT.minProcesses - 1} processes`);
  });

  it('leaves out the resolution line of a kind no row has', () => {
    const lines = calibrationSummary([row('mlp A/B', rounds(0.98, 1.03))]);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('A/A: calibrated: 1 rows level, none faster or slower.');
  });
});
