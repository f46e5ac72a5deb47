import { describe, expect, it } from 'vitest';
import { bandForLevelShare, levelShare, roundsNoise } from './level-band.js';
import { normal, uniform } from './seeded-random.js';
import { bandNeeded, medianRatioInterval } from './verdict.js';

describe('roundsNoise', () => {
  it('recovers the log ratios’ standard deviation, and ignores a few paused rounds', () => {
    const next = uniform(3);
    const ratios = Array.from({ length: 400 }, () => Math.exp(0.1 * normal(next)));
    expect(roundsNoise(ratios)).toBeGreaterThan(0.09);
    expect(roundsNoise(ratios)).toBeLessThan(0.11);
    const paused = ratios.map((r, i) => (i % 25 === 0 ? r * 3 : r));
    expect(roundsNoise(paused)).toBeLessThan(0.12);
    expect(roundsNoise([1, 1, 1])).toBeNaN();
  });
});

describe('bandForLevelShare', () => {
  it('is about the noise itself at 95% over 32 rounds, two-thirds of it at the median, and scales with it', () => {
    expect(bandForLevelShare(0.1, 32) / 0.1).toBeGreaterThan(0.9);
    expect(bandForLevelShare(0.1, 32) / 0.1).toBeLessThan(1.1);
    expect(bandForLevelShare(0.1, 32, 0.5) / 0.1).toBeGreaterThan(0.6);
    expect(bandForLevelShare(0.1, 32, 0.5) / 0.1).toBeLessThan(0.75);
    // in log units it scales exactly with the noise
    expect(Math.log1p(bandForLevelShare(0.2, 32))).toBeCloseTo(
      2 * Math.log1p(bandForLevelShare(0.1, 32)),
      12,
    );
    // more rounds, narrower
    expect(bandForLevelShare(0.1, 64)).toBeLessThan(bandForLevelShare(0.1, 32));
    expect(bandForLevelShare(0.1, 5)).toBeNaN();
  });

  // 0.3: a noise where the band's log and the band itself part (log(1.35) = 0.30), so that a band
  // scaled in the wrong units would hold far fewer than 95% of runs
  for (const noise of [0.08, 0.3])
    it(`matches how often independent simulated A/A runs fit inside it (noise ${noise})`, () => {
      const band = bandForLevelShare(noise, 32);
      const next = uniform(99);
      let inside = 0;
      for (let run = 0; run < 1000; run++) {
        const ratios = Array.from({ length: 32 }, () => Math.exp(noise * normal(next)));
        if (bandNeeded(medianRatioInterval(ratios)!) <= band) inside++;
      }
      expect(inside / 1000).toBeGreaterThan(0.93);
      expect(inside / 1000).toBeLessThan(0.97);
      // and levelShare is the same distribution read the other way
      expect(levelShare(noise, 32, band)).toBeCloseTo(0.95, 2);
    });

  it('levelShare: fewer runs level as the noise grows, all without noise, none known without a noise', () => {
    expect(levelShare(0.11, 32, 0.08)).toBeLessThan(0.75);
    expect(levelShare(0.11, 32, 0.08)).toBeLessThan(levelShare(0.09, 32, 0.08));
    expect(levelShare(0, 32, 0.08)).toBe(1);
    expect(levelShare(Number.NaN, 32, 0.08)).toBeNaN();
    expect(bandForLevelShare(Number.NaN, 32)).toBeNaN();
  });
});
