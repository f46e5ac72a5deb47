/**
 * The verdict of a `calibrate` run (calibrate.ts) over its A/A rows: whether the yardstick is
 * calibrated, and the band the widest interval needed, over rounds and over processes.
 */
import type { Comparison } from './paired-comparison.js';
import { bandNeeded, VERDICT } from './verdict.js';

/** One A/A row: its label and what measurePaired made of it. */
export interface CalibrationRow {
  label: string;
  comparison: Comparison;
}

/**
 * The last lines of a calibrate run. First `A/A: NOT calibrated: ...` when a row was called faster or
 * slower (the yardstick favours a position), else `A/A: not calibrated here: ...` when a row was not
 * judged (busy, too few processes, or an interval over rounds wider than the level band), else `A/A:
 * calibrated: ...`. A quiet row over at least VERDICT.minProcesses processes that is not judged does not
 * count against calibration: it is as wide as its processes' draws (PyTorch's A/A can never be level
 * inside ±8%). Then, for rows over rounds and over processes, the band the widest interval needed
 * (verdict.ts's bandNeeded). `level`: the level band (default VERDICT.level).
 */
export function calibrationSummary(results: CalibrationRow[], level: number = VERDICT.level): string[] {
  const lines: string[] = [];
  const biased = results.filter((r) => r.comparison.verdict.judged && r.comparison.verdict.call !== 'level');
  // A quiet row over enough processes that is not judged is as wide as its draws: expected, not a fault.
  const drawWide = (c: Comparison) =>
    c.busy == null &&
    c.interval?.method === 'processes' &&
    c.interval.count >= VERDICT.minProcesses &&
    !c.verdict.judged;
  const open = results.filter((r) => !r.comparison.verdict.judged && !drawWide(r.comparison));
  const wide = results.filter((r) => drawWide(r.comparison)).length;
  const wideNote = wide ? ` (${wide} over processes not judged: as wide as their draws, as expected)` : '';
  if (biased.length)
    lines.push(
      `A/A: NOT calibrated: called ${biased.map((r) => `${r.label} ${r.comparison.verdict.call}`).join(', ')}.`,
    );
  else if (open.length)
    lines.push(
      `A/A: not calibrated here: ${open.map((r) => `${r.label}: ${r.comparison.verdict.reason}`).join('; ')}.`,
    );
  else lines.push(`A/A: calibrated: ${results.length - wide} rows level, none faster or slower${wideNote}.`);
  // The band is for intervals over rounds (peers in this process); an interval over processes is as
  // wide as the draws make it (about ±14% over 16 PyTorch processes) and is judged only when it clears 1.
  for (const method of ['rounds', 'processes'] as const) {
    const needed = results.flatMap(({ label, comparison: { interval } }) =>
      interval == null || interval.method !== method ? [] : [{ label, band: bandNeeded(interval) }],
    );
    if (needed.length === 0) continue;
    const widest = needed.reduce((a, b) => (b.band > a.band ? b : a));
    const needs = `the widest interval (${widest.label}) needed a level band of ±${(100 * widest.band).toFixed(1)}%`;
    lines.push(
      method === 'rounds'
        ? `A/A resolution over rounds: ${needs}; the band is ±${+(level * 100).toFixed(1)}% (BENCH_LEVEL_BAND sets it).`
        : `A/A resolution over processes: ${needs}; such rows are judged only when their interval clears 1, and must never be called faster or slower here.`,
    );
  }
  return lines;
}
