/** Initializers that draw from a fixed distribution: randomNormal, randomUniform, truncatedNormal. */
import { ConfigError, type Initializer, type tf } from '@tensorfold/core';
import { SeededStream, sampleTensor, truncatedNormalSample } from './sampling.js';

/** Options of {@link RandomUniform}. */
export interface RandomUniformConfig {
  /** Lower bound (inclusive). Default -0.05. */
  minval?: number;
  /** Upper bound (exclusive). Default 0.05. */
  maxval?: number;
  /** Seed of the stream; default: the next seed of the global generator (`setSeed`). */
  seed?: number | null;
}

/** Uniform values in [minval, maxval). */
export class RandomUniform implements Initializer {
  readonly className = 'RandomUniform';
  readonly minval: number;
  readonly maxval: number;
  private readonly stream: SeededStream;
  private readonly userSeed: number | null;
  constructor(config: RandomUniformConfig = {}) {
    this.minval = config.minval ?? -0.05;
    this.maxval = config.maxval ?? 0.05;
    if (!(this.maxval > this.minval)) {
      throw new ConfigError(`randomUniform needs minval < maxval, got [${this.minval}, ${this.maxval}).`);
    }
    this.userSeed = config.seed ?? null;
    this.stream = new SeededStream(config.seed);
  }
  apply(shape: number[], dtype?: tf.DataType): tf.Tensor {
    const r = this.stream.random;
    return sampleTensor(shape, () => r.uniformIn(this.minval, this.maxval), dtype);
  }
  getConfig(): Record<string, unknown> {
    return { minval: this.minval, maxval: this.maxval, seed: this.userSeed };
  }
}

/** Options of {@link RandomNormal} and {@link TruncatedNormal}. */
export interface RandomNormalConfig {
  /** Mean. Default 0. */
  mean?: number;
  /** Standard deviation. Default 0.05. */
  stddev?: number;
  /** Seed of the stream; default: the next seed of the global generator (`setSeed`). */
  seed?: number | null;
}

abstract class NormalBase implements Initializer {
  abstract readonly className: string;
  readonly mean: number;
  readonly stddev: number;
  protected readonly stream: SeededStream;
  private readonly userSeed: number | null;
  constructor(config: RandomNormalConfig) {
    this.mean = config.mean ?? 0;
    this.stddev = config.stddev ?? 0.05;
    if (!(this.stddev >= 0)) throw new ConfigError(`stddev must be >= 0, got ${this.stddev}.`);
    this.userSeed = config.seed ?? null;
    this.stream = new SeededStream(config.seed);
  }
  abstract apply(shape: number[], dtype?: tf.DataType): tf.Tensor;
  getConfig(): Record<string, unknown> {
    return { mean: this.mean, stddev: this.stddev, seed: this.userSeed };
  }
}

/** Normally distributed values. */
export class RandomNormal extends NormalBase {
  readonly className = 'RandomNormal';
  constructor(config: RandomNormalConfig = {}) {
    super(config);
  }
  apply(shape: number[], dtype?: tf.DataType): tf.Tensor {
    const r = this.stream.random;
    return sampleTensor(shape, () => r.normal(this.mean, this.stddev), dtype);
  }
}

/** Normal values redrawn until they lie within two standard deviations of the mean. */
export class TruncatedNormal extends NormalBase {
  readonly className = 'TruncatedNormal';
  constructor(config: RandomNormalConfig = {}) {
    super(config);
  }
  apply(shape: number[], dtype?: tf.DataType): tf.Tensor {
    const r = this.stream.random;
    return sampleTensor(shape, () => truncatedNormalSample(r, this.mean, this.stddev), dtype);
  }
}
