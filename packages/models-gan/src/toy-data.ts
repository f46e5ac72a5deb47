import { ConfigError, Random, seedOrNext, tf } from '@tensorfold/core';

/** Options of the 2-D toy distributions. */
export interface ToyDataArgs {
  /** Number of points. */
  count: number;
  /** Seed of the sample. Default: the next seed of the global generator. */
  seed?: number | null;
}

/** Options of {@link ringOfGaussians}. */
export interface RingArgs extends ToyDataArgs {
  /** Number of Gaussians (modes) on the ring. Default 8. */
  modes?: number;
  /** Radius of the ring. Default 2. */
  radius?: number;
  /** Standard deviation of each Gaussian. Default 0.05. */
  stddev?: number;
}

/** A 2-D toy dataset: the points, and the modes' centres where it has modes. */
export interface ToyData {
  /** `[count, 2]` points. */
  points: tf.Tensor2D;
  /** `[modes, 2]` centres of the modes (empty for distributions without modes). */
  centers: number[][];
}

/** The centres of `modes` points evenly spaced on a circle of `radius`, starting on the x axis. */
export function ringCenters(modes = 8, radius = 2): number[][] {
  return Array.from({ length: modes }, (_, k) => {
    const angle = (2 * Math.PI * k) / modes;
    return [radius * Math.cos(angle), radius * Math.sin(angle)];
  });
}

/**
 * Points from a mixture of `modes` Gaussians evenly spaced on a ring: GAN Lab's and the GAN literature's
 * test of mode collapse (a generator that covers 3 of 8 modes has collapsed).
 */
export function ringOfGaussians(args: RingArgs): ToyData {
  const { modes = 8, radius = 2, stddev = 0.05 } = args;
  return mixture(ringCenters(modes, radius), stddev, args);
}

/** Options of {@link gridOfGaussians}. */
export interface GridArgs extends ToyDataArgs {
  /** Gaussians per side (side x side modes). Default 5. */
  side?: number;
  /** Distance between neighbouring modes. Default 1. */
  spacing?: number;
  /** Standard deviation of each Gaussian. Default 0.05. */
  stddev?: number;
}

/** Points from a side x side grid of Gaussians centred on the origin. */
export function gridOfGaussians(args: GridArgs): ToyData {
  const { side = 5, spacing = 1, stddev = 0.05 } = args;
  const offset = ((side - 1) * spacing) / 2;
  const centers: number[][] = [];
  for (let i = 0; i < side; i++)
    for (let j = 0; j < side; j++) centers.push([i * spacing - offset, j * spacing - offset]);
  return mixture(centers, stddev, args);
}

/** Options of {@link twoMoons}. */
export interface MoonsArgs extends ToyDataArgs {
  /** Standard deviation of the noise added to each point. Default 0.05. */
  noise?: number;
}

/** Points on two interleaved half circles (scikit-learn's `make_moons`), alternating between the two. */
export function twoMoons(args: MoonsArgs): ToyData {
  checkCount(args.count);
  const random = new Random(seedOrNext(args.seed));
  const { noise = 0.05 } = args;
  const values = new Float32Array(args.count * 2);
  for (let i = 0; i < args.count; i++) {
    const t = Math.PI * random.uniform();
    const upper = i % 2 === 0;
    values[2 * i] = (upper ? Math.cos(t) : 1 - Math.cos(t)) + random.normal(0, noise);
    values[2 * i + 1] = (upper ? Math.sin(t) : 0.5 - Math.sin(t)) + random.normal(0, noise);
  }
  return { points: tf.tensor2d(values, [args.count, 2]), centers: [] };
}

function mixture(centers: number[][], stddev: number, args: ToyDataArgs): ToyData {
  checkCount(args.count);
  if (!(stddev >= 0)) throw new ConfigError(`stddev must be >= 0, got ${stddev}.`);
  const random = new Random(seedOrNext(args.seed));
  const values = new Float32Array(args.count * 2);
  for (let i = 0; i < args.count; i++) {
    const [cx, cy] = centers[random.int(centers.length)];
    values[2 * i] = cx + random.normal(0, stddev);
    values[2 * i + 1] = cy + random.normal(0, stddev);
  }
  return { points: tf.tensor2d(values, [args.count, 2]), centers };
}

function checkCount(count: number): void {
  if (!Number.isInteger(count) || count < 1)
    throw new ConfigError(`count must be a positive integer, got ${count}.`);
}
