/** Activation functions as layers with options: reLU, leakyReLU, prelu, elu, softmax, thresholdedReLU. */
import {
  type CallOptions,
  ConfigError,
  type Constraint,
  formatShape,
  type Initializer,
  Layer,
  type LayerArgs,
  type LayerInputs,
  type LayerWeight,
  type Regularizer,
  register,
  type Shape,
  ShapeError,
  singleShape,
  tf,
} from '@tensorfold/core';
import { scaledElu } from '../../activations/rectifiers.js';
import { type ConstraintSpec, getConstraint } from '../../constraints/index.js';
import { getInitializer, type InitializerSpec } from '../../initializers/index.js';
import {
  getRegularizer,
  type RegularizerSpec,
  serializeOption,
  singleTensor,
} from '../../utils/layer-utils.js';

abstract class ElementwiseLayer extends Layer {
  constructor(args: LayerArgs) {
    super(args);
    this.supportsMasking = true;
  }
  protected abstract compute(x: tf.Tensor): tf.Tensor;
  call(inputs: LayerInputs, _options: CallOptions): tf.Tensor {
    const x = singleTensor(inputs, `${this.className} layer "${this.name}"`);
    return tf.tidy(() => this.compute(x));
  }
}

function finite(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new ConfigError(`${what} must be a finite number, got ${JSON.stringify(value)}.`);
  return value;
}

/** Options of {@link ReLU}. */
export interface ReLULayerArgs extends LayerArgs {
  /** Upper bound of the output (`relu6` is `maxValue: 6`). Default: none. */
  maxValue?: number | null;
}

/**
 * `max(0, x)`, optionally capped at `maxValue`.
 *
 * Input shape: any. Output shape: the same.
 *
 * @example
 * reLU({ maxValue: 6 })
 */
export class ReLU extends ElementwiseLayer {
  static override readonly className = 'ReLU';
  readonly maxValue: number | null;
  constructor(args: ReLULayerArgs = {}) {
    super(args);
    this.maxValue = args.maxValue == null ? null : finite(args.maxValue, 'reLU maxValue');
  }
  protected compute(x: tf.Tensor): tf.Tensor {
    return this.maxValue == null ? tf.relu(x) : tf.clipByValue(x, 0, this.maxValue);
  }
  override getConfig(): Record<string, unknown> {
    return { maxValue: this.maxValue, ...super.getConfig() };
  }
}

/** Options of {@link LeakyReLU}. */
export interface LeakyReLULayerArgs extends LayerArgs {
  /** Slope for negative inputs. Default 0.3 (as TensorFlow.js and Keras 2). */
  alpha?: number;
}

/**
 * `x` for x > 0, `alpha · x` otherwise: a small gradient survives for negative inputs (the
 * discriminators of the GAN chapters use it).
 *
 * Input shape: any. Output shape: the same.
 *
 * @example
 * leakyReLU({ alpha: 0.2 })
 */
export class LeakyReLU extends ElementwiseLayer {
  static override readonly className = 'LeakyReLU';
  readonly alpha: number;
  constructor(args: LeakyReLULayerArgs = {}) {
    super(args);
    this.alpha = finite(args.alpha ?? 0.3, 'leakyReLU alpha');
  }
  protected compute(x: tf.Tensor): tf.Tensor {
    return tf.leakyRelu(x, this.alpha);
  }
  override getConfig(): Record<string, unknown> {
    return { alpha: this.alpha, ...super.getConfig() };
  }
}

/** Options of {@link ELU}. */
export interface ELULayerArgs extends LayerArgs {
  /** Negative inputs approach `-alpha`. Default 1. */
  alpha?: number;
}

/**
 * `x` for x > 0, `alpha (exp(x) − 1)` otherwise.
 *
 * Input shape: any. Output shape: the same.
 *
 * @example
 * elu({ alpha: 1 })
 */
