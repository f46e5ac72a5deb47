/**
 * What the classic models share when they learn: the options of `fit`, the record of an epoch, and
 * seeded initial weights.
 */
import { Random } from '@tensorfold/core';

/** Options of a classic model's `fit`. */
export interface ClassicFitOptions<Epoch> {
  /** The most epochs to run (passes over the samples); learning stops earlier once it converges. Default: the model's. */
  epochs?: number;
  /** The learning rate (γ, η, μ or α in the texts), > 0. Default: the model's. */
  learningRate?: number;
  /**
   * Seed of the random initial weights (only drawn when the model has none yet) and of the order of
   * the samples when `shuffle` is on. The same seed gives the same run. Default 42.
   */
  seed?: number;
  /** Present the samples in a new seeded order each epoch instead of their order in `x`. Default false (the texts' order). */
  shuffle?: boolean;
  /** Called after each epoch with its record (weights after the epoch, mistakes, error). */
  onEpoch?: (record: Epoch) => void;
}

/** Default seed of the classic models. */
export const DEFAULT_SEED = 42;

/**
 * `count` initial weights drawn uniformly from `[-scale, scale)` with a generator seeded by `seed`
 * (the texts: "initialize neuron weights, usually random numbers").
 */
export function randomWeights(count: number, seed: number, scale = 0.5): number[] {
  const random = new Random(seed);
  return Array.from({ length: count }, () => random.uniformIn(-scale, scale));
}

/** A seeded generator for the sample order, apart from the one that drew the weights. */
export function orderRandom(seed: number): Random {
  return Random.derive(seed, 1);
}
