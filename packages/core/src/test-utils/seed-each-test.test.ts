import { describe, expect, it } from 'vitest';
import { globalRandom } from '../random/global-seed.js';
import { Random } from '../random/random.js';
import { seedOfName } from './seed-of-name.js';

// Two draws from the global generator, taken at the start of a test.
const firstDraws = () => [globalRandom().nextSeed(), globalRandom().nextSeed()];
const seen: number[][] = [];

describe('every test starts from a seed of its own name', () => {
  it('draws the same numbers whatever ran before', () => {
    seen.push(firstDraws());
    globalRandom().nextSeed(); // moves the generator on; the next test must not see it
  });

  it('draws the same numbers whatever ran before', () => {
    seen.push(firstDraws());
    expect(seen[1]).toEqual(seen[0]); // same full name (vitest allows it), so the same seed
  });

  it('gives other names other seeds', () => {
    expect(seedOfName('a > b')).not.toBe(seedOfName('a > c'));
    expect(firstDraws()).not.toEqual(seen[0]);
  });

  it('is seeded from its full name', () => {
    const name = expect.getState().currentTestName ?? '';
    expect(globalRandom().nextSeed()).toBe(new Random(seedOfName(name)).nextSeed());
  });
});
