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
  shapeList,
  tf,
} from '@tensorfold/core';
import { oneOf } from '../../utils/args.js';
import { firstMask } from '../../utils/layer-utils.js';
import { RecurrentLayer } from '../recurrent/recurrent-base.js';

/** How the two directions' outputs are combined; `null` returns both. */
export type BidirectionalMergeMode = 'concat' | 'sum' | 'mul' | 'ave' | null;

/** Options of {@link Bidirectional}. */
export interface BidirectionalArgs extends LayerArgs {
  /**
   * The recurrent layer to run in both directions (or its saved `{className, config}`). It is a
   * template: the wrapper builds a forward and a backward copy from its config.
   */
  layer: RecurrentLayer | SerializedObject;
  /** Default `'concat'` (outputs side by side, `2 × units` features). */
  mergeMode?: BidirectionalMergeMode;
}

/**
 * Runs a recurrent layer over the sequence in both directions and merges the two outputs (the
 * bidirectional RNNs of Chollet chapter 6). With `returnSequences`, the backward outputs are put
 * back in time order before merging, so step t sees the whole sequence.
 *
 * Input shape: `[batch, steps, features]`. Output shape: the layer's, with `2 × units` features
 * for `'concat'`; with `returnState`, `[output, ...forward states, ...backward states]`.
 * Weights: the forward layer's, then the backward layer's, saved as
 * `bidirectional/forward_lstm/kernel`, `bidirectional/backward_lstm/kernel`... (as Keras and TensorFlow.js).
 *
 * @example
 * bidirectional({ layer: lstm({ units: 32 }), mergeMode: 'concat' })
 */
export class Bidirectional extends Layer {
  static override readonly className = 'Bidirectional';
  readonly forwardLayer: RecurrentLayer;
  readonly backwardLayer: RecurrentLayer;
  readonly mergeMode: BidirectionalMergeMode;
  private readonly template: SerializedObject;

  constructor(args: BidirectionalArgs) {
    super(args);
    const who = `Bidirectional layer "${this.name}"`;
    const spec = args.layer;
    this.template =
      spec instanceof Layer
        ? { className: spec.className, config: spec.getConfig() }
        : isSerializedObject(spec)
          ? spec
          : (null as never);
    if (this.template == null) {
      throw new ConfigError(
        `${who} needs a recurrent layer to wrap, e.g. {layer: lstm({units: 32})}; got ${JSON.stringify(spec)}.`,
      );
    }
    this.mergeMode =
      args.mergeMode === null
        ? null
        : oneOf<'concat' | 'sum' | 'mul' | 'ave'>(
            args.mergeMode ?? 'concat',
            ['concat', 'sum', 'mul', 'ave'],
            `${who}: mergeMode`,
          );
    const config = this.template.config;
    const base = typeof config.name === 'string' ? config.name : 'rnn';
    const make = (prefix: string, goBackwards: boolean) => {
      const layer = create<Layer>('layer', {
        className: this.template.className,
        config: { ...config, name: `${prefix}_${base}`, goBackwards },
      });
      if (!(layer instanceof RecurrentLayer)) {
        throw new ConfigError(
          `${who} wraps recurrent layers (simpleRNN, lstm, gru), not ${layer.className}.`,
        );
      }
      layer.weightScope = `${this.name}/${layer.name}`;
      return this.trackLayer(layer);
    };
    this.forwardLayer = make('forward', Boolean(config.goBackwards));
    this.backwardLayer = make('backward', !config.goBackwards);
    this.supportsMasking = true;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = shapeList(inputShape)[0];
    this.forwardLayer.ensureBuilt(shape);
    this.backwardLayer.ensureBuilt(shape);
  }

  call(inputs: LayerInputs, options: CallOptions): tf.Tensor | tf.Tensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const x = list[0];
    const mask = firstMask(options.mask);
    const givenStates = list.length > 1 ? list.slice(1) : (options.initialState as tf.Tensor[] | undefined);
    const stateCount = this.forwardLayer.stateCount;
    if (givenStates && givenStates.length !== 2 * stateCount) {
      throw new ShapeError(
        `Bidirectional layer "${this.name}" takes ${2 * stateCount} initial states (forward, then backward) but got ${givenStates.length}.`,
      );
    }
    return tf.tidy(() => {
      const run = (layer: RecurrentLayer, states?: tf.Tensor[]) =>
        layer.apply(x, { training: options.training, mask, ...(states ? { initialState: states } : {}) }) as
          | tf.Tensor
          | tf.Tensor[];
      const forward = [run(this.forwardLayer, givenStates?.slice(0, stateCount))].flat();
      const backward = [run(this.backwardLayer, givenStates?.slice(stateCount))].flat();
      let yBackward = backward[0];
      if (this.forwardLayer.returnSequences) yBackward = tf.reverse(yBackward, 1); // back to time order
      const outputs = [...this.merge(forward[0], yBackward), ...forward.slice(1), ...backward.slice(1)];
      return outputs.length === 1 ? outputs[0] : outputs;
    });
  }

  private merge(a: tf.Tensor, b: tf.Tensor): tf.Tensor[] {
    switch (this.mergeMode) {
      case 'concat':
        return [tf.concat([a, b], -1)];
      case 'sum':
        return [tf.add(a, b)];
      case 'mul':
        return [tf.mul(a, b)];
      case 'ave':
        return [tf.mul(tf.add(a, b), 0.5)];
      default:
        return [a, b];
    }
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const shape = shapeList(inputShape)[0];
    const own = this.forwardLayer.computeOutputShape(shape);
    const list = (this.forwardLayer.returnState ? own : [own]) as Shape[];
    const output = list[0];
    const states = list.slice(1);
    const units = output[output.length - 1] as number;
    const outputs: Shape[] =
      this.mergeMode === 'concat'
        ? [[...output.slice(0, -1), 2 * units]]
        : this.mergeMode === null
          ? [output, output]
          : [output];
    const all = [...outputs, ...states, ...states];
    return all.length === 1 ? all[0] : all;
  }

  override computeMask(_inputs: LayerInputs, mask: CallOptions['mask']): CallOptions['mask'] {
    const inputMask = firstMask(mask);
    const outputMask = this.forwardLayer.returnSequences ? inputMask : null;
    const outputs = this.mergeMode === null ? [outputMask, outputMask] : [outputMask];
    const states = this.forwardLayer.returnState ? 2 * this.forwardLayer.stateCount : 0;
    const all = [...outputs, ...Array.from({ length: states }, () => null)];
    return all.length === 1 ? all[0] : all;
  }

  override getConfig(): Record<string, unknown> {
    return { mergeMode: this.mergeMode, layer: this.template, ...super.getConfig() };
  }
}

register('layer', 'Bidirectional', (c) => new Bidirectional(c as unknown as BidirectionalArgs));

/** A bidirectional wrapper (see {@link Bidirectional}). */
export function bidirectional(args: BidirectionalArgs): Bidirectional {
  return new Bidirectional(args);
}
