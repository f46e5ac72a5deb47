import { ConfigError, DataError, type tf } from '@tensorfold/core';

/**
 * The energy distance (Székely and Rizzo) between two samples of points, `2 E|X - Y| - E|X - X'| - E|Y - Y'|`
 * with Euclidean norms: 0 when the two distributions are equal, positive otherwise, and it notices a
 * missing mode that a mean or a variance would not. Computed exactly over all pairs in float64 on the host,
 * so keep each sample to a few thousand points.
 *
 * @param a `[n, d]` points.
 * @param b `[m, d]` points.
 */
export async function energyDistance(a: tf.Tensor2D, b: tf.Tensor2D): Promise<number> {
  const [x, y] = await Promise.all([rows(a), rows(b)]);
  if (x.dim !== y.dim)
    throw new DataError(`Both samples need the same dimension; got ${x.dim} and ${y.dim}.`);
  return 2 * meanDistance(x, y) - meanDistance(x, x) - meanDistance(y, y);
}

/** Options of {@link modeCoverage}. */
export interface ModeCoverageArgs {
  /** A point belongs to the nearest centre when it lies within this distance of it. Default 0.3. */
  radius?: number;
  /** A mode counts as covered when it holds at least this fraction of the points. Default 0.02. */
  minShare?: number;
}

/** How many modes of a mixture a sample covers, and how much of it lies near no mode. */
export interface ModeCoverage {
  /** Modes that hold at least `minShare` of the points. */
  covered: number;
  /** Number of modes. */
  modes: number;
  /** Fraction of the points in each mode, in the order of the centres. */
  shares: number[];
  /** Fraction of the points within `radius` of no centre ("off-mode" samples). */
  offMode: number;
}

/**
 * Mode coverage of a generated sample against a mixture's centres (the 8-Gaussian ring test): each point
 * is assigned to its nearest centre if it lies within `radius` of it.
 */
export async function modeCoverage(
  samples: tf.Tensor2D,
  centers: number[][],
  args: ModeCoverageArgs = {},
): Promise<ModeCoverage> {
  const { radius = 0.3, minShare = 0.02 } = args;
  if (centers.length === 0) throw new ConfigError('modeCoverage needs at least one centre.');
  const x = await rows(samples);
  if (centers.some((c) => c.length !== x.dim))
    throw new DataError(`The centres must have the samples' dimension ${x.dim}.`);
  const counts = new Array<number>(centers.length).fill(0);
  let off = 0;
  for (let i = 0; i < x.n; i++) {
    let best = -1;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (const [k, c] of centers.entries()) {
      const d = distance(x.values, i * x.dim, c, x.dim);
      if (d < bestDistance) {
        bestDistance = d;
        best = k;
      }
    }
    if (bestDistance <= radius) counts[best]++;
    else off++;
  }
  const shares = counts.map((c) => c / x.n);
  return {
    covered: shares.filter((s) => s >= minShare).length,
    modes: centers.length,
    shares,
    offMode: off / x.n,
  };
}

interface Rows {
  values: Float64Array;
  n: number;
  dim: number;
}

async function rows(t: tf.Tensor2D): Promise<Rows> {
  if (t.rank !== 2 || t.shape[0] === 0)
    throw new DataError(`Expected points [n, d] with n > 0; got shape [${t.shape.join(', ')}].`);
  const values = Float64Array.from(await t.data());
  if (values.some((v) => !Number.isFinite(v)))
    throw new DataError('The points hold NaN or Infinity; the generator has diverged.');
  return { values, n: t.shape[0], dim: t.shape[1] };
}

function meanDistance(a: Rows, b: Rows): number {
  let sum = 0;
  for (let i = 0; i < a.n; i++) {
    for (let j = 0; j < b.n; j++) {
      let s = 0;
      for (let k = 0; k < a.dim; k++) {
        const d = a.values[i * a.dim + k] - b.values[j * b.dim + k];
        s += d * d;
      }
      sum += Math.sqrt(s);
    }
  }
  return sum / (a.n * b.n);
}

function distance(values: Float64Array, offset: number, center: number[], dim: number): number {
  let s = 0;
  for (let k = 0; k < dim; k++) {
    const d = values[offset + k] - center[k];
    s += d * d;
  }
  return Math.sqrt(s);
}

/**
 * Peak signal-to-noise ratio in decibels between images and their references, averaged over the images:
 * `10 log10(peak^2 / MSE)` per image. Higher is better; a denoiser's gain is PSNR(denoised) - PSNR(noisy).
 *
 * @param images `[n, ...]` images.
 * @param references `[n, ...]` clean images of the same shape.
 * @param peak The largest possible pixel value. Default 1 (images in [0, 1]).
 */
export async function psnr(images: tf.Tensor, references: tf.Tensor, peak = 1): Promise<number> {
  if (images.shape.join() !== references.shape.join())
    throw new DataError(
      `images ${JSON.stringify(images.shape)} and references ${JSON.stringify(references.shape)} must have the same shape.`,
    );
  if (images.rank < 2) throw new DataError('psnr needs a batch of images [n, ...].');
  const n = images.shape[0];
  const size = images.size / n;
  const [a, b] = await Promise.all([images.data(), references.data()]);
  let total = 0;
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let k = i * size; k < (i + 1) * size; k++) sum += (a[k] - b[k]) ** 2;
    const mse = sum / size;
    total += mse === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10((peak * peak) / mse);
  }
  return total / n;
}
