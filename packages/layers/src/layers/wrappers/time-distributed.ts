import {
  type CallOptions,
  ConfigError,
  create,
  isSerializedObject,
  Layer,
  type LayerArgs,
  type LayerInputs,
  register,
  type SerializedObject,
  type Shape,
  ShapeError,
  singleShape,
  tf,
} from '@tensorfold/core';
import { singleTensor } from '../../utils/layer-utils.js';

/** Options of {@link TimeDistributed}. */
export interface TimeDistributedArgs extends LayerArgs {
  /** The layer to apply to every time step (or its saved `{className, config}`). */
  layer: Layer | SerializedObject;
}

/** The wrapped layer of a wrapper's options, built from its config when saved. */
export function wrappedLayer(spec: Layer | SerializedObject | undefined, who: string): Layer {
  if (spec instanceof Layer) return spec;
  if (isSerializedObject(spec)) return create<Layer>('layer', spec);
  throw new ConfigError(
    `${who} needs a layer to wrap, e.g. {layer: dense({units: 8})}; got ${JSON.stringify(spec)}.`,
  );
}

/**
 * Applies the same layer (the same weights) to every time step of a sequence, e.g. a dense
 * classifier on each step of an RNN's output.
 *
 * Input shape: `[batch, steps, ...]`. Output shape: `[batch, steps, ...layer's output]`.
 * Weights: the wrapped layer's, saved as `time_distributed/kernel` (as Keras and TensorFlow.js).
 *
 * @example
 * timeDistributed({ layer: dense({ units: 10, activation: 'softmax' }) })
 */
export class TimeDistributed extends Layer {
  static override readonly className = 'TimeDistributed';
  /** The wrapped layer. */
  readonly layer: Layer;

  constructor(args: TimeDistributedArgs) {
    super(args);
    this.layer = this.trackLayer(wrappedLayer(args.layer, `TimeDistributed layer "${this.name}"`));
    this.layer.weightScope = this.name;
    this.supportsMasking = true;
    this.inputSpec = { minNdim: 3 };
  }

  private childShape(shape: Shape): Shape {
    return [shape[0] == null || shape[1] == null ? null : shape[0] * shape[1], ...shape.slice(2)];
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = singleShape(inputShape, `TimeDistributed layer "${this.name}"`);
    this.layer.ensureBuilt(this.childShape(shape));
  }

  call(inputs: LayerInputs, options: CallOptions): tf.Tensor {
    const x = singleTensor(inputs, `TimeDistributed layer "${this.name}"`);
    return tf.tidy(() => {
      const [batch, steps, ...rest] = x.shape;
      // [batch * steps, ...rest]: every step of every sample is one sample of the wrapped layer.
      const flat = tf.reshape(x, [batch * steps, ...rest]);
      const y = this.layer.apply(flat, { training: options.training });
      if (Array.isArray(y)) {
        throw new ShapeError(
          `TimeDistributed cannot wrap layer "${this.layer.name}", which has several outputs.`,
        );
      }
      return tf.reshape(y, [batch, steps, ...y.shape.slice(1)]);
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = singleShape(inputShape, `TimeDistributed layer "${this.name}"`);
    const child = singleShape(this.layer.computeOutputShape([shape[0], ...shape.slice(2)]), this.layer.name);
    return [child[0], shape[1], ...child.slice(1)];
  }

  override getConfig(): Record<string, unknown> {
    return {
      layer: { className: this.layer.className, config: this.layer.getConfig() },
      ...super.getConfig(),
    };
  }
}

register('layer', 'TimeDistributed', (c) => new TimeDistributed(c as unknown as TimeDistributedArgs));

/** A time-distributed wrapper (see {@link TimeDistributed}). */
export function timeDistributed(args: TimeDistributedArgs): TimeDistributed {
  return new TimeDistributed(args);
}
