import { describe, expect, it } from 'vitest';
import { SIGNED_INPUT_FIRST_WAIT, SIGNED_INPUT_LONGEST_WAIT, SignedInputWaits } from './int8-signed-waits.js';

/** How many calls of `key` wait (counted from the next call) before one is not waiting. */
function waitOf(waits: SignedInputWaits, key: object): number {
  let calls = 0;
  do {
    waits.count(key);
    calls++;
  } while (waits.waiting(key) && calls < 10_000);
  return calls;
}

describe('SignedInputWaits', () => {
  it('waits the first wait after a refused try, doubling after each refused try that follows a wait, up to the longest', () => {
    const waits = new SignedInputWaits();
    const key = {};
    expect(waits.waiting(key)).toBe(false);
    const seen: number[] = [];
    for (let refusal = 0; refusal < 9; refusal++) {
      waits.refused(key);
      expect(waits.waiting(key)).toBe(true);
      seen.push(waitOf(waits, key));
    }
    expect(seen).toEqual([16, 32, 64, 128, 256, 512, 1024, 1024, 1024]);
    expect([seen[0], seen.at(-1)]).toEqual([SIGNED_INPUT_FIRST_WAIT, SIGNED_INPUT_LONGEST_WAIT]);
  });

  it('forgets the wait after a try that succeeds, and keeps each key apart', () => {
    const waits = new SignedInputWaits();
    const [a, b] = [{}, {}];
    waits.refused(a);
    expect(waitOf(waits, a)).toBe(SIGNED_INPUT_FIRST_WAIT);
    waits.refused(a); // a try after the wait met a negative input again
    expect(waits.waiting(b)).toBe(false);
    expect(waitOf(waits, a)).toBe(2 * SIGNED_INPUT_FIRST_WAIT);
    waits.succeeded(a);
    waits.refused(a);
    expect(waitOf(waits, a)).toBe(SIGNED_INPUT_FIRST_WAIT);
    // counting a key that does not wait changes nothing
    waits.count(b);
    expect(waits.waiting(b)).toBe(false);
  });
});
