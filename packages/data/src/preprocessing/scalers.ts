/**
 * Feature scaling fitted on training data only and applied unchanged to validation and test data:
 * z-score standardization and min-max scaling, each with an exact inverse.
 */

import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, DataError, ShapeError } from '@tensorfold/core';

/** Options shared by the scalers. */
export interface ScalerOptions {
  /**
   * `'feature'`: one statistic per feature (the last axis), computed over every other axis, e.g. per
   * column of `[samples, features]` or per feature of `[samples, time, features]`. `'global'`: one
   * statistic for all values (e.g. images). Default `'feature'`.
   */
  per?: 'feature' | 'global';
}

/** The serialized state of a fitted scaler. */
export interface ScalerState {
  kind: 'standard' | 'minMax';
  per: 'feature' | 'global';
  /** Subtracted: mean (standard) or data minimum (min-max), one per feature or one in all. */
  offset: number[];
  /** Divided by: standard deviation (standard) or data range (min-max). */
  scale: number[];
  /** Min-max only: the output range. */
  range?: [number, number];
}

/** What scalers have in common: fit on training data, transform anything of the same features. */
abstract class Scaler {
  protected offset: tf.Tensor | null = null;
  protected scale: tf.Tensor | null = null;
  protected offsetValues: number[] = [];
  protected scaleValues: number[] = [];
  readonly per: 'feature' | 'global';

  constructor(options: ScalerOptions = {}) {
    this.per = options.per ?? 'feature';
    if (this.per !== 'feature' && this.per !== 'global')
      throw new ConfigError(`per must be 'feature' or 'global', got '${this.per}'.`);
  }

  /** Whether {@link Scaler.fit} has run. */
  get fitted(): boolean {
    return this.offset !== null;
  }

  protected abstract statistics(x: tf.Tensor, axes: number[]): [tf.Tensor, tf.Tensor];
  protected abstract get outputShift(): number;
  protected abstract get outputScale(): number;

  /**
   * Computes the statistics of `x` (training data only). Replaces earlier statistics.
   * @throws DataError when `x` holds NaN or infinite values (fill missing values first).
   * @throws ShapeError when `x` is a scalar, or 1-D with `per: 'feature'` (it has no feature axis).
   */
  async fit(x: tf.Tensor): Promise<this> {
    if (!(x instanceof tf.Tensor) || x.rank === 0)
      throw new ShapeError('fit needs a tensor with a sample axis, e.g. [samples, features].');
    if (this.per === 'feature' && x.rank === 1)
      throw new ShapeError(
        `Scaling per feature needs a feature axis, got [${x.shape.join(', ')}]; reshape a single feature to [samples, 1] (tf.expandDims(x, 1)) or use per: 'global'.`,
      );
    const axes =
      this.per === 'feature'
        ? Array.from({ length: x.rank - 1 }, (_, i) => i)
        : Array.from({ length: x.rank }, (_, i) => i);
    const [offset, scale] = tf.tidy(() => {
      const [o, s] = this.statistics(tf.cast(x, 'float32'), axes);
      // A constant feature gets scale 1, so it maps to the low end instead of dividing by zero.
      return [o, tf.where(tf.equal(s, 0), tf.onesLike(s), s)];
    });
    const [o, s] = await Promise.all([offset.data(), scale.data()]);
    if ([...o, ...s].some((v) => !Number.isFinite(v))) {
      tf.dispose([offset, scale]);
      throw new DataError(
        'The data to fit holds NaN or infinite values; fill missing values first (fillMissing).',
      );
    }
    this.dispose();
    this.offset = offset;
    this.scale = scale;
    this.offsetValues = Array.from(o);
    this.scaleValues = Array.from(s);
    return this;
  }