export class ELU extends ElementwiseLayer {
  static override readonly className = 'ELU';
  readonly alpha: number;
  constructor(args: ELULayerArgs = {}) {
    super(args);
    this.alpha = finite(args.alpha ?? 1, 'elu alpha');
  }
  protected compute(x: tf.Tensor): tf.Tensor {
    return this.alpha === 1 ? tf.elu(x) : scaledElu(x, this.alpha);
  }
  override getConfig(): Record<string, unknown> {
    return { alpha: this.alpha, ...super.getConfig() };
  }
}

/** Options of {@link ThresholdedReLU}. */
export interface ThresholdedReLULayerArgs extends LayerArgs {
  /** Inputs at or below it give 0. Default 1. */
  theta?: number;
}

/**
 * `x` for x > theta, else 0.
 *
 * Input shape: any. Output shape: the same.
 *
 * @example
 * thresholdedReLU({ theta: 0.5 })
 */
export class ThresholdedReLU extends ElementwiseLayer {
  static override readonly className = 'ThresholdedReLU';
  readonly theta: number;
  constructor(args: ThresholdedReLULayerArgs = {}) {
    super(args);
    this.theta = finite(args.theta ?? 1, 'thresholdedReLU theta');
  }
  protected compute(x: tf.Tensor): tf.Tensor {
    // step(z) is 1 for z > 0 and has a (zero) gradient; a comparison would have none.
    return tf.mul(x, tf.step(tf.sub(x, this.theta)));
  }
  override getConfig(): Record<string, unknown> {
    return { theta: this.theta, ...super.getConfig() };
  }
}

/** Options of {@link Softmax}. */
export interface SoftmaxLayerArgs extends LayerArgs {
  /** The axis the probabilities sum to 1 along. Default -1. */
  axis?: number;
}

/**
 * Softmax along `axis`.
 *
 * Input shape: any. Output shape: the same.
 *
 * @example
 * softmax({ axis: -1 })
 */
export class Softmax extends ElementwiseLayer {
  static override readonly className = 'Softmax';
  readonly axis: number;
  constructor(args: SoftmaxLayerArgs = {}) {
    super(args);
    this.axis = args.axis ?? -1;
    if (!Number.isInteger(this.axis))
      throw new ConfigError(`softmax axis must be an integer, got ${JSON.stringify(args.axis)}.`);
  }
  protected compute(x: tf.Tensor): tf.Tensor {
    const axis = this.axis < 0 ? this.axis + x.rank : this.axis;
    if (axis === x.rank - 1) return tf.softmax(x);
    // tfjs's softmax works on the last axis only: move the axis there and back.
    const order = x.shape.map((_, i) => i);
    order[axis] = x.rank - 1;
    order[x.rank - 1] = axis;
    return tf.transpose(tf.softmax(tf.transpose(x, order)), order);
  }
  override getConfig(): Record<string, unknown> {
    return { axis: this.axis, ...super.getConfig() };
  }
}

/** Options of {@link PReLU}. */
export interface PReLULayerArgs extends LayerArgs {
  /** Starting slopes. Default `'zeros'` (a plain relu). */
  alphaInitializer?: InitializerSpec;
  /** Penalty on the slopes. Default: none. */
  alphaRegularizer?: RegularizerSpec | null;
  /** Projection applied to the slopes after each update. Default: none. */
  alphaConstraint?: ConstraintSpec | null;
  /** Axes (1-based, without the batch axis) sharing one slope, e.g. `[1, 2]` for one slope per channel of an image. */
  sharedAxes?: number | number[] | null;
}

/**
 * The parametric rectifier (He et al.): `x` for x > 0, `alpha · x` otherwise, with a learned
 * slope per feature (the "parametric leaky ReLU" of the notes).
 *
 * Input shape: any. Output shape: the same. Weights: `alpha`, the input's shape without the
 * batch axis (1 along `sharedAxes`).
 *
 * @example
 * prelu({ sharedAxes: [1, 2] })
 */
