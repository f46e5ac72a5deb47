/**
 * The 2-D GAN of the page, played as GAN Lab plays it: `@tensorfold/models-gan`'s `toyGan` on a toy
 * distribution, trained one step (one batch for each player) at a time; after each step the page draws
 * the real points, the generated ones (from fixed latent points, so the motion shows) and the
 * discriminator's probability of "real" over the plane.
 */
import { type Optimizer, setSeed, tf } from '@tensorfold/core';
import {
  dcganAdam,
  energyDistance,
  type GAN,
  gridOfGaussians,
  ringOfGaussians,
  toyGan,
  twoMoons,
} from '@tensorfold/models-gan';
import type { Extent } from '../../lib/plot';
import type { GenerativeState, ToyDatasetName } from './state';

/** Real points, and generated points drawn. */
export const POINTS = 256;
/** Side of the grid the discriminator is evaluated on. */
export const FIELD = 40;

/** The plane each distribution is drawn on. */
export const EXTENTS: Record<ToyDatasetName, Extent> = {
  ring: { xMin: -3, xMax: 3, yMin: -3, yMax: 3 },
  grid: { xMin: -3, xMax: 3, yMin: -3, yMax: 3 },
  moons: { xMin: -1.5, xMax: 2.5, yMin: -1.5, yMax: 2 },
};

/** What the page draws after a step. */
export interface ToyGanView {
  step: number;
  /** `[POINTS][2]` real points. */
  real: number[][];
  /** `[POINTS][2]` generated points (the same latent points every step). */
  generated: number[][];
  /** `[FIELD * FIELD]` the discriminator's probability of "real", row 0 at the top. */
  field: Float32Array;
  /** The energy distance between generated and real points (0 when the distributions match). */
  energy: number;
}

function toRows(t: tf.Tensor2D, values: Float32Array | Int32Array | Uint8Array): number[][] {
  return Array.from({ length: t.shape[0] }, (_, i) => [values[2 * i] as number, values[2 * i + 1] as number]);
}

/** A toy GAN, its real points and its losses so far. */
export class ToyGanSession {
  readonly dLoss: number[] = [];
  readonly gLoss: number[] = [];
  step = 0;
  private readonly model: GAN;
  private readonly optimizers: Optimizer[];
  private readonly real: tf.Tensor2D;
  private readonly latent: tf.Tensor2D;
  private readonly grid: tf.Tensor2D;
  private readonly seed: number;
  readonly extent: Extent;

  constructor(settings: Pick<GenerativeState, 'dataset' | 'learningRate' | 'seed'>) {
    const { dataset, learningRate, seed } = settings;
    this.seed = seed;
    this.extent = EXTENTS[dataset];
    setSeed(seed);
    const data =
      dataset === 'ring'
        ? ringOfGaussians({ count: POINTS, seed })
        : dataset === 'grid'
          ? gridOfGaussians({ count: POINTS, seed, spacing: 1.2 })
          : twoMoons({ count: POINTS, seed });
    this.real = data.points; // [POINTS, 2]
    this.model = toyGan({ seed, hiddenUnits: [32, 32] });
    this.optimizers = [dcganAdam(learningRate), dcganAdam(learningRate)];
    this.model.compile({
      generatorOptimizer: this.optimizers[0],
      discriminatorOptimizer: this.optimizers[1],
    });
    this.latent = this.model.latentPoints(POINTS, seed + 1); // [POINTS, latentDim], fixed
    const { xMin, xMax, yMin, yMax } = this.extent;
    const cells: number[] = [];
    for (let r = 0; r < FIELD; r++)
      for (let c = 0; c < FIELD; c++)
        cells.push(xMin + ((c + 0.5) / FIELD) * (xMax - xMin), yMax - ((r + 0.5) / FIELD) * (yMax - yMin));
    this.grid = tf.tensor2d(cells, [FIELD * FIELD, 2]);
  }

  /** One training step of each player on all the real points (one batch); logs both losses. */
  async train(): Promise<void> {
    const history = await this.model.fit(this.real, {
      epochs: 1,
      batchSize: POINTS,
      seed: this.seed + this.step,
      verbose: 0,
    });
    this.step++;
    this.dLoss.push(history.history.d_loss.at(-1) as number);
    this.gLoss.push(history.history.g_loss.at(-1) as number);
  }

  /** The points and the discriminator's field now. */
  async view(): Promise<ToyGanView> {
    const [generated, field] = tf.tidy(() => [
      this.model.generator.predict(this.latent) as tf.Tensor2D, // [POINTS, 2]
      this.model.discriminator.predict(this.grid) as tf.Tensor2D, // [FIELD * FIELD, 1]
    ]);
    const [g, f, r] = await Promise.all([generated.data(), field.data(), this.real.data()]);
    const energy = await energyDistance(this.real, generated);
    tf.dispose([generated, field]);
    return {
      step: this.step,
      real: toRows(this.real, r),
      generated: toRows(generated, g),
      field: Float32Array.from(f),
      energy,
    };
  }

  dispose(): void {
    this.model.dispose();
    for (const o of this.optimizers) o.dispose();
    tf.dispose([this.real, this.latent, this.grid]);
  }
}
