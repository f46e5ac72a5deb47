/** Masking: marks padded time steps so that later layers (recurrent, global pooling) skip them. */
import {
  type CallOptions,
  ConfigError,
  Layer,
  type LayerArgs,
  type LayerInputs,
  register,
  tf,
} from '@tensorfold/core';
import { singleTensor } from '../../utils/layer-utils.js';

/** Options of {@link Masking}. */
export interface MaskingArgs extends LayerArgs {
  /**
   * A time step whose features all equal this value is padding: it is masked out and its features
   * are set to 0. Default `0`.
   */
  maskValue?: number;
}

/**
 * Masks the time steps of a sequence whose features all equal `maskValue` (padding). The output is
 * the input with those steps zeroed, and carries a mask `[batch, steps]` (true: a real step) that
 * recurrent layers, `bidirectional`, `timeDistributed` and global pooling consume, as the mask of an
 * `embedding` with `maskZero` is. Use it for float sequences padded to one length; for integer ids
 * use `embedding({maskZero: true})`.
 *
 * Input shape: `[batch, steps, ...features]` (any rank of at least 2; the last axis is tested).
 * Output shape: the same.
 *
 * @example
 * sequential({ layers: [masking({ maskValue: 0, inputShape: [10, 3] }), lstm({ units: 8 })] })
 */
export class Masking extends Layer {
  static override readonly className = 'Masking';
  readonly maskValue: number;

  constructor(args: MaskingArgs = {}) {
    super(args);
    const value = args.maskValue ?? 0;
    if (typeof value !== 'number' || Number.isNaN(value)) {
      throw new ConfigError(
        `Masking layer "${this.name}": maskValue must be a number (the padding value, e.g. 0), got ${JSON.stringify(args.maskValue)}.`,
      );
    }
    this.maskValue = value;
    this.supportsMasking = true;
    this.inputSpec = { minNdim: 2 };
  }

  call(inputs: LayerInputs, _options: CallOptions): tf.Tensor {
    const x = singleTensor(inputs, `Masking layer "${this.name}"`);
    // The mask is a constant of the input (computed inside the custom gradient, so autodiff does
    // not try to differentiate the comparison): the gradient is dy * keep.
    const masked = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const v = args[0] as tf.Tensor;
      const save = args[1] as tf.GradSaveFunc;
      const keep = tf.cast(tf.any(tf.notEqual(v, this.maskValue), -1, true), v.dtype); // [batch, steps, 1]
      save([keep]);
      return {
        value: tf.mul(v, keep),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, saved[0]),
      };
    });
    return masked(x);
  }

  /** `[batch, steps]`: true where some feature differs from `maskValue`. */
  override computeMask(inputs: LayerInputs, _mask: CallOptions['mask']): tf.Tensor {
    const x = singleTensor(inputs, `Masking layer "${this.name}"`);
    return tf.tidy(() => tf.any(tf.notEqual(x, this.maskValue), -1));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), maskValue: this.maskValue };
  }
}

register('layer', 'Masking', (c) => new Masking(c as unknown as MaskingArgs));

/** A masking layer (see {@link Masking}). */
export function masking(args: MaskingArgs = {}): Masking {
  return new Masking(args);
}
