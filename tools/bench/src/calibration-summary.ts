/**
 * The verdict of a `calibrate` run (calibrate.ts) over its A/A rows: whether the yardstick is
 * calibrated, and the band the widest interval needed, over rounds and over processes.
 */

import { bandForLevelShare, levelShare, roundsNoise } from './level-band.js';
import type { Comparison } from './paired-comparison.js';
import { logSpread } from './steadiness.js';
import { bandNeeded, VERDICT } from './verdict.js';

/** One A/A row: its label and what measurePaired made of it. */
export interface CalibrationRow {
  label: string;
  comparison: Comparison;
  /**
   * Whether the row's processes are known speed draws (PyTorch's: two modes about 1.4x apart), so
   * that quiet and over enough of them it is expected to be too wide to judge. Default false: for
   * `tensorfold-processes` whether a process of ours is a draw is the question, so a wide row there
   * is the signal, not an excuse.
   */
  knownDraws?: boolean;
}

/**
 * How far apart (logSpread, per CPU second) the processes of a set of ours may lie before the summary
 * says a process of ours may be a draw of its own: 0.05 (5%). Under load ours agreed within 2-3%,
 * PyTorch's sets 12-16% (BENCHMARKS.md, "Is our side one draw too?").
 */
export const OUR_PROCESS_SPREAD = 0.05;

/** The wider of a row's two sets' spreads between processes per CPU second; null for a row not over processes. */
function processSpread(c: Comparison): number | null {
  const spreads = [c.ours, c.theirs].flatMap((side) =>
    side.processCpuRates == null ? [] : [logSpread(side.processCpuRates)],
  );
  return spreads.length ? Math.max(...spreads) : null;
}

/**
 * The last lines of a calibrate run. `A/A: nothing calibrated` when no row ran. Else first `A/A: NOT
 * calibrated: ...` when a row was called faster or slower (the yardstick favours a position), else
 * `A/A: not calibrated here: ...` when a row was not judged (busy, too few processes, or an interval
 * wider than the level band), else `A/A: calibrated: ...`. A quiet row over at least
 * VERDICT.minProcesses processes of known draws (`knownDraws`: PyTorch's) that is not judged does not
 * count against calibration: it is as wide as those draws (PyTorch's A/A can never be level inside
 * ±8%). A row of ours in processes (`tensorfold-processes`) gets no such excuse, and a line flags it
 * when its sets' processes lie more than {@link OUR_PROCESS_SPREAD} apart per CPU second. Then, for
 * rows over rounds and over processes, the band the widest interval needed (verdict.ts's bandNeeded).
 * Last, for each row over rounds (of 4 rounds or more), its rounds' noise and what it means for the
 * band: how often this plan calls such an A/A level, and the band 95% of them need (level-band.ts).
 * `level`: the level band (default VERDICT.level).
 */
export function calibrationSummary(results: CalibrationRow[], level: number = VERDICT.level): string[] {
  if (results.length === 0)
    return ['A/A: nothing calibrated: no A/A row ran (name the networks and sides to calibrate).'];
  const lines: string[] = [];
  const biased = results.filter((r) => r.comparison.verdict.judged && r.comparison.verdict.call !== 'level');
  // A quiet row over enough processes of known draws that is not judged is as wide as those draws:
  // expected, not a fault.
  const drawWide = ({ comparison: c, knownDraws = false }: CalibrationRow) =>
    knownDraws &&
    c.busy == null &&
    c.interval?.method === 'processes' &&
    c.interval.count >= VERDICT.minProcesses &&
    !c.verdict.judged;
  const open = results.filter((r) => !r.comparison.verdict.judged && !drawWide(r));
  const wide = results.filter(drawWide).length;
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
  for (const { label, comparison, knownDraws = false } of results) {
    const spread = knownDraws ? null : processSpread(comparison);
    if (spread != null && spread > OUR_PROCESS_SPREAD)
      lines.push(
        `A/A: ${label}: a set's processes lie ${(100 * spread).toFixed(1)}% apart per CPU second (over ${100 * OUR_PROCESS_SPREAD}%): a process of ours may be a speed draw of its own, which the suite's interval (ours in one process) leaves out.`,
      );
  }
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
  // How often this plan calls each row over rounds level, from the rounds' own noise: one row's band
  // is a draw, the noise behind it is what the band has to hold.
  for (const { label, comparison: c } of results) {
    if (c.interval?.method !== 'rounds') continue;
    const noise = roundsNoise(c.ratios);
    if (!Number.isFinite(noise)) continue;
    const rounds = c.ratios.length;
    lines.push(
      `A/A over rounds: ${label}: its rounds' ratios scatter ±${(100 * noise).toFixed(1)}% (robust standard deviation of their logs); with that noise this plan calls an A/A level at ±${+(level * 100).toFixed(1)}% in about ${Math.round(100 * levelShare(noise, rounds, level))}% of runs, and 95% of runs need ±${(100 * bandForLevelShare(noise, rounds)).toFixed(1)}%.`,
    );
  }
  return lines;
}
