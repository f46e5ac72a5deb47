/** Initializers that fill a weight with one value: zeros, ones, constant. */
import { ConfigError, type Initializer, tf } from '@tensorfold/core';

/** All zeros: the default for biases. */
export class Zeros implements Initializer {
  readonly className = 'Zeros';
  apply(shape: number[], dtype: tf.DataType = 'float32'): tf.Tensor {
    return tf.zeros(shape, dtype);
  }
  getConfig(): Record<string, unknown> {
    return {};
  }
}

/** All ones: the default for batch normalization's scale (gamma). */
export class Ones implements Initializer {
  readonly className = 'Ones';
  apply(shape: number[], dtype: tf.DataType = 'float32'): tf.Tensor {
    return tf.ones(shape, dtype);
  }
  getConfig(): Record<string, unknown> {
    return {};
  }
}

/** Options of {@link Constant}. */
export interface ConstantConfig {
  /** The value of every element. */
  value: number;
}

/** Every element equal to `value`. */
export class Constant implements Initializer {
  readonly className = 'Constant';
  readonly value: number;
  constructor(config: ConstantConfig) {
    if (typeof config?.value !== 'number' || !Number.isFinite(config.value)) {
      throw new ConfigError(
        `constant() needs a finite number value, e.g. constant({value: 0.1}); got ${JSON.stringify(config?.value)}.`,
      );
    }
    this.value = config.value;
  }
  apply(shape: number[], dtype: tf.DataType = 'float32'): tf.Tensor {
    return tf.fill(shape, this.value, dtype);
  }
  getConfig(): Record<string, unknown> {
    return { value: this.value };
  }
}
