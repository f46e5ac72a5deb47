/**
 * What level band an A/A over rounds needs, from the rounds' own noise: calibrate's answer to "how
 * often would this plan call an A/A level at ±x%?", read from one run rather than from many A/A runs.
 * An A/A row's band (verdict.ts's bandNeeded) is a draw: the MLP's came out ±6.4%, ±7.4% and ±10.3%
 * in three quiet runs of the same plan, so a band set at the widest of a few runs says little about
 * the next. In log units (log(1 + band): the farther end of the interval from 1, in logs) the band's
 * distribution scales exactly with the noise of the round-by-round log ratios (the interval's ends
 * are order statistics of them), so it is simulated once for the plan's round count and scaled.
 */
import { normal, uniform } from './seeded-random.js';
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

/** How many seeded A/A runs {@link simulatedBands} simulates. */
const SIMULATED_RUNS = 4000;

/**
 * log(1 + bandNeeded) over 4,000 seeded simulated A/A runs of `rounds` rounds whose log ratios are
 * standard normal (sorted; so in units of the noise), or null where there are too few rounds for an
 * interval.
 */
function simulatedBands(rounds: number, confidence: number): number[] | null {
  const key = `${rounds} ${confidence}`;
  if (!cache.has(key)) {
    const next = uniform(rounds * 7919 + 1);
    const bands: number[] = [];
    for (let run = 0; run < SIMULATED_RUNS && bands.length === run; run++) {
      const ratios = Array.from({ length: rounds }, () => Math.exp(normal(next)));
      const interval = medianRatioInterval(ratios, confidence);
      if (interval != null) bands.push(Math.log1p(bandNeeded(interval)));
    }
    cache.set(key, bands.length === SIMULATED_RUNS ? bands.sort((a, b) => a - b) : null);
  }
  return cache.get(key) ?? null;
}

/**
 * The band (a fraction, as verdict.ts's VERDICT.level) an A/A over `rounds` rounds whose log ratios
 * scatter with standard deviation `noise` (normal) needs in `share` of runs (default 0.95): the
 * `share` quantile of bandNeeded over 4,000 seeded simulated A/A runs of the verdict's interval
 * (`confidence`, default VERDICT.confidence). For 32 rounds, log(1 + band) is about 1.0 times the
 * noise at 0.95 (0.67 times at the median): ±8% holds 95% of A/As only with a noise of 7.8% or
 * less. NaN where `rounds` are too few for an interval, or `noise` is NaN.
 */
export function bandForLevelShare(
  noise: number,
  rounds: number,
  share = 0.95,
  confidence: number = VERDICT.confidence,
): number {
  const bands = simulatedBands(rounds, confidence);
  if (bands == null) return Number.NaN;
  return Math.expm1(bands[Math.min(bands.length - 1, Math.ceil(share * bands.length) - 1)] * noise);
}

/**
 * How often (a share) an A/A over `rounds` rounds whose log ratios scatter with `noise` (a log
 * standard deviation) is called level with the band `band` (a fraction, default VERDICT.level),
 * simulated as {@link bandForLevelShare}; 1 for a noise of 0; NaN where the rounds are too few for an
 * interval, or `noise` is NaN.
 */
export function levelShare(
  noise: number,
  rounds: number,
  band: number = VERDICT.level,
  confidence: number = VERDICT.confidence,
): number {
  const bands = simulatedBands(rounds, confidence);
  if (bands == null || Number.isNaN(noise)) return Number.NaN;
  if (noise <= 0) return 1;
  const limit = Math.log1p(band);
  return bands.filter((b) => b * noise <= limit).length / bands.length;
}
