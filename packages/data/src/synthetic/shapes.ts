/**
 * Seeded synthetic datasets: two spirals, concentric circles, Gaussian blobs and a noisy sine.
 */

import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, Random, seedOrNext } from '@tensorfold/core';

/** Points and targets of a synthetic dataset. */
export interface SyntheticData {
  /** Inputs, `[samples, features]` float32. */
  xs: tf.Tensor2D;
  /** Targets: `[samples, 1]` float32 (0/1 classes or regression values), or int32 `[samples]` class ids for blobs. */
  ys: tf.Tensor;
  /** Frees `xs` and `ys`. */
  dispose(): void;
}

function checkCount(n: number, name: string): void {
  if (!(Number.isInteger(n) && n >= 1)) throw new ConfigError(`${name} must be an integer >= 1, got ${n}.`);
}

/** A standard deviation: a finite number >= 0. */
function checkSpread(value: number, name: string): number {
  if (!(Number.isFinite(value) && value >= 0))
    throw new ConfigError(`${name} must be a finite number >= 0 (a standard deviation), got ${value}.`);
  return value;
}

function result(xs: Float32Array, features: number, ys: tf.Tensor): SyntheticData {
  const x = tf.tensor2d(xs, [xs.length / features, features]);
  return { xs: x, ys, dispose: () => tf.dispose([x, ys]) };
}

/** Options of {@link twoSpirals}. */
export interface SpiralOptions {
  /** Points per spiral. Default 100. */
  samplesPerClass?: number;
  /** Turns of each spiral. Default 1.5. */
  turns?: number;
  /** Standard deviation of Gaussian noise added to each coordinate. Default 0. */
  noise?: number;
  /** Seed of the noise. Default: from core's `setSeed` generator. */
  seed?: number;
}

/**
 * Two interleaved spirals (class 0 and class 1, the second the first rotated by 180 degrees), a
 * classic problem that needs a non-linear boundary. Points lie in [-1, 1]^2; classes alternate.
 */
export function twoSpirals(options: SpiralOptions = {}): SyntheticData {
  const n = options.samplesPerClass ?? 100;
  checkCount(n, 'samplesPerClass');
  const turns = options.turns ?? 1.5;
  const rng = new Random(seedOrNext(options.seed));
  const noise = checkSpread(options.noise ?? 0, 'noise');
  const xs = new Float32Array(4 * n);
  const ys = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const t = (i + 1) / n; // radius from near 0 to 1
    const angle = t * turns * 2 * Math.PI;
    for (let c = 0; c < 2; c++) {
      const sign = c === 0 ? 1 : -1;
      const k = 2 * i + c;
      xs[2 * k] = sign * t * Math.cos(angle) + (noise ? rng.normal(0, noise) : 0);
      xs[2 * k + 1] = sign * t * Math.sin(angle) + (noise ? rng.normal(0, noise) : 0);
      ys[k] = c;
    }
  }
  return result(xs, 2, tf.tensor2d(ys, [2 * n, 1]));
}

/** Options of {@link circles}. */
export interface CircleOptions {
  /** Total points (half per circle). Default 200. */
  samples?: number;
  /** Radius of the inner circle relative to the outer one (0-1). Default 0.5. */
  factor?: number;
  /** Standard deviation of Gaussian noise. Default 0.05. */
  noise?: number;
  /** Seed. Default: from core's `setSeed` generator. */
  seed?: number;
}

/** Two concentric circles: the outer (radius 1) is class 0, the inner (radius `factor`) class 1. */
export function circles(options: CircleOptions = {}): SyntheticData {
  const n = options.samples ?? 200;
  checkCount(n, 'samples');
  const factor = options.factor ?? 0.5;
  if (!(factor > 0 && factor < 1)) throw new ConfigError(`factor must be in (0, 1), got ${factor}.`);
  const noise = checkSpread(options.noise ?? 0.05, 'noise');
  const rng = new Random(seedOrNext(options.seed));
  const xs = new Float32Array(2 * n);
  const ys = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    const inner = k % 2;
    const r = inner ? factor : 1;
    const angle = rng.uniform() * 2 * Math.PI;
    xs[2 * k] = r * Math.cos(angle) + rng.normal(0, noise);
    xs[2 * k + 1] = r * Math.sin(angle) + rng.normal(0, noise);
    ys[k] = inner;
  }
  return result(xs, 2, tf.tensor2d(ys, [n, 1]));
}

