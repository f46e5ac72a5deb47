/** Merge layers: combine several tensors into one (residual connections, multi-branch models). */
import {
  type CallOptions,
  ConfigError,
  formatShape,
  Layer,
  type LayerArgs,
  type LayerInputs,
  register,
  type Shape,
  ShapeError,
  shapeList,
  tf,
} from '@tensorfold/core';

/** The inputs of a merge layer, checked: at least `min` tensors. */
function inputList(inputs: LayerInputs, who: string, min = 2): tf.Tensor[] {
  const list = Array.isArray(inputs) ? inputs : [inputs];
  if (list.length < min)
    throw new ShapeError(`${who} merges at least ${min} tensors but got ${list.length}; pass a list.`);
  return list;
}

/** The shape two merged inputs give: equal sizes (or 1, broadcast) on every axis; null where unknown. */
function mergedShape(a: Shape, b: Shape, who: string): Shape {
  if (a.length !== b.length) {
    throw new ShapeError(
      `${who} cannot combine inputs of ranks ${a.length} and ${b.length} (${formatShape(a)} and ${formatShape(b)}); reshape them to one rank.`,
    );
  }
  return a.map((x, i) => {
    const y = b[i];
    if (x === null || y === null) return x === 1 ? y : y === 1 ? x : (x ?? y);
    if (x === y || y === 1) return x;
    if (x === 1) return y;
    throw new ShapeError(
      `${who} cannot combine inputs of shapes ${formatShape(a)} and ${formatShape(b)}: sizes ${x} and ${y} differ on axis ${i}; make them equal (or 1, to broadcast).`,
    );
  });
}

/** The AND of the inputs' masks (those given), or null when none is. */
function combinedMask(mask: CallOptions['mask']): tf.Tensor | null {
  const masks = (Array.isArray(mask) ? mask : [mask]).filter((m): m is tf.Tensor => m instanceof tf.Tensor);
  if (masks.length === 0) return null;
  return masks.slice(1).reduce((acc, m) => tf.logicalAnd(acc, m), masks[0]);
}

/** The base of the element-wise merges: same-shape (or broadcastable) inputs, one output of that shape. */
abstract class ElementwiseMerge extends Layer {
  constructor(args: LayerArgs = {}) {
    super(args);
    this.supportsMasking = true;
  }

  /** Combines the inputs (at least two). */
  protected abstract combine(xs: tf.Tensor[]): tf.Tensor;

  /** How many inputs it takes, at most (subtract: 2). */
  protected readonly maxInputs: number = Number.POSITIVE_INFINITY;

  call(inputs: LayerInputs, _options: CallOptions): tf.Tensor {
    const xs = inputList(inputs, `${this.className} layer "${this.name}"`);
    if (xs.length > this.maxInputs) {
      throw new ShapeError(
        `${this.className} layer "${this.name}" takes exactly ${this.maxInputs} inputs but got ${xs.length}.`,
      );
    }
    return tf.tidy(() => this.combine(xs));
  }

  override build(inputShape: Shape | Shape[]): void {
    this.computeOutputShape(inputShape);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shapes = shapeList(inputShape);
    const who = `${this.className} layer "${this.name}"`;
    if (shapes.length < 2)
      throw new ShapeError(`${who} merges at least 2 tensors but got ${shapes.length}; pass a list.`);
    return shapes.slice(1).reduce((acc, s) => mergedShape(acc, s, who), shapes[0]);
  }

  override computeMask(_inputs: LayerInputs, mask: CallOptions['mask']): tf.Tensor | null {
    return combinedMask(mask);
  }
}

/**
 * Element-wise sum of its inputs: the residual connection `x + f(x)` (Chollet chapter 9).
 *
 * Input shape: a list of tensors of one shape. Output shape: that shape.
 *
 * @example
 * const y = add().apply([x, block]);
 */
export class Add extends ElementwiseMerge {
  static override readonly className = 'Add';
  protected combine(xs: tf.Tensor[]): tf.Tensor {
    return xs.slice(1).reduce((acc, x) => tf.add(acc, x), xs[0]);
  }
}

/**
 * Element-wise difference of exactly two inputs, `a − b`. TensorFlow.js has no such layer, so a
 * model using it saves and loads in tensorfold (and Keras) but not in tfjs-layers.
 */
export class Subtract extends ElementwiseMerge {
  static override readonly className = 'Subtract';
  protected override readonly maxInputs = 2;
  protected combine(xs: tf.Tensor[]): tf.Tensor {
    return tf.sub(xs[0], xs[1]);
  }
}

/** Element-wise product of its inputs (gating). */
export class Multiply extends ElementwiseMerge {
  static override readonly className = 'Multiply';
  protected combine(xs: tf.Tensor[]): tf.Tensor {
    return xs.slice(1).reduce((acc, x) => tf.mul(acc, x), xs[0]);
  }
}

