import {
  type CallOptions,
  ConfigError,
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
import { getInitializer, type InitializerSpec } from '../../initializers/index.js';
import { numberInRange } from '../../utils/args.js';
import {
  getRegularizer,
  type RegularizerSpec,
  serializeOption,
  singleTensor,
} from '../../utils/layer-utils.js';

/** Options of {@link LayerNormalization}. */
export interface LayerNormalizationArgs extends LayerArgs {
  /** Axis or axes normalized together within each sample. Default -1 (the features). */
  axis?: number | number[];
  /** Added to the variance before the square root. Default 1e-3. */
  epsilon?: number;
  /** Learn a shift `beta`. Default `true`. */
  center?: boolean;
  /** Learn a scale `gamma`. Default `true`. */
  scale?: boolean;
  /** Default `'zeros'`. */
  betaInitializer?: InitializerSpec;
  /** Default `'ones'`. */
  gammaInitializer?: InitializerSpec;
  /** Penalty on beta. Default: none. */
  betaRegularizer?: RegularizerSpec | null;
  /** Penalty on gamma. Default: none. */
  gammaRegularizer?: RegularizerSpec | null;
}

/**
 * Layer normalization (Ba et al.): normalizes each sample over its feature axes to zero mean and
 * unit variance, then scales by `gamma` and shifts by `beta`. Unlike batch normalization it does
 * not depend on the batch, so training and inference compute the same thing (the recurrent nets
 * and transformers of seed 001 use it).
 *
 * Input shape: any. Output shape: the same. Weights: `gamma`, `beta`, shaped like the normalized axes.
 *
 * @example
 * layerNormalization({ epsilon: 1e-6 })
 */
export class LayerNormalization extends Layer {
  static override readonly className = 'LayerNormalization';
  readonly axis: number | number[];
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly betaInitializer: Initializer;
  readonly gammaInitializer: Initializer;
  readonly betaRegularizer: Regularizer | null;
  readonly gammaRegularizer: Regularizer | null;
  gamma: LayerWeight | null = null;
  beta: LayerWeight | null = null;

  constructor(args: LayerNormalizationArgs = {}) {
    super(args);
    const who = `LayerNormalization layer "${this.name}"`;
    this.axis = args.axis ?? -1;
    const list = Array.isArray(this.axis) ? this.axis : [this.axis];
    if (list.length === 0 || list.some((a) => !Number.isInteger(a))) {
      throw new ConfigError(
        `${who}: axis must be an integer or a list of integers, got ${JSON.stringify(args.axis)}.`,
      );
    }
    this.epsilon = numberInRange(args.epsilon ?? 1e-3, 0, Number.POSITIVE_INFINITY, `${who}: epsilon`);
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.betaInitializer = getInitializer(args.betaInitializer, 'zeros');
    this.gammaInitializer = getInitializer(args.gammaInitializer, 'ones');
    this.betaRegularizer = getRegularizer(args.betaRegularizer);
    this.gammaRegularizer = getRegularizer(args.gammaRegularizer);
    this.supportsMasking = true;
  }

  /** The normalized axes as non-negative, sorted, distinct indices. */
  private axes(rank: number): number[] {
    const list = (Array.isArray(this.axis) ? this.axis : [this.axis]).map((a) => (a < 0 ? a + rank : a));
    if (list.some((a) => a < 1 || a >= rank) || new Set(list).size !== list.length) {
      throw new ShapeError(
        `LayerNormalization layer "${this.name}" has axis ${JSON.stringify(this.axis)}, which is not a set of distinct non-batch axes of inputs of rank ${rank}.`,
      );
    }
    return list.sort((a, b) => a - b);
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = singleShape(inputShape, `LayerNormalization layer "${this.name}"`);
    const paramShape = this.axes(shape.length).map((a) => shape[a]);
    if (paramShape.some((d) => d == null)) {
      throw new ShapeError(
        `LayerNormalization layer "${this.name}" needs known sizes on its axes; the input shape is ${formatShape(shape)}. Give the model an inputShape with those axes known.`,
      );
    }
    if (this.scale) {
      this.gamma = this.addWeight('gamma', paramShape as number[], this.gammaInitializer, {
        regularizer: this.gammaRegularizer,
      });
    }
    if (this.center) {
      this.beta = this.addWeight('beta', paramShape as number[], this.betaInitializer, {
        regularizer: this.betaRegularizer,
      });
    }
  }

  call(inputs: LayerInputs, _options: CallOptions): tf.Tensor {
    const x = singleTensor(inputs, `LayerNormalization layer "${this.name}"`);
    return tf.tidy(() => {
      const axes = this.axes(x.rank);
      const { mean, variance } = tf.moments(x, axes, true); // [batch, 1, ...] per sample
      const broadcastShape = x.shape.map((d, i) => (axes.includes(i) ? d : 1));
      let y = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.epsilon)));
      if (this.gamma) y = tf.mul(y, tf.reshape(this.gamma.read(), broadcastShape));
      if (this.beta) y = tf.add(y, tf.reshape(this.beta.read(), broadcastShape));
      return y;
    });
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      axis: this.axis,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      betaInitializer: serializeOption(this.betaInitializer),
      gammaInitializer: serializeOption(this.gammaInitializer),
      betaRegularizer: serializeOption(this.betaRegularizer),
      gammaRegularizer: serializeOption(this.gammaRegularizer),
    };
  }
}

register('layer', 'LayerNormalization', (c) => new LayerNormalization(c as LayerNormalizationArgs));

/** A layer normalization layer (see {@link LayerNormalization}). */
export function layerNormalization(args: LayerNormalizationArgs = {}): LayerNormalization {
  return new LayerNormalization(args);
}
