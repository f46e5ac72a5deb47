/**
 * Variance scaling and its named forms: glorot (Xavier), he, leCun, each uniform or normal. They
 * scale the spread of the starting weights to the layer's fan-in and/or fan-out so activations
 * neither explode nor vanish through depth.
 */
import { ConfigError, type Initializer, type tf } from '@tensorfold/core';
import { oneOf } from '../utils/args.js';
import { computeFans } from './fans.js';
import { SeededStream, sampleTensor, truncatedNormalSample } from './sampling.js';

/** Which fan scales the variance: in, out, or their mean. */
export type FanMode = 'fanIn' | 'fanOut' | 'fanAvg';

/**
 * The distribution to draw from. `normal` is Keras's legacy name for `truncatedNormal`;
 * `untruncatedNormal` is a plain normal.
 */
export type Distribution = 'normal' | 'truncatedNormal' | 'untruncatedNormal' | 'uniform';

/** Options of {@link VarianceScaling}. */
export interface VarianceScalingConfig {
  /** Multiplier of the variance. Default 1. */
  scale?: number;
  /** Default `'fanIn'`. */
  mode?: FanMode;
  /** Default `'normal'` (truncated normal). */
  distribution?: Distribution;
  /** Seed of the stream; default: the next seed of the global generator (`setSeed`). */
  seed?: number | null;
}

/** √(1 / variance of the standard normal truncated at ±2): keeps the truncated draw's variance at `scale / fan`. */
const TRUNCATION_CORRECTION = 0.8796256610342398;

/**
 * Draws with variance `scale / n`, where `n` is the fan chosen by `mode`: uniform in `±√(3 scale / n)`,
 * or (truncated) normal with standard deviation `√(scale / n)`.
 *
 * As in Keras, the truncated normal's standard deviation is divided by 0.8796 so that the variance
 * after truncation is the intended one (TensorFlow.js omits that correction).
 */
export class VarianceScaling implements Initializer {
  readonly className: string = 'VarianceScaling';
  readonly scale: number;
  readonly mode: FanMode;
  readonly distribution: Distribution;
  private readonly stream: SeededStream;
  private readonly userSeed: number | null;

  constructor(config: VarianceScalingConfig = {}) {
    this.scale = config.scale ?? 1;
    if (!(this.scale > 0) || !Number.isFinite(this.scale)) {
      throw new ConfigError(
        `varianceScaling scale must be a positive number, got ${JSON.stringify(config.scale)}.`,
      );
    }
    this.mode = oneOf(config.mode ?? 'fanIn', ['fanIn', 'fanOut', 'fanAvg'], 'mode');
    this.distribution = oneOf(
      config.distribution ?? 'normal',
      ['normal', 'truncatedNormal', 'untruncatedNormal', 'uniform'],
      'distribution',
    );
    this.userSeed = config.seed ?? null;
    this.stream = new SeededStream(config.seed);
  }

  apply(shape: number[], dtype?: tf.DataType): tf.Tensor {
    const { fanIn, fanOut } = computeFans(shape);
    const fan = this.mode === 'fanIn' ? fanIn : this.mode === 'fanOut' ? fanOut : (fanIn + fanOut) / 2;
    const variance = this.scale / Math.max(1, fan);
    const r = this.stream.random;
    if (this.distribution === 'uniform') {
      const limit = Math.sqrt(3 * variance);
      return sampleTensor(shape, () => r.uniformIn(-limit, limit), dtype);
    }
    if (this.distribution === 'untruncatedNormal') {
      const stddev = Math.sqrt(variance);
      return sampleTensor(shape, () => r.normal(0, stddev), dtype);
    }
    const stddev = Math.sqrt(variance) / TRUNCATION_CORRECTION;
    return sampleTensor(shape, () => truncatedNormalSample(r, 0, stddev), dtype);
  }

  /** The seed given by the user (null when it came from the global generator). */
  get seed(): number | null {
    return this.userSeed;
  }

  getConfig(): Record<string, unknown> {
    return { scale: this.scale, mode: this.mode, distribution: this.distribution, seed: this.userSeed };
  }
}

/** Options of the named variance-scaling initializers. */
export interface SeedConfig {
  /** Seed of the stream; default: the next seed of the global generator (`setSeed`). */
  seed?: number | null;
}

/** A named variance-scaling initializer: saved under its own name with only its seed. */
abstract class NamedVarianceScaling extends VarianceScaling {
  override getConfig(): Record<string, unknown> {
    return { seed: this.seed };
  }
}

/** Glorot (Xavier) uniform: `±√(6 / (fanIn + fanOut))`. Keras's default for dense and conv kernels. */
export class GlorotUniform extends NamedVarianceScaling {
  override readonly className = 'GlorotUniform';
  constructor(config: SeedConfig = {}) {
    super({ scale: 1, mode: 'fanAvg', distribution: 'uniform', seed: config.seed });
  }
}

/** Glorot (Xavier) normal: truncated normal with variance `2 / (fanIn + fanOut)`. */
export class GlorotNormal extends NamedVarianceScaling {
  override readonly className = 'GlorotNormal';
  constructor(config: SeedConfig = {}) {
    super({ scale: 1, mode: 'fanAvg', distribution: 'truncatedNormal', seed: config.seed });
  }
}

/** He uniform: `±√(6 / fanIn)`, for relu layers (the VGG-style nets of the texts use it). */
export class HeUniform extends NamedVarianceScaling {
  override readonly className = 'HeUniform';
  constructor(config: SeedConfig = {}) {
    super({ scale: 2, mode: 'fanIn', distribution: 'uniform', seed: config.seed });
  }
}

/** He normal: truncated normal with variance `2 / fanIn`, for relu layers. */
export class HeNormal extends NamedVarianceScaling {
  override readonly className = 'HeNormal';
  constructor(config: SeedConfig = {}) {
    super({ scale: 2, mode: 'fanIn', distribution: 'truncatedNormal', seed: config.seed });
  }
}

/** LeCun uniform: `±√(3 / fanIn)`. */
export class LeCunUniform extends NamedVarianceScaling {
  override readonly className = 'LeCunUniform';
  constructor(config: SeedConfig = {}) {
    super({ scale: 1, mode: 'fanIn', distribution: 'uniform', seed: config.seed });
  }
}

/** LeCun normal: truncated normal with variance `1 / fanIn`, the partner of `selu`. */
export class LeCunNormal extends NamedVarianceScaling {
  override readonly className = 'LeCunNormal';
  constructor(config: SeedConfig = {}) {
    super({ scale: 1, mode: 'fanIn', distribution: 'truncatedNormal', seed: config.seed });
  }
}
