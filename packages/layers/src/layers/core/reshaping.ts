/** Layers that only rearrange values: reshape, permute, repeatVector. */
import {
  type CallOptions,
  ConfigError,
  Layer,
  type LayerArgs,
  type LayerInputs,
  register,
  type Shape,
  ShapeError,
  singleShape,
  tf,
} from '@tensorfold/core';
import { positiveInteger } from '../../utils/args.js';
import { singleTensor } from '../../utils/layer-utils.js';

/** Options of {@link Reshape}. */
export interface ReshapeArgs extends LayerArgs {
  /** Shape of each sample after reshaping, without the batch axis; one entry may be -1 (or null): inferred. */
  targetShape: Array<number | null>;
}

/**
 * Reshapes each sample to `targetShape` (the batch axis is kept).
 *
 * Input shape: `[batch, ...dims]`. Output shape: `[batch, ...targetShape]`.
 *
 * @example
 * reshape({ targetShape: [28, 28, 1] }) // flat MNIST vectors to images
 */
export class Reshape extends Layer {
  static override readonly className = 'Reshape';
  readonly targetShape: Array<number | null>;

  constructor(args: ReshapeArgs) {
    super(args);
    if (!Array.isArray(args.targetShape)) {
      throw new ConfigError(
        `reshape needs targetShape, e.g. reshape({targetShape: [28, 28, 1]}); got ${JSON.stringify(args.targetShape)}.`,
      );
    }
    this.targetShape = args.targetShape.map((d) => (d == null || d === -1 ? null : d));
    const unknown = this.targetShape.filter((d) => d === null).length;
    if (unknown > 1 || this.targetShape.some((d) => d !== null && (!Number.isInteger(d) || d < 1))) {
      throw new ConfigError(
        `reshape targetShape must be positive integers with at most one -1 (inferred), got [${args.targetShape}].`,
      );
    }
  }

  /** The output shape for samples of `size` elements (null when unknown). */
  private resolve(size: number | null): Shape {
    const known = this.targetShape.reduce<number>((a, d) => a * (d ?? 1), 1);
    const unknownAt = this.targetShape.indexOf(null);
    if (size == null) return [...this.targetShape];
    if (unknownAt < 0 ? known !== size : size % known !== 0) {
      throw new ShapeError(
        `Reshape layer "${this.name}" cannot reshape samples of ${size} values to [${this.targetShape.map((d) => d ?? -1)}]; the sizes must match.`,
      );
    }
    return this.targetShape.map((d) => d ?? size / known);
  }

  call(inputs: LayerInputs, _options: CallOptions): tf.Tensor {
    const x = singleTensor(inputs, `Reshape layer "${this.name}"`);
    const target = this.resolve(x.size / Math.max(1, x.shape[0])) as number[];
    return tf.reshape(x, [x.shape[0], ...target]);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = singleShape(inputShape, `Reshape layer "${this.name}"`);
    const rest = shape.slice(1);
    const size = rest.some((d) => d == null) ? null : (rest as number[]).reduce((a, b) => a * b, 1);
    return [shape[0], ...this.resolve(size)];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), targetShape: this.targetShape };
  }
}

/** Options of {@link Permute}. */
export interface PermuteArgs extends LayerArgs {
  /** New order of the non-batch axes, 1-based (as Keras): `[2, 1]` swaps the two axes of each sample. */
  dims: number[];
}

/**
 * Permutes the axes of each sample (the batch axis stays first).
 *
 * Input shape: `[batch, d1, ..., dn]`. Output shape: `[batch, d[dims[0]], ..., d[dims[n-1]]]`.
 *
 * @example
 * permute({ dims: [2, 1] }) // [batch, steps, features] -> [batch, features, steps]
 */
export class Permute extends Layer {
  static override readonly className = 'Permute';
  readonly dims: number[];

  constructor(args: PermuteArgs) {
    super(args);
    const dims = args.dims;
    const sorted = Array.isArray(dims) ? [...dims].sort((a, b) => a - b) : [];
    if (!Array.isArray(dims) || !sorted.every((d, i) => d === i + 1)) {
      throw new ConfigError(
        `permute dims must be a permutation of 1..n (1-based, without the batch axis), got ${JSON.stringify(dims)}.`,
      );
    }
    this.dims = [...dims];
    this.inputSpec = { ndim: dims.length + 1 };
  }

  call(inputs: LayerInputs, _options: CallOptions): tf.Tensor {
    return tf.transpose(singleTensor(inputs, `Permute layer "${this.name}"`), [0, ...this.dims]);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = singleShape(inputShape, `Permute layer "${this.name}"`);
    return [shape[0], ...this.dims.map((d) => shape[d])];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), dims: this.dims };
  }
}

/** Options of {@link RepeatVector}. */
export interface RepeatVectorArgs extends LayerArgs {
  /** How many times to repeat. */
  n: number;
}

/**
 * Repeats each input vector `n` times, making a sequence (the bridge from an encoder's summary
 * vector to a decoder RNN).
 *
 * Input shape: `[batch, features]`. Output shape: `[batch, n, features]`.
 *
 * @example
 * repeatVector({ n: 10 })
 */
export class RepeatVector extends Layer {
  static override readonly className = 'RepeatVector';
  readonly n: number;

  constructor(args: RepeatVectorArgs) {
    super(args);
    this.n = positiveInteger(args.n, `RepeatVector layer "${this.name}": n`);
    this.inputSpec = { ndim: 2 };
  }

  call(inputs: LayerInputs, _options: CallOptions): tf.Tensor {
    const x = singleTensor(inputs, `RepeatVector layer "${this.name}"`);
    return tf.tidy(() => tf.tile(tf.expandDims(x, 1), [1, this.n, 1]));
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = singleShape(inputShape, `RepeatVector layer "${this.name}"`);
    return [shape[0], this.n, shape[1]];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), n: this.n };
  }
}

register('layer', 'Reshape', (c) => new Reshape(c as unknown as ReshapeArgs));
register('layer', 'Permute', (c) => new Permute(c as unknown as PermuteArgs));
register('layer', 'RepeatVector', (c) => new RepeatVector(c as unknown as RepeatVectorArgs));

/** A reshape layer (see {@link Reshape}). */
export function reshape(args: ReshapeArgs): Reshape {
  return new Reshape(args);
}

/** A permute layer (see {@link Permute}). */
export function permute(args: PermuteArgs): Permute {
  return new Permute(args);
}

/** A repeat-vector layer (see {@link RepeatVector}). */
export function repeatVector(args: RepeatVectorArgs): RepeatVector {
  return new RepeatVector(args);
}
