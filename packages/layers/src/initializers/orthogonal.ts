/** The orthogonal and identity initializers (Keras's defaults for recurrent kernels are orthogonal). */
import { ConfigError, type Initializer, tf } from '@tensorfold/core';
import { SeededStream } from './sampling.js';

/** Options of {@link Orthogonal}. */
export interface OrthogonalConfig {
  /** Multiplier of the orthogonal matrix. Default 1. */
  gain?: number;
  /** Seed of the stream; default: the next seed of the global generator (`setSeed`). */
  seed?: number | null;
}

/**
 * A random orthogonal matrix (Saxe et al.): rows or columns orthonormal, whichever are fewer.
 * Shapes of rank > 2 are treated as `[product of all but the last, last]`. Computed in JavaScript
 * (Householder QR of a normal matrix, signs fixed so the result is uniformly distributed), so the
 * same seed gives the same matrix on every backend.
 */
export class Orthogonal implements Initializer {
  readonly className = 'Orthogonal';
  readonly gain: number;
  private readonly stream: SeededStream;
  private readonly userSeed: number | null;
  constructor(config: OrthogonalConfig = {}) {
    this.gain = config.gain ?? 1;
    this.userSeed = config.seed ?? null;
    this.stream = new SeededStream(config.seed);
  }
  apply(shape: number[], dtype: tf.DataType = 'float32'): tf.Tensor {
    if (shape.length < 2) {
      throw new ConfigError(
        `The orthogonal initializer needs a weight of rank 2 or more, got shape [${shape}]. Use another initializer for biases.`,
      );
    }
    const cols = shape[shape.length - 1];
    const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    const tall = rows >= cols;
    const m = Math.max(rows, cols);
    const n = Math.min(rows, cols);
    const r = this.stream.random;
    const a = new Float64Array(m * n);
    for (let i = 0; i < a.length; i++) a[i] = r.normal();
    const q = orthonormalColumns(a, m, n); // [m, n], column-major
    const out = new Float32Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        // tall: out = Q; wide: out = Qᵀ.
        out[i * cols + j] = this.gain * (tall ? q[j * m + i] : q[i * m + j]);
      }
    }
    return tf.tidy(() => tf.cast(tf.tensor(out, shape, 'float32'), dtype));
  }
  getConfig(): Record<string, unknown> {
    return { gain: this.gain, seed: this.userSeed };
  }
}

/**
 * The Q factor of the QR decomposition of the m×n (m >= n) matrix `a` (row-major), as n
 * orthonormal columns (column-major), with each column's sign chosen so that R's diagonal is
 * positive. Householder reflections in float64.
 */
function orthonormalColumns(a: Float64Array, m: number, n: number): Float64Array {
  // Work column-major: col[j][i] = a[i * n + j].
  const r = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) r[j * m + i] = a[i * n + j];
  const reflectors: Float64Array[] = [];
  const diagonalSigns: number[] = [];
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm += r[k * m + i] ** 2;
    norm = Math.sqrt(norm);
    const alpha = r[k * m + k] > 0 ? -norm : norm;
    const v = new Float64Array(m);
    for (let i = k; i < m; i++) v[i] = r[k * m + i];
    v[k] -= alpha;
    let vNorm = 0;
    for (let i = k; i < m; i++) vNorm += v[i] ** 2;
    vNorm = Math.sqrt(vNorm);
    if (vNorm > 0) for (let i = k; i < m; i++) v[i] /= vNorm;
    reflectors.push(v);
    // Apply H = I - 2 v vᵀ to the remaining columns.
    for (let j = k; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i] * r[j * m + i];
      for (let i = k; i < m; i++) r[j * m + i] -= 2 * v[i] * dot;
    }
    diagonalSigns.push(r[k * m + k] < 0 ? -1 : 1);
  }
  // Q = H_0 H_1 ... H_{n-1} applied to the first n columns of the identity.
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * m + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = reflectors[k];
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i] * q[j * m + i];
      for (let i = k; i < m; i++) q[j * m + i] -= 2 * v[i] * dot;
    }
  }
  for (let j = 0; j < n; j++) if (diagonalSigns[j] < 0) for (let i = 0; i < m; i++) q[j * m + i] *= -1;
  return q;
}

/** Options of {@link Identity}. */
export interface IdentityConfig {
  /** Multiplier of the identity. Default 1. */
  gain?: number;
}

/** `gain` times the identity matrix (ones on the main diagonal of a 2D weight, zeros elsewhere). */
export class Identity implements Initializer {
  readonly className = 'Identity';
  readonly gain: number;
  constructor(config: IdentityConfig = {}) {
    this.gain = config.gain ?? 1;
  }
  apply(shape: number[], dtype: tf.DataType = 'float32'): tf.Tensor {
    if (shape.length !== 2) {
      throw new ConfigError(`The identity initializer needs a 2D weight, got shape [${shape}].`);
    }
    return tf.tidy(() => tf.mul(tf.eye(shape[0], shape[1], undefined, dtype), tf.scalar(this.gain, dtype)));
  }
  getConfig(): Record<string, unknown> {
    return { gain: this.gain };
  }
}