export class PReLU extends Layer {
  static override readonly className = 'PReLU';
  readonly alphaInitializer: Initializer;
  readonly alphaRegularizer: Regularizer | null;
  readonly alphaConstraint: Constraint | null;
  readonly sharedAxes: number[] | null;
  /** The slopes, once built. */
  alpha: LayerWeight | null = null;

  constructor(args: PReLULayerArgs = {}) {
    super(args);
    this.alphaInitializer = getInitializer(args.alphaInitializer, 'zeros');
    this.alphaRegularizer = getRegularizer(args.alphaRegularizer);
    this.alphaConstraint = getConstraint(args.alphaConstraint);
    this.sharedAxes = args.sharedAxes == null ? null : [args.sharedAxes].flat();
    if (this.sharedAxes?.some((a) => !Number.isInteger(a) || a < 1)) {
      throw new ConfigError(
        `prelu sharedAxes are 1-based axes after the batch axis, got ${JSON.stringify(args.sharedAxes)}.`,
      );
    }
    this.supportsMasking = true;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = singleShape(inputShape, `PReLU layer "${this.name}"`);
    const paramShape = shape.slice(1).map((d, i) => (this.sharedAxes?.includes(i + 1) ? 1 : d));
    if (paramShape.some((d) => d == null)) {
      throw new ShapeError(
        `PReLU layer "${this.name}" needs known sizes on its unshared axes; the input shape is ${formatShape(shape)}. Give the model an inputShape with those axes known, or share the unknown ones (sharedAxes).`,
      );
    }
    this.alpha = this.addWeight('alpha', paramShape as number[], this.alphaInitializer, {
      regularizer: this.alphaRegularizer,
      constraint: this.alphaConstraint,
    });
  }

  call(inputs: LayerInputs, _options: CallOptions): tf.Tensor {
    const x = singleTensor(inputs, `PReLU layer "${this.name}"`);
    return tf.prelu(x, (this.alpha as LayerWeight).read());
  }

  override getConfig(): Record<string, unknown> {
    return {
      alphaInitializer: serializeOption(this.alphaInitializer),
      alphaRegularizer: serializeOption(this.alphaRegularizer),
      alphaConstraint: serializeOption(this.alphaConstraint),
      sharedAxes: this.sharedAxes,
      ...super.getConfig(),
    };
  }
}

register('layer', 'ReLU', (c) => new ReLU(c as ReLULayerArgs));
register('layer', 'LeakyReLU', (c) => new LeakyReLU(c as LeakyReLULayerArgs));
register('layer', 'ELU', (c) => new ELU(c as ELULayerArgs));
register('layer', 'ThresholdedReLU', (c) => new ThresholdedReLU(c as ThresholdedReLULayerArgs));
register('layer', 'Softmax', (c) => new Softmax(c as SoftmaxLayerArgs));
register('layer', 'PReLU', (c) => new PReLU(c as PReLULayerArgs));

/** A relu layer (see {@link ReLU}); spelled `reLU` as in TensorFlow.js. */
export function reLU(args: ReLULayerArgs = {}): ReLU {
  return new ReLU(args);
}

/** A leaky relu layer (see {@link LeakyReLU}). */
export function leakyReLU(args: LeakyReLULayerArgs = {}): LeakyReLU {
  return new LeakyReLU(args);
}

/** An elu layer (see {@link ELU}). */
export function elu(args: ELULayerArgs = {}): ELU {
  return new ELU(args);
}

/** A thresholded relu layer (see {@link ThresholdedReLU}). */
export function thresholdedReLU(args: ThresholdedReLULayerArgs = {}): ThresholdedReLU {
  return new ThresholdedReLU(args);
}

/** A softmax layer (see {@link Softmax}). */
export function softmax(args: SoftmaxLayerArgs = {}): Softmax {
  return new Softmax(args);
}

/** A parametric relu layer (see {@link PReLU}). */
export function prelu(args: PReLULayerArgs = {}): PReLU {
  return new PReLU(args);
}