  /** The statistics to use for `x`, for all features or the chosen ones. Tensors the caller disposes when `columns` is given. */
  private statsFor(x: tf.Tensor, what: string, columns?: readonly number[]): [tf.Tensor, tf.Tensor] {
    if (!this.offset || !this.scale)
      throw new ConfigError(`${what} before fit: call await scaler.fit(trainingData) first.`);
    if (this.per === 'global') return [this.offset, this.scale];
    const features = this.offset.shape[0] as number;
    if (columns) {
      if (columns.some((c) => !Number.isInteger(c) || c < 0 || c >= features)) {
        throw new ConfigError(
          `columns must be feature indices in [0, ${features}), got [${columns.join(', ')}].`,
        );
      }
      if (x.shape[x.rank - 1] !== columns.length) {
        throw new ShapeError(
          `${what} got ${x.shape[x.rank - 1]} values in the last axis for ${columns.length} columns.`,
        );
      }
      const index = tf.tensor1d(Array.from(columns), 'int32');
      const picked: [tf.Tensor, tf.Tensor] = [tf.gather(this.offset, index), tf.gather(this.scale, index)];
      index.dispose();
      return picked;
    }
    if (x.shape[x.rank - 1] !== features) {
      throw new ShapeError(
        `The scaler was fitted on ${features} features but got [${x.shape.join(', ')}] (${x.shape[x.rank - 1]} in the last axis); pass columns to scale some features only.`,
      );
    }
    return [this.offset, this.scale];
  }

  /**
   * Scales `x` with the fitted statistics (a new tensor).
   * @param columns The fitted features that the last axis of `x` holds, when not all of them.
   */
  transform(x: tf.Tensor, columns?: readonly number[]): tf.Tensor {
    return tf.tidy(() => {
      const [offset, scale] = this.statsFor(x, 'transform', columns);
      return tf.add(
        tf.mul(tf.div(tf.sub(tf.cast(x, 'float32'), offset), scale), this.outputScale),
        this.outputShift,
      );
    });
  }

  /**
   * Undoes {@link Scaler.transform}: back to the original units, e.g. predicted prices.
   * @param columns The fitted features that the last axis of `y` holds, e.g. `[0]` for predictions
   *   of the first feature only.
   */
  inverseTransform(y: tf.Tensor, columns?: readonly number[]): tf.Tensor {
    return tf.tidy(() => {
      const [offset, scale] = this.statsFor(y, 'inverseTransform', columns);
      return tf.add(
        tf.mul(tf.div(tf.sub(tf.cast(y, 'float32'), this.outputShift), this.outputScale), scale),
        offset,
      );
    });
  }

  /** `fit(x)` then `transform(x)`. */
  async fitTransform(x: tf.Tensor): Promise<tf.Tensor> {
    await this.fit(x);
    return this.transform(x);
  }

  /** Frees the statistics tensors (the scaler must be fitted again to be used). */
  dispose(): void {
    tf.dispose([this.offset, this.scale].filter((t): t is tf.Tensor => t !== null));
    this.offset = null;
    this.scale = null;
  }

  /**
   * Loads saved statistics.
   * @throws DataError when `offset` and `scale` are not arrays of the same length (1 for `'global'`),
   *   hold non-finite values, or a scale of 0 (which fit never produces).
   */
  protected restore(state: ScalerState): void {
    const { offset, scale } = state;
    const valid =
      Array.isArray(offset) &&
      Array.isArray(scale) &&
      offset.length === scale.length &&
      (this.per === 'global' ? offset.length === 1 : offset.length >= 1) &&
      [...offset, ...scale].every((v) => typeof v === 'number' && Number.isFinite(v)) &&
      scale.every((v) => v !== 0);
    if (!valid)
      throw new DataError(
        `This scaler state is inconsistent (offset ${JSON.stringify(offset)}, scale ${JSON.stringify(scale)}): it needs as many finite offsets as non-zero scales, one of each for per: 'global'. Save it again with toJSON().`,
      );
    this.offsetValues = [...offset];
    this.scaleValues = [...scale];
    // [features], or a scalar for 'global'
    const shape = this.per === 'global' ? [] : [offset.length];
    this.offset = tf.tensor(this.offsetValues, shape, 'float32');
    this.scale = tf.tensor(this.scaleValues, shape, 'float32');
  }
}

