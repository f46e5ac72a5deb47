/** Dot: per-sample dot products of two tensors (attention scores, cosine similarity). */
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

/** Options of {@link Dot}. */
export interface DotArgs extends LayerArgs {
  /**
   * The axis summed over: one for both inputs, or `[axisOfFirst, axisOfSecond]`. Negative axes count
   * from the end; axis 0 (the batch) cannot be used. E.g. `-1` for two `[batch, n]` vectors.
   */
  axes: number | [number, number];
  /** L2-normalize both inputs along the summed axis first, so the output is the cosine similarity. Default `false`. */
  normalize?: boolean;
}

/** `axis` as a non-negative index for a tensor of `rank`. */
function interpretAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

/** Keras's `l2_normalize`: `x / sqrt(max(Σ x², 1e-12))` along `axis`. */
function l2Normalize(x: tf.Tensor, axis: number): tf.Tensor {
  return tf.div(x, tf.sqrt(tf.maximum(tf.sum(tf.square(x), axis, true), 1e-12)));
}

/**
 * The dot product of two inputs per sample, summing over `axes` (Keras's `batch_dot`): for
 * `[batch, n, k]` and `[batch, k, m]` with `axes: [2, 1]`, a batched matrix product `[batch, n, m]`;
 * for two `[batch, k]` vectors with `axes: 1`, their dot products `[batch, 1]`. The output's axes
 * are the first input's remaining axes followed by the second's. With `normalize`, the cosine
 * similarity.
 *
 * Input shape: a list of two tensors of rank at least 2, with equal sizes on the summed axes.
 * Output shape: `[batch, ...rest of first, ...rest of second]` (`[batch, 1]` when nothing is left).
 *
 * @example
 * const scores = dot({ axes: [2, 2] }).apply([queries, keys]); // [batch, steps, steps]
 */
export class Dot extends Layer {
  static override readonly className = 'Dot';
  readonly axes: number | [number, number];
  readonly normalize: boolean;

  constructor(args: DotArgs) {
    super(args);
    const axes = args?.axes;
    const ok = (a: unknown) => typeof a === 'number' && Number.isInteger(a) && a !== 0;
    if (!(ok(axes) || (Array.isArray(axes) && axes.length === 2 && axes.every(ok)))) {
      throw new ConfigError(
        `Dot layer "${this.name}": axes must be a non-zero integer or two of them ([axisOfFirst, axisOfSecond]; axis 0 is the batch), got ${JSON.stringify(axes)}.`,
      );
    }
    this.axes = Array.isArray(axes) ? [axes[0], axes[1]] : axes;
    this.normalize = args.normalize ?? false;
  }

  /** The summed axes for inputs of ranks `ranks`, non-negative. */
  private axesFor(ranks: [number, number]): [number, number] {
    const [a, b] = Array.isArray(this.axes) ? this.axes : [this.axes, this.axes];
    return [interpretAxis(a, ranks[0]), interpretAxis(b, ranks[1])];
  }

  private checkShapes(shapes: Shape[]): [number, number] {
    const who = `Dot layer "${this.name}"`;
    if (shapes.length !== 2)
      throw new ShapeError(`${who} takes exactly 2 inputs but got ${shapes.length}; pass [a, b].`);
    const [s1, s2] = shapes;
    if (s1.length < 2 || s2.length < 2) {
      throw new ShapeError(
        `${who} needs inputs of rank at least 2 ([batch, ...]); got ${formatShape(s1)} and ${formatShape(s2)}.`,
      );
    }
    const [a1, a2] = this.axesFor([s1.length, s2.length]);
    if (a1 < 1 || a1 >= s1.length || a2 < 1 || a2 >= s2.length) {
      throw new ShapeError(
        `${who}: axes ${JSON.stringify(this.axes)} do not fit inputs ${formatShape(s1)} and ${formatShape(s2)}; pick axes between 1 and rank - 1 (or negative).`,
      );
    }
    if (s1[a1] !== null && s2[a2] !== null && s1[a1] !== s2[a2]) {
      throw new ShapeError(
        `${who} sums over axis ${a1} of ${formatShape(s1)} and axis ${a2} of ${formatShape(s2)}, whose sizes ${s1[a1]} and ${s2[a2]} differ; they must be equal.`,
      );
    }
    return [a1, a2];
  }

  override build(inputShape: Shape | Shape[]): void {
    this.checkShapes(shapeList(inputShape));
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shapes = shapeList(inputShape);
    const [a1, a2] = this.checkShapes(shapes);
    const rest1 = shapes[0].filter((_, i) => i !== 0 && i !== a1);
    const rest2 = shapes[1].filter((_, i) => i !== 0 && i !== a2);
    const out = [shapes[0][0], ...rest1, ...rest2];
    return out.length === 1 ? [out[0], 1] : out;
  }

  call(inputs: LayerInputs, _options: CallOptions): tf.Tensor {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const [a1, a2] = this.checkShapes(list.map((t) => t.shape));
    return tf.tidy(() => {
      let [x, y] = list;
      if (this.normalize) {
        x = l2Normalize(x, a1);
        y = l2Normalize(y, a2);
      }
      const batch = x.shape[0];
      const k = x.shape[a1];
      const rest1 = x.shape.filter((_, i) => i !== 0 && i !== a1);
      const rest2 = y.shape.filter((_, i) => i !== 0 && i !== a2);
      const size = (dims: number[]) => dims.reduce((p, d) => p * d, 1);
      const xAxes = x.shape.map((_, i) => i).filter((i) => i !== a1);
      const yAxes = y.shape.map((_, i) => i).filter((i) => i !== 0 && i !== a2);
      const x3 = tf.reshape(tf.transpose(x, [...xAxes, a1]), [batch, size(rest1), k]); // [batch, M, k]
      const y3 = tf.reshape(tf.transpose(y, [0, a2, ...yAxes]), [batch, k, size(rest2)]); // [batch, k, N]
      const out = tf.matMul(x3, y3); // [batch, M, N]
      const shape = [batch, ...rest1, ...rest2];
      return tf.reshape(out, shape.length === 1 ? [batch, 1] : shape);
    });
  }

  override computeMask(_inputs: LayerInputs, _mask: CallOptions['mask']): null {
    return null;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axes: this.axes, normalize: this.normalize };
  }
}

register('layer', 'Dot', (c) => new Dot(c as unknown as DotArgs));

/** A dot-product layer (see {@link Dot}). */
export function dot(args: DotArgs): Dot {
  return new Dot(args);
}
