import { ConfigError, CROSSENTROPY_EPSILON, type Loss, ShapeError, tf } from '@tensorfold/core';

/**
 * The epsilon Keras and TensorFlow.js clip probabilities with (`backend.epsilon()`, 1e-7): core's
 * `CROSSENTROPY_EPSILON`, which its cross-entropy kernel clips with.
 */
export const EPSILON = CROSSENTROPY_EPSILON;

/** Options every loss takes. */
export interface LossArgs {
  /** Name in logs and saved configs. Default: Keras's name, e.g. `'categorical_crossentropy'`. */
  name?: string;
  /**
   * Accepted for Keras configs: `'auto'` or `'sum_over_batch_size'` (the only reduction the training
   * loop applies: the mean over the batch, weighted by sample weights).
   */
  reduction?: string;
}

const supportedReductions = new Set(['auto', 'sum_over_batch_size', 'sumOverBatchSize']);

/**
 * The base of tensorfold's losses. {@link LossBase.call} returns one value per sample (the loss
 * reduced over the last axis, shape `[batch]`, or `[batch, ...]` for sequences), which the training
 * loop averages. Targets may have one axis fewer or more than predictions when that axis has size 1
 * (`[batch]` against `[batch, 1]`), as Keras allows; any other mismatch is a ShapeError.
 */
export abstract class LossBase implements Loss {
  /** The registered class name (`'CategoricalCrossentropy'`). */
  abstract readonly className: string;
  readonly name: string;

  protected constructor(args: LossArgs, defaultName: string) {
    if (args.reduction != null && !supportedReductions.has(args.reduction)) {
      throw new ConfigError(
        `Loss reduction "${args.reduction}" is not supported: the training loop always averages per-sample losses over the batch ('sum_over_batch_size'). Drop the reduction option, or scale the loss yourself.`,
      );
    }
    this.name = args.name ?? defaultName;
  }

  /** Per-sample losses `[batch, ...]` for targets `yTrue` and predictions `yPred` (a new tensor). */
  call(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.compute(this.alignTargets(yTrue, yPred), toFloat(yPred)));
  }

  /** The loss from aligned float targets and predictions; runs inside `tidy`. */
  protected abstract compute(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor;

  /** Casts targets to float and matches their shape to the predictions' (see the class comment). */
  protected alignTargets(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return matchShape(toFloat(yTrue), yPred, this.name);
  }

  /** The options that rebuild this loss. Subclasses add theirs. */
  getConfig(): Record<string, unknown> {
    return { name: this.name };
  }
}

/** `x` as float32 (a cast only when needed). */
export function toFloat(x: tf.Tensor): tf.Tensor {
  return x.dtype === 'float32' ? x : tf.cast(x, 'float32');
}

/**
 * `yTrue` reshaped to `yPred`'s shape when they differ only by a trailing axis of size 1, as Keras's
 * `squeeze_or_expand_to_same_rank`.
 * @throws ShapeError naming the loss or metric and the shapes otherwise.
 */
export function matchShape(yTrue: tf.Tensor, yPred: tf.Tensor, what: string): tf.Tensor {
  let t = yTrue;
  if (t.rank === yPred.rank - 1 && yPred.shape[yPred.rank - 1] === 1) t = tf.expandDims(t, -1);
  else if (t.rank === yPred.rank + 1 && t.shape[t.rank - 1] === 1) t = tf.squeeze(t, [t.rank - 1]);
  if (!tf.util.arraysEqual(t.shape, yPred.shape)) {
    throw new ShapeError(
      `${what}: targets of shape [${yTrue.shape}] do not match predictions of shape [${yPred.shape}]. ` +
        (yPred.rank === yTrue.rank + 1
          ? 'Targets look like class ids: use the sparse version (sparseCategoricalCrossentropy / sparseCategoricalAccuracy), or one-hot encode them.'
          : 'Give targets the shape of the model output.'),
    );
  }
  return t;
}

/** The axis `axis` (possibly negative) of a tensor of rank `rank`, checked. */
export function resolveAxis(axis: number, rank: number, what: string): number {
  const a = axis < 0 ? rank + axis : axis;
  if (!Number.isInteger(axis) || a < 0 || a >= rank) {
    throw new ConfigError(`${what}: axis ${axis} is out of range for tensors of rank ${rank}.`);
  }
  return a;
}
