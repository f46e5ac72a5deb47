import { Random } from './random.js';

let globalRng = new Random((Math.random() * 2 ** 32) >>> 0);

/**
 * Seeds tensorfold's global generator. Everything that is not given a seed of its own (initializers,
 * dropout layers, `fit`'s shuffling) draws one from it when it is created, so calling `setSeed(n)`
 * before building and training a model makes the whole run repeatable.
 *
 * @example
 * setSeed(42);
 * const model = sequential({ layers: [dense({ units: 3, inputShape: [4] })] }); // same weights every time
 */
export function setSeed(seed: number): void {
  globalRng = new Random(seed);
}

/** The global generator (see {@link setSeed}). */
export function globalRandom(): Random {
  return globalRng;
}

/** `seed` when given, else a fresh seed from the global generator. */
export function seedOrNext(seed?: number | null): number {
  return seed ?? globalRng.nextSeed();
}
