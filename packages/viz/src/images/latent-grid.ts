import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '@tensorfold/core';
import { el } from '../svg/element.js';
import { type Figure, figure } from '../svg/figure.js';
import { formatTick } from '../svg/scale.js';
import { text } from '../svg/text.js';
import { imageRaster, readImages, resolveRange, type ValueRange } from './pixels.js';
import { blit, createRaster, pngDataUri, type Raster } from './raster.js';

/** Options of {@link latentGrid}. */
export interface LatentGridOptions {
  /** Points per side of the lattice. Default 15 (Chollet's VAE example: 15 x 15 decoded digits). */
  n?: number;
  /** The lattice spans `[lo, hi]` on both axes. Default `[-2, 2]`. */
  range?: [number, number];
  /** Size of the decoder's latent vector; the two plotted axes vary, the others stay 0. Default 2. */
  latentDim?: number;
  /** Which two latent dimensions vary. Default `[0, 1]`. */
  axes?: [number, number];
  /** Pixel range of the decoded images. Default `auto`. */
  pixelRange?: ValueRange;
  /** Screen px per image pixel. Default 1 when the grid is 400 px or wider, else 2. */
  scale?: number;
  /** Default `Latent space`. */
  title?: string;
}

/**
 * Decodes a regular lattice of latent points and lays the images edge to edge: x grows to the right
 * along `axes[0]`, y grows upwards along `axes[1]` (the top row has the largest value), as in Keras's
 * VAE example. `decode` maps `[m, latentDim]` to images `[m, h, w, c]` or `[m, h, w]`; it runs once,
 * inside `tidy`.
 */
export async function latentGridRaster(
  decode: (z: tf.Tensor2D) => tf.Tensor,
  options: LatentGridOptions = {},
): Promise<{ raster: Raster; values: number[]; tile: [number, number] }> {
  const n = options.n ?? 15;
  const [lo, hi] = options.range ?? [-2, 2];
  const dim = options.latentDim ?? 2;
  const [ax, ay] = options.axes ?? [0, 1];
  if (!(Number.isInteger(n) && n >= 2 && n <= 64))
    throw new ConfigError(`n must be a whole number from 2 to 64, got ${n}.`);
  if (!(hi > lo)) throw new ConfigError(`range must be [lo, hi] with lo < hi, got [${lo}, ${hi}].`);
  if (!(ax !== ay && ax >= 0 && ay >= 0 && ax < dim && ay < dim))
    throw new ConfigError(
      `axes must be two different dimensions below latentDim ${dim}, got [${ax}, ${ay}].`,
    );
  const values = Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
  const z = new Float32Array(n * n * dim); // [n * n, latentDim], row r (top first) has y = values[n - 1 - r]
  for (let r = 0; r < n; r++)
    for (let c = 0; c < n; c++) {
      z[(r * n + c) * dim + ax] = values[c];
      z[(r * n + c) * dim + ay] = values[n - 1 - r];
    }
  const images = tf.tidy(() => decode(tf.tensor2d(z, [n * n, dim])));
  try {
    const batch = await readImages(images, 'decoded images');
    if (batch.n !== n * n)
      throw new ConfigError(
        `decode returned ${batch.n} images for ${n * n} latent points; it must return one image per point.`,
      );
    const range = resolveRange(options.pixelRange, batch.data);
    const raster = createRaster(n * batch.width, n * batch.height);
    for (let i = 0; i < n * n; i++)
      blit(raster, imageRaster(batch, i, range), (i % n) * batch.width, Math.floor(i / n) * batch.height);
    return { raster, values, tile: [batch.height, batch.width] };
  } finally {
    images.dispose();
  }
}

/** The lattice of {@link latentGridRaster} as a figure with the latent values on both axes. */
export async function latentGrid(
  decode: (z: tf.Tensor2D) => tf.Tensor,
  options: LatentGridOptions = {},
): Promise<Figure> {
  const { raster, values } = await latentGridRaster(decode, options);
  const [ax, ay] = options.axes ?? [0, 1];
  const scale = options.scale ?? (raster.width >= 400 ? 1 : 2);
  const w = raster.width * scale;
  const h = raster.height * scale;
  const left = 56;
  const top = 28;
  const n = values.length;
  const every = Math.max(1, Math.ceil(n / 8));
  const ticks: string[] = [];
  values.forEach((v, i) => {
    const last = i === n - 1 && (n - 1) % every >= every / 2;
    if (i % every !== 0 && !last) return;
    const x = left + ((i + 0.5) * w) / n;
    const y = top + ((n - 1 - i + 0.5) * h) / n;
    ticks.push(
      text(x, top + h + 10, formatTick(Number(v.toFixed(3))), {
        anchor: 'middle',
        size: 10,
        className: 'tick x',
      }),
    );
    ticks.push(
      text(left - 4, y, formatTick(Number(v.toFixed(3))), { anchor: 'end', size: 10, className: 'tick y' }),
    );
  });
  return figure({
    width: left + w + 16,
    height: top + h + 38,
    title: options.title ?? 'Latent space',
    description: `${n} by ${n} images decoded from latent points; z${ax} runs from ${values[0]} to ${values[n - 1]} left to right, z${ay} from ${values[0]} to ${values[n - 1]} bottom to top.`,
    body: [
      el('image', {
        x: left,
        y: top,
        width: w,
        height: h,
        href: pngDataUri(raster),
        preserveAspectRatio: 'none',
        style: 'image-rendering:pixelated',
      }),
      ...ticks,
      text(left + w / 2, top + h + 26, `z${ax}`, { anchor: 'middle', className: 'label x' }),
      text(12, top + h / 2, `z${ay}`, { anchor: 'middle', rotate: -90, className: 'label y' }),
    ].join(''),
  });
}