/** Options of {@link gaussianBlobs}. */
export interface BlobOptions {
  /** Points per blob. Default 100. */
  samplesPerClass?: number;
  /** The blob centers, or how many to place at random in [-10, 10]^dimensions. Default 3. */
  centers?: number | ReadonlyArray<readonly number[]>;
  /** Dimensions of the points (when `centers` is a count). Default 2. */
  dimensions?: number;
  /** Standard deviation of each blob. Default 1. */
  stddev?: number;
  /** Seed. Default: from core's `setSeed` generator. */
  seed?: number;
}

/** Gaussian blobs, one class per center; `ys` holds int32 class ids. Classes alternate. */
export function gaussianBlobs(options: BlobOptions = {}): SyntheticData & { centers: number[][] } {
  const n = options.samplesPerClass ?? 100;
  checkCount(n, 'samplesPerClass');
  const rng = new Random(seedOrNext(options.seed));
  const spec = options.centers ?? 3;
  if (typeof spec === 'number') checkCount(spec, 'centers');
  if (options.dimensions !== undefined) checkCount(options.dimensions, 'dimensions');
  const dims = typeof spec === 'number' ? (options.dimensions ?? 2) : (spec[0]?.length ?? 0);
  const centers =
    typeof spec === 'number'
      ? Array.from({ length: spec }, () => Array.from({ length: dims }, () => rng.uniformIn(-10, 10)))
      : spec.map((c) => [...c]);
  if (centers.length < 1 || dims < 1 || centers.some((c) => c.length !== dims))
    throw new ConfigError('centers must be a count >= 1 or a list of points of one dimension.');
  const stddev = checkSpread(options.stddev ?? 1, 'stddev');
  const total = n * centers.length;
  const xs = new Float32Array(total * dims);
  const ys = new Int32Array(total);
  for (let k = 0; k < total; k++) {
    const c = k % centers.length;
    for (let d = 0; d < dims; d++) xs[k * dims + d] = rng.normal(centers[c][d], stddev);
    ys[k] = c;
  }
  return { ...result(xs, dims, tf.tensor1d(ys, 'int32')), centers };
}

/** Options of {@link noisySine}. */
export interface SineOptions {
  /** Number of points, evenly spaced over `range`. Default 100. */
  samples?: number;
  /** The x interval. Default [0, 2 pi]. */
  range?: readonly [number, number];
  /** Standard deviation of the Gaussian noise on y. Default 0.1. */
  noise?: number;
  /** Frequency (cycles per unit of x divided by 2 pi). Default 1. */
  frequency?: number;
  /** Amplitude. Default 1. */
  amplitude?: number;
  /** Seed of the noise. Default: from core's `setSeed` generator. */
  seed?: number;
}

/**
 * `y = amplitude * sin(frequency * x) + noise` at evenly spaced x: a regression problem, and in x
 * order a time series (e.g. for `slidingWindows`).
 */
export function noisySine(options: SineOptions = {}): SyntheticData {
  const n = options.samples ?? 100;
  checkCount(n, 'samples');
  const [low, high] = options.range ?? [0, 2 * Math.PI];
  const rng = new Random(seedOrNext(options.seed));
  const noise = checkSpread(options.noise ?? 0.1, 'noise');
  const xs = new Float32Array(n);
  const ys = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const x = n === 1 ? low : low + ((high - low) * i) / (n - 1);
    xs[i] = x;
    ys[i] =
      (options.amplitude ?? 1) * Math.sin((options.frequency ?? 1) * x) + (noise ? rng.normal(0, noise) : 0);
  }
  return result(xs, 1, tf.tensor2d(ys, [n, 1]));
}
