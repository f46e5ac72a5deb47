/**
 * Seeded random draws for the bench's simulations (level-band.ts's band quantiles, the verdict's and
 * the interval's coverage tests; the int8 build A/Bs' weights): the same seed gives the same draws, so every simulated figure
 * repeats exactly.
 */

/** A seeded generator of 32-bit unsigned integers (mulberry32). */
export function uint32s(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** A seeded uniform [0, 1) generator (mulberry32: `uint32s(seed)` over 2^32). */
export function uniform(seed: number): () => number {
  const next = uint32s(seed);
  return () => next() / 4294967296;
}

/** A standard normal draw (Box-Muller, two uniform draws from `next`). */
export function normal(next: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}
