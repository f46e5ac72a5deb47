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
import { type ConstraintSpec, getConstraint } from '../../constraints/index.js';
import { getInitializer, type InitializerSpec } from '../../initializers/index.js';
import { numberInRange } from '../../utils/args.js';
import {
  getRegularizer,
  type RegularizerSpec,
  serializeOption,
  singleTensor,
} from '../../utils/layer-utils.js';
import { batchNormTraining, normalize } from './batch-norm-op.js';

/** Options of {@link BatchNormalization}. */
export interface BatchNormalizationArgs extends LayerArgs {
  /** The features axis (normalized separately). Default -1 (last; use 1 for channelsFirst images). */
  axis?: number;
  /** Weight of the old value in the moving averages: `moving = moving × momentum + batch × (1 − momentum)`. Default 0.99. */
  momentum?: number;
  /** Added to the variance before the square root. Default 1e-3. */
  epsilon?: number;
  /** Learn a shift `beta`. Default `true`. */
  center?: boolean;
  /** Learn a scale `gamma`. Default `true` (turn off before a relu, which is scale-invariant). */
  scale?: boolean;
  /** Default `'zeros'`. */
  betaInitializer?: InitializerSpec;
  /** Default `'ones'`. */
  gammaInitializer?: InitializerSpec;
  /** Default `'zeros'`. */
  movingMeanInitializer?: InitializerSpec;
  /** Default `'ones'`. */
  movingVarianceInitializer?: InitializerSpec;
  /** Penalty on beta. Default: none. */
  betaRegularizer?: RegularizerSpec | null;
  /** Penalty on gamma. Default: none. */
  gammaRegularizer?: RegularizerSpec | null;
  /** Projection applied to beta after each update. Default: none. */
  betaConstraint?: ConstraintSpec | null;
  /** Projection applied to gamma after each update. Default: none. */
  gammaConstraint?: ConstraintSpec | null;
}

/**
 * Batch normalization (Ioffe and Szegedy): normalizes each feature to zero mean and unit variance,
 * then scales by `gamma` and shifts by `beta`.
 *
 * - Training (`training: true`): uses the batch's mean and (biased) variance, and updates the moving
 *   averages `moving = moving × momentum + batch × (1 − momentum)`. The gradient is hand-written
 *   (see `batchNormTraining`).
 * - Inference: uses the moving averages, as one fused kernel.
 * - A frozen layer (`trainable = false`) always runs in inference mode and leaves its moving
 *   averages alone, as in Keras, so fine-tuning a model with a frozen base does not disturb the
 *   base's statistics (TensorFlow.js keeps training-mode behaviour there).
 *
 * Input shape: any. Output shape: the same.
 * Weights: `gamma`, `beta` (trainable), `moving_mean`, `moving_variance` (not trainable), each `[features]`.
 *
 * @example
 * batchNormalization({ momentum: 0.9 })
 */
export class BatchNormalization extends Layer {
  static override readonly className = 'BatchNormalization';
  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly betaInitializer: Initializer;
  readonly gammaInitializer: Initializer;
  readonly movingMeanInitializer: Initializer;
  readonly movingVarianceInitializer: Initializer;
  readonly betaRegularizer: Regularizer | null;
  readonly gammaRegularizer: Regularizer | null;
  readonly betaConstraint: Constraint | null;
  readonly gammaConstraint: Constraint | null;
  gamma: LayerWeight | null = null;
  beta: LayerWeight | null = null;
  movingMean: LayerWeight | null = null;
  movingVariance: LayerWeight | null = null;

  constructor(args: BatchNormalizationArgs = {}) {
    super(args);
    const who = `BatchNormalization layer "${this.name}"`;
    this.axis = args.axis ?? -1;
    if (!Number.isInteger(this.axis))
      throw new ConfigError(`${who}: axis must be an integer, got ${JSON.stringify(args.axis)}.`);
    this.momentum = numberInRange(args.momentum ?? 0.99, 0, 1, `${who}: momentum`, true);
    this.epsilon = numberInRange(args.epsilon ?? 1e-3, 0, Number.POSITIVE_INFINITY, `${who}: epsilon`);
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.betaInitializer = getInitializer(args.betaInitializer, 'zeros');
    this.gammaInitializer = getInitializer(args.gammaInitializer, 'ones');
    this.movingMeanInitializer = getInitializer(args.movingMeanInitializer, 'zeros');
    this.movingVarianceInitializer = getInitializer(args.movingVarianceInitializer, 'ones');
    this.betaRegularizer = getRegularizer(args.betaRegularizer);
    this.gammaRegularizer = getRegularizer(args.gammaRegularizer);
    this.betaConstraint = getConstraint(args.betaConstraint);
    this.gammaConstraint = getConstraint(args.gammaConstraint);
    this.supportsMasking = true;
  }

