import type { DataType } from '@tensorflow/tfjs-core';
import { ConfigError } from '../errors.js';
import { register } from '../registry.js';
import { type CallOptions, Layer, type LayerInputs } from './layer.js';
import { uniqueName } from './naming.js';
import type { Shape } from './shape.js';
import { Node, SymbolicTensor } from './symbolic.js';

/** Options of {@link input}. */
export interface InputArgs {
  /** Shape of one sample without the batch dimension, e.g. `[28, 28, 1]`; `null` for a varying size. */
  shape?: Shape;
  /** Shape with the batch dimension first. Give this or `shape`. */
  batchShape?: Shape;
  /** Fixed batch size. Default: any. */
  batchSize?: number;
  /** Default `'float32'`; `'int32'` for token ids fed to an embedding. */
  dtype?: DataType;
  /** Default `input`, `input_1`, ... */
  name?: string;
}

/** Options an `InputLayer` is saved with (TensorFlow.js layers format). */
export interface InputLayerConfig {
  batchInputShape?: Shape;
  inputShape?: Shape;
  batchSize?: number;
  dtype?: DataType;
  name?: string;
  sparse?: boolean;
}

/**
 * The entry point of a functional model: it has no weights and passes its input through. You rarely
 * make one directly; {@link input} does, and `sequential` does from its first layer's `inputShape`.
 */
export class InputLayer extends Layer {
  static override readonly className = 'InputLayer';
  declare readonly batchInputShape: Shape;

  constructor(config: InputLayerConfig) {
    super({
      name: config.name ?? uniqueName('input'),
      dtype: config.dtype,
      batchInputShape:
        config.batchInputShape ??
        (config.inputShape ? [config.batchSize ?? null, ...config.inputShape] : undefined),
    });
    if (this.batchInputShape == null) {
      throw new ConfigError(
        'An input needs a shape: input({shape: [784]}) or input({batchShape: [null, 784]}).',
      );
    }
    this.built = true;
    const output = new SymbolicTensor(this.dtype, [...this.batchInputShape], this, 0, 0, this.name);
    this.inboundNodes.push(new Node(this, [], [output]));
  }

  call(inputs: LayerInputs, _options: CallOptions): LayerInputs {
    return inputs;
  }

  override getConfig(): Record<string, unknown> {
    return { batchInputShape: this.batchInputShape, dtype: this.dtype, sparse: false, name: this.name };
  }
}

register('layer', 'InputLayer', (config) => new InputLayer(config as InputLayerConfig));

/**
 * A symbolic input for a functional model.
 *
 * @example
 * const x = input({ shape: [28, 28, 1] });
 * const y = dense({ units: 10, activation: 'softmax' }).apply(flatten().apply(x));
 * const m = model({ inputs: x, outputs: y });
 */
export function input(args: InputArgs): SymbolicTensor {
  if (args.shape == null && args.batchShape == null) {
    throw new ConfigError('input() needs a shape: input({shape: [784]}) for vectors of 784 features.');
  }
  const layer = new InputLayer({
    name: args.name ?? undefined,
    dtype: args.dtype,
    batchInputShape: args.batchShape ?? [args.batchSize ?? null, ...(args.shape as Shape)],
  });
  return layer.inboundNodes[0].outputTensors[0];
}
