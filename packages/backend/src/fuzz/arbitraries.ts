import fc from 'fast-check';
import { sizeOf } from './values.js';

/** Largest tensor the suite builds (elements): keeps a run in milliseconds on the CPU reference. */
export const MAX_ELEMENTS = 6000;

/**
 * One axis length: mostly small (1 to 4), often odd or medium (5 to 17), sometimes up to 70, and
 * rarely 0 (an empty tensor). Shrinks towards 1.
 */
export const dimension: fc.Arbitrary<number> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 4 }) },
  { weight: 3, arbitrary: fc.integer({ min: 5, max: 17 }) },
  { weight: 1, arbitrary: fc.integer({ min: 18, max: 70 }) },
);

/** A dimension that may be 0 (about 1 in 25). */
export const dimensionOrEmpty: fc.Arbitrary<number> = fc.oneof(
  { weight: 24, arbitrary: dimension },
  { weight: 1, arbitrary: fc.constant(0) },
);

/**
 * `shape` with its largest axes halved until it holds at most `max` elements (a map, so fast-check
 * still shrinks the generated axes).
 */
export function capSize(shape: number[], max = MAX_ELEMENTS): number[] {
  const capped = [...shape];
  while (sizeOf(capped) > max) {
    let largest = 0;
    for (let i = 1; i < capped.length; i++) if (capped[i] > capped[largest]) largest = i;
    capped[largest] = Math.max(1, Math.floor(capped[largest] / 2));
  }
  return capped;
}

/** A shape of rank `minRank` to `maxRank` (0 to 8 by default), at most {@link MAX_ELEMENTS} elements. */
export function shape(minRank = 0, maxRank = 8, allowEmpty = true): fc.Arbitrary<number[]> {
  return fc
    .array(allowEmpty ? dimensionOrEmpty : dimension, { minLength: minRank, maxLength: maxRank })
    .map((dims) => capSize(dims));
}

/** Two shapes that broadcast together: `b` is `a`'s trailing axes with some set to 1 (or the other way). */
export const broadcastPair: fc.Arbitrary<[number[], number[]]> = fc
  .record({
    out: shape(0, 8),
    ones: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
    drop: fc.nat({ max: 8 }),
    swap: fc.boolean(),
  })
  .map(({ out, ones, drop, swap }) => {
    const kept = out.slice(Math.min(drop, out.length));
    const other = kept.map((d, i) => (ones[i] ? 1 : d));
    return swap ? [other, out] : [out, other];
  });

/** A seed for an input's values (does not shrink: the shape is what a failure report needs). */
export const valueSeed: fc.Arbitrary<number> = fc.noShrink(fc.integer({ min: 1, max: 2 ** 30 }));

/** A 2-D convolution's geometry (NHWC input, HWIO filter), small enough for the CPU reference. */
export interface ConvGeometry {
  batch: number;
  height: number;
  width: number;
  inChannels: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strides: [number, number];
  pad: 'same' | 'valid';
  seed: number;
}

export const convGeometry: fc.Arbitrary<ConvGeometry> = fc
  .record({
    batch: fc.integer({ min: 1, max: 3 }),
    height: fc.integer({ min: 1, max: 13 }),
    width: fc.integer({ min: 1, max: 13 }),
    inChannels: fc.integer({ min: 1, max: 9 }),
    outChannels: fc.oneof(fc.integer({ min: 1, max: 9 }), fc.constantFrom(4, 8, 12, 16)),
    filterHeight: fc.integer({ min: 1, max: 5 }),
    filterWidth: fc.integer({ min: 1, max: 5 }),
    strides: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    pad: fc.constantFrom<'same' | 'valid'>('same', 'valid'),
    seed: valueSeed,
  })
  .filter((g) => g.pad === 'same' || (g.filterHeight <= g.height && g.filterWidth <= g.width));

/** Axes of a tensor of rank `rank`, each kept with probability 1/2 (from `mask`). */
export function axesFrom(rank: number, mask: boolean[]): number[] {
  return Array.from({ length: rank }, (_, i) => i).filter((i) => mask[i]);
}