  private resolvedAxis(rank: number): number {
    const axis = this.axis < 0 ? this.axis + rank : this.axis;
    if (axis < 0 || axis >= rank) {
      throw new ShapeError(
        `BatchNormalization layer "${this.name}" has axis ${this.axis}, which inputs of rank ${rank} do not have.`,
      );
    }
    return axis;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = singleShape(inputShape, `BatchNormalization layer "${this.name}"`);
    const axis = this.resolvedAxis(shape.length);
    const features = shape[axis];
    if (features == null) {
      throw new ShapeError(
        `BatchNormalization layer "${this.name}" needs a known size on axis ${axis}; the input shape is ${formatShape(shape)}. Give the model an inputShape with that axis known.`,
      );
    }
    if (this.scale) {
      this.gamma = this.addWeight('gamma', [features], this.gammaInitializer, {
        regularizer: this.gammaRegularizer,
        constraint: this.gammaConstraint,
      });
    }
    if (this.center) {
      this.beta = this.addWeight('beta', [features], this.betaInitializer, {
        regularizer: this.betaRegularizer,
        constraint: this.betaConstraint,
      });
    }
    this.movingMean = this.addWeight('moving_mean', [features], this.movingMeanInitializer, {
      trainable: false,
    });
    this.movingVariance = this.addWeight('moving_variance', [features], this.movingVarianceInitializer, {
      trainable: false,
    });
    this.inputSpec = { ndim: shape.length, axes: { [axis]: features } };
  }

  call(inputs: LayerInputs, options: CallOptions): tf.Tensor {
    const x = singleTensor(inputs, `BatchNormalization layer "${this.name}"`);
    return tf.tidy(() => {
      const axis = this.resolvedAxis(x.rank);
      const gamma = this.gamma?.read() ?? null; // [features]
      const beta = this.beta?.read() ?? null;
      if (!options.training || !this.trainable) {
        const mean = (this.movingMean as LayerWeight).read();
        const variance = (this.movingVariance as LayerWeight).read();
        return normalize(x, axis, mean, variance, gamma, beta, this.epsilon);
      }
      const { output, mean, variance } = batchNormTraining(x, gamma, beta, axis, this.epsilon);
      this.updateMovingAverage(this.movingMean as LayerWeight, mean);
      this.updateMovingAverage(this.movingVariance as LayerWeight, variance);
      tf.dispose([mean, variance]);
      return output;
    });
  }

  /** `moving ← moving × momentum + batch × (1 − momentum)`, outside any gradient. */
  private updateMovingAverage(weight: LayerWeight, batchValue: tf.Tensor): void {
    const next = tf.tidy(() =>
      tf.add(tf.mul(weight.read(), this.momentum), tf.mul(batchValue, 1 - this.momentum)),
    );
    weight.write(next);
    next.dispose();
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      axis: this.axis,
      momentum: this.momentum,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      betaInitializer: serializeOption(this.betaInitializer),
      gammaInitializer: serializeOption(this.gammaInitializer),
      movingMeanInitializer: serializeOption(this.movingMeanInitializer),
      movingVarianceInitializer: serializeOption(this.movingVarianceInitializer),
      betaRegularizer: serializeOption(this.betaRegularizer),
      gammaRegularizer: serializeOption(this.gammaRegularizer),
      betaConstraint: serializeOption(this.betaConstraint),
      gammaConstraint: serializeOption(this.gammaConstraint),
    };
  }
}

register('layer', 'BatchNormalization', (c) => new BatchNormalization(c as BatchNormalizationArgs));

/** A batch normalization layer (see {@link BatchNormalization}). */
export function batchNormalization(args: BatchNormalizationArgs = {}): BatchNormalization {
  return new BatchNormalization(args);
}
