import {
  type Activation as ActivationFn,
  type CallOptions,
  Layer,
  type LayerArgs,
  type LayerInputs,
  register,
  tf,
} from '@tensorfold/core';
import { type ActivationSpec, getActivation, serializeActivation } from '../../activations/registry.js';
import { singleTensor } from '../../utils/layer-utils.js';

/** Options of {@link Activation}. */
export interface ActivationArgs extends LayerArgs {
  /** The function to apply: a name (`'relu'`, `'softmax'`...) or an activation object. */
  activation: ActivationSpec;
}

/**
 * Applies an activation function to its input, element-wise (softmax: along the last axis).
 *
 * Input shape: any. Output shape: the same.
 *
 * @example
 * const probabilities = activation({ activation: 'softmax' }).apply(logits);
 */
export class Activation extends Layer {
  static override readonly className = 'Activation';
  readonly activation: ActivationFn;

  constructor(args: ActivationArgs) {
    super(args);
    this.activation = getActivation(args.activation);
    this.supportsMasking = true;
  }

  call(inputs: LayerInputs, _options: CallOptions): tf.Tensor {
    const x = singleTensor(inputs, `Activation layer "${this.name}"`);
    return tf.tidy(() => {
      const y = this.activation.apply(x);
      // A layer's output must be its own tensor even for the identity.
      return y === x ? tf.clone(x) : y;
    });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), activation: serializeActivation(this.activation) };
  }
}

register('layer', 'Activation', (config) => new Activation(config as unknown as ActivationArgs));

/**
 * An activation layer (see {@link Activation}).
 * @example
 * activation({ activation: 'relu' })
 */
export function activation(args: ActivationArgs): Activation {
  return new Activation(args);
}