/**
 * z-score standardization: `(x - mean) / std` per feature, with mean and standard deviation from the
 * training data. Apply the same statistics to test data; never fit on it.
 *
 * @example
 * const scaler = await standardScaler().fit(trainX);
 * const train = scaler.transform(trainX);
 * const test = scaler.transform(testX); // training statistics
 */
export class StandardScaler extends Scaler {
  protected statistics(x: tf.Tensor, axes: number[]): [tf.Tensor, tf.Tensor] {
    const { mean, variance } = tf.moments(x, axes);
    return [mean, tf.sqrt(variance)];
  }
  protected get outputShift(): number {
    return 0;
  }
  protected get outputScale(): number {
    return 1;
  }
  /** Mean of each feature (one value for `per: 'global'`). */
  get mean(): readonly number[] {
    return this.offsetValues;
  }
  /** Population standard deviation of each feature (1 for constant features). */
  get std(): readonly number[] {
    return this.scaleValues;
  }
  /** The fitted statistics, as JSON-friendly values. */
  toJSON(): ScalerState {
    return { kind: 'standard', per: this.per, offset: [...this.offsetValues], scale: [...this.scaleValues] };
  }
  /** A scaler with saved statistics. */
  static fromJSON(state: ScalerState): StandardScaler {
    if (state?.kind !== 'standard') throw new DataError('This state is not a StandardScaler state.');
    const s = new StandardScaler({ per: state.per });
    s.restore(state);
    return s;
  }
}

/** Options of {@link MinMaxScaler}. */
export interface MinMaxOptions extends ScalerOptions {
  /** Output range `[low, high]`. Default `[0, 1]`. */
  range?: [number, number];
}

/**
 * Min-max scaling: maps each feature's training minimum to `range[0]` and maximum to `range[1]`
 * (test values outside the training range land outside the output range, as they should).
 */
export class MinMaxScaler extends Scaler {
  readonly range: [number, number];
  constructor(options: MinMaxOptions = {}) {
    super(options);
    this.range = options.range ?? [0, 1];
    if (!(this.range[1] > this.range[0]))
      throw new ConfigError(`range must be [low, high] with low < high, got [${this.range.join(', ')}].`);
  }
  protected statistics(x: tf.Tensor, axes: number[]): [tf.Tensor, tf.Tensor] {
    const min = tf.min(x, axes);
    return [min, tf.sub(tf.max(x, axes), min)];
  }
  protected get outputShift(): number {
    return this.range[0];
  }
  protected get outputScale(): number {
    return this.range[1] - this.range[0];
  }
  /** Training minimum of each feature. */
  get dataMin(): readonly number[] {
    return this.offsetValues;
  }
  /** Training maximum minus minimum of each feature (1 for constant features). */
  get dataRange(): readonly number[] {
    return this.scaleValues;
  }
  /** The fitted statistics, as JSON-friendly values. */
  toJSON(): ScalerState {
    return {
      kind: 'minMax',
      per: this.per,
      offset: [...this.offsetValues],
      scale: [...this.scaleValues],
      range: [...this.range],
    };
  }
  /** A scaler with saved statistics. */
  static fromJSON(state: ScalerState): MinMaxScaler {
    if (state?.kind !== 'minMax') throw new DataError('This state is not a MinMaxScaler state.');
    const s = new MinMaxScaler({ per: state.per, range: state.range });
    s.restore(state);
    return s;
  }
}

/** A new {@link StandardScaler} (z-score). */
export function standardScaler(options: ScalerOptions = {}): StandardScaler {
  return new StandardScaler(options);
}

/** A new {@link MinMaxScaler}. */
export function minMaxScaler(options: MinMaxOptions = {}): MinMaxScaler {
  return new MinMaxScaler(options);
}