/** Element-wise mean of its inputs (model ensembling, Chollet chapter 7). */
export class Average extends ElementwiseMerge {
  static override readonly className = 'Average';
  protected combine(xs: tf.Tensor[]): tf.Tensor {
    return tf.div(
      xs.slice(1).reduce((acc, x) => tf.add(acc, x), xs[0]),
      xs.length,
    );
  }
}

/** Element-wise maximum of its inputs. */
export class Maximum extends ElementwiseMerge {
  static override readonly className = 'Maximum';
  protected combine(xs: tf.Tensor[]): tf.Tensor {
    return xs.slice(1).reduce((acc, x) => tf.maximum(acc, x), xs[0]);
  }
}

/** Element-wise minimum of its inputs. */
export class Minimum extends ElementwiseMerge {
  static override readonly className = 'Minimum';
  protected combine(xs: tf.Tensor[]): tf.Tensor {
    return xs.slice(1).reduce((acc, x) => tf.minimum(acc, x), xs[0]);
  }
}

/** Options of {@link Concatenate}. */
export interface ConcatenateArgs extends LayerArgs {
  /** The axis to join along. Default -1 (features). */
  axis?: number;
}

/**
 * Joins its inputs along `axis` (the branches of an inception block, multi-input models).
 *
 * Input shape: a list of tensors equal in every axis but `axis`. Output shape: the sum along `axis`.
 *
 * @example
 * const joined = concatenate().apply([text, image]);
 */
export class Concatenate extends Layer {
  static override readonly className = 'Concatenate';
  readonly axis: number;

  constructor(args: ConcatenateArgs = {}) {
    super(args);
    this.axis = args.axis ?? -1;
    if (!Number.isInteger(this.axis))
      throw new ConfigError(`concatenate axis must be an integer, got ${JSON.stringify(args.axis)}.`);
    this.supportsMasking = true;
  }

  call(inputs: LayerInputs, _options: CallOptions): tf.Tensor {
    const xs = inputList(inputs, `Concatenate layer "${this.name}"`);
    return tf.concat(xs, this.axis);
  }

  override build(inputShape: Shape | Shape[]): void {
    this.computeOutputShape(inputShape);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shapes = shapeList(inputShape);
    const who = `Concatenate layer "${this.name}"`;
    if (shapes.length < 2)
      throw new ShapeError(`${who} joins at least 2 tensors but got ${shapes.length}; pass a list.`);
    const rank = shapes[0].length;
    const axis = this.axis < 0 ? this.axis + rank : this.axis;
    if (axis < 0 || axis >= rank || shapes.some((s) => s.length !== rank)) {
      throw new ShapeError(
        `${who} needs inputs of one rank with axis ${this.axis}; got shapes ${shapes.map(formatShape).join(', ')}.`,
      );
    }
    const out = [...shapes[0]];
    for (const s of shapes.slice(1)) {
      s.forEach((d, i) => {
        if (i === axis) out[i] = out[i] == null || d == null ? null : (out[i] as number) + d;
        else if (out[i] != null && d != null && out[i] !== d) {
          throw new ShapeError(
            `${who} needs equal sizes on every axis but ${this.axis}; got shapes ${shapes.map(formatShape).join(', ')}.`,
          );
        } else out[i] = out[i] ?? d;
      });
    }
    return out;
  }

  override computeMask(_inputs: LayerInputs, mask: CallOptions['mask']): tf.Tensor | null {
    return combinedMask(mask);
  }

  override getConfig(): Record<string, unknown> {
    return { axis: this.axis, ...super.getConfig() };
  }
}

register('layer', 'Add', (c) => new Add(c));
register('layer', 'Subtract', (c) => new Subtract(c));
register('layer', 'Multiply', (c) => new Multiply(c));
register('layer', 'Average', (c) => new Average(c));
register('layer', 'Maximum', (c) => new Maximum(c));
register('layer', 'Minimum', (c) => new Minimum(c));
register('layer', 'Concatenate', (c) => new Concatenate(c as ConcatenateArgs));

/** An add layer (see {@link Add}). */
export function add(args: LayerArgs = {}): Add {
  return new Add(args);
}
/** A subtract layer (see {@link Subtract}). */
export function subtract(args: LayerArgs = {}): Subtract {
  return new Subtract(args);
}
/** A multiply layer (see {@link Multiply}). */
export function multiply(args: LayerArgs = {}): Multiply {
  return new Multiply(args);
}
/** An average layer (see {@link Average}). */
export function average(args: LayerArgs = {}): Average {
  return new Average(args);
}
/** A maximum layer (see {@link Maximum}). */
export function maximum(args: LayerArgs = {}): Maximum {
  return new Maximum(args);
}
/** A minimum layer (see {@link Minimum}). */
export function minimum(args: LayerArgs = {}): Minimum {
  return new Minimum(args);
}
/** A concatenate layer (see {@link Concatenate}). */
export function concatenate(args: ConcatenateArgs = {}): Concatenate {
  return new Concatenate(args);
}
