/**
 * What level band an A/A over rounds needs, from the rounds' own noise: calibrate's answer to "how
 * often would this plan call an A/A level at ±x%?", read from one run rather than from many A/A runs.
 * An A/A row's band (verdict.ts's bandNeeded) is a draw: with the same noise it came out ±6.4%, ±7.4%
 * and ±10.3% for the MLP in three quiet runs, so a band set at the widest of a few runs says little
 * about the next. The band's distribution scales with the noise of the round-by-round log ratios, so
 * it is simulated once for the plan's round count and scaled.
 */
import { normal, uniform } from './interval-fixtures.js';
import { bandNeeded, medianRatioInterval, VERDICT } from './verdict.js';

/**
 * The rounds' noise: a robust standard deviation of the round-by-round log ratios (their
 * interquartile range / 1.349, so that a pause that hits a round or two does not set it). NaN for
 * fewer than 4 ratios.
 */
export function roundsNoise(ratios: number[]): number {
  if (ratios.length < 4) return Number.NaN;
  const logs = ratios.map(Math.log).sort((a, b) => a - b);
  const at = (q: number) => {
    const i = q * (logs.length - 1);
    const lo = Math.floor(i);
    return logs[lo] + (i - lo) * ((logs[Math.min(lo + 1, logs.length - 1)] ?? logs[lo]) - logs[lo]);
  };
  return (at(0.75) - at(0.25)) / 1.349;
}

const cache = new Map<string, number[] | null>();

/**
 * bandNeeded over 4,000 seeded simulated A/A runs of `rounds` rounds with a normal noise of 1% (sorted,
 * in units of the noise), or null where there are too few rounds for an interval.
 */
function simulatedBands(rounds: number, confidence: number): number[] | null {
  const key = `${rounds} ${confidence}`;
  if (!cache.has(key)) {
    const next = uniform(rounds * 7919 + 1);
    const bands: number[] = [];
    for (let run = 0; run < 4000 && bands.length === run; run++) {
      const ratios = Array.from({ length: rounds }, () => Math.exp(0.01 * normal(next)));
      const interval = medianRatioInterval(ratios, confidence);
      if (interval != null) bands.push(bandNeeded(interval) / 0.01);
    }
    cache.set(key, bands.length === 4000 ? bands.sort((a, b) => a - b) : null);
  }
  return cache.get(key) ?? null;
}

/**
 * The band an A/A over `rounds` rounds whose log ratios scatter with standard deviation `noise`
 * (normal) needs in `share` of runs (default 0.95): the `share` quantile of bandNeeded over 4,000
 * seeded simulated A/A runs of the verdict's interval. For 32 rounds it is about 1.0 times the noise
 * at 0.95 (0.68 times at the median): ±8% holds 95% of A/As only with a noise of 8% or less. NaN
 * where `rounds` are too few for an interval.
 */
export function bandForLevelShare(
  noise: number,
  rounds: number,
  share = 0.95,
  confidence: number = VERDICT.confidence,
): number {
  const bands = simulatedBands(rounds, confidence);
  if (bands == null) return Number.NaN;
  return bands[Math.min(bands.length - 1, Math.ceil(share * bands.length) - 1)] * noise;
}

/**
 * How often (a share) an A/A over `rounds` rounds whose log ratios scatter with `noise` is called
 * level with the band `band` (simulated as {@link bandForLevelShare}); NaN where the rounds are too
 * few for an interval.
 */
export function levelShare(
  noise: number,
  rounds: number,
  band: number = VERDICT.level,
  confidence: number = VERDICT.confidence,
): number {
  const bands = simulatedBands(rounds, confidence);
  if (bands == null) return Number.NaN;
  if (!(noise > 0)) return 1;
  return bands.filter((b) => b * noise <= band).length / bands.length;
}
