import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '../errors.js';
import type { Constraint } from '../interfaces/constraint.js';
import type { Regularizer } from '../interfaces/regularizer.js';
import { formatShape } from './shape.js';

let variableCounter = 0;

/**
 * One weight of a layer: a tfjs `Variable` plus what the layer knows about it.
 *
 * `name` is the short name (`kernel`), `path` the name it is saved under (`dense/kernel`, which is
 * what TensorFlow.js and Keras call its original name). The tfjs variable gets a process-unique
 * name, so two models with a layer called `dense` never clash.
 */
export class LayerWeight {
  readonly variable: tf.Variable;

  constructor(
    readonly name: string,
    readonly path: string,
    initialValue: tf.Tensor,
    /** Whether an optimizer may change it (moving averages of batch norm are not trainable). */
    public trainable: boolean,
    readonly regularizer?: Regularizer,
    readonly constraint?: Constraint,
  ) {
    this.variable = tf.variable(initialValue, true, `${path}_${variableCounter++}`);
  }

  get shape(): number[] {
    return this.variable.shape;
  }

  get dtype(): tf.DataType {
    return this.variable.dtype;
  }

  /** The number of scalars. */
  get size(): number {
    return this.variable.size;
  }

  /** The variable, to use in computations. */
  read(): tf.Variable {
    return this.variable;
  }

  /**
   * Replaces the value (the caller keeps ownership of `value`).
   * @throws ShapeError when the shape differs.
   */
  write(value: tf.Tensor): void {
    if (!tf.util.arraysEqual(value.shape, this.variable.shape)) {
      throw new ShapeError(
        `Weight "${this.path}" has shape ${formatShape(this.variable.shape)} but the new value has shape ${formatShape(value.shape)}. ` +
          'Pass values in the order and shapes of layer.weights.',
      );
    }
    this.variable.assign(value.dtype === this.variable.dtype ? value : tf.cast(value, this.variable.dtype));
  }

  /** Projects the weight through its constraint, if any (called after each optimizer step). */
  applyConstraint(): void {
    if (!this.constraint) return;
    const constraint = this.constraint;
    tf.tidy(() => this.variable.assign(constraint.apply(this.variable)));
  }

  dispose(): void {
    this.variable.dispose();
  }
}
