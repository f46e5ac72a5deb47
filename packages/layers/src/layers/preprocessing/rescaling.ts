/** Rescaling: `x · scale + offset`, e.g. pixels from [0, 255] to [0, 1] inside the model. */
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

/** Options of {@link Rescaling}. */
export interface RescalingArgs extends LayerArgs {
  /** Factor the input is multiplied by: a number, or one per channel (last axis). E.g. `1 / 255`. */
  scale: number | number[];
  /** Added after scaling: a number, or one per channel. Default `0`. E.g. `-1` with `scale: 1 / 127.5` maps [0, 255] to [-1, 1]. */
  offset?: number | number[];
}

function checkFactor(value: unknown, what: string): number | number[] {
  const ok = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  if (ok(value) || (Array.isArray(value) && value.length > 0 && value.every(ok)))
    return value as number | number[];
  throw new ConfigError(
    `${what} must be a finite number or a list of them (one per channel), got ${JSON.stringify(value)}.`,
  );
}

/**
 * Multiplies the input by `scale` and adds `offset`, casting it to float32 first (so int32 or
 * uint8-valued pixels go in as they are). Puts the preprocessing in the model, so it is saved
 * with it.
 *
 * Input shape: any. Output shape: the same.
 *
 * @example
 * rescaling({ scale: 1 / 255, inputShape: [28, 28, 1] })
 */
export class Rescaling extends Layer {
  static override readonly className = 'Rescaling';
  readonly scale: number | number[];
  readonly offset: number | number[];

  constructor(args: RescalingArgs) {
    super(args);
    this.scale = checkFactor(args?.scale, `Rescaling layer "${this.name}": scale`);
    this.offset = checkFactor(args.offset ?? 0, `Rescaling layer "${this.name}": offset`);
    this.supportsMasking = true;
  }

  call(inputs: LayerInputs, _options: CallOptions): tf.Tensor {
    const x = singleTensor(inputs, `Rescaling layer "${this.name}"`);
    return tf.tidy(() => {
      const xf = x.dtype === 'float32' ? x : tf.cast(x, 'float32');
      return tf.add(tf.mul(xf, tf.tensor(this.scale)), tf.tensor(this.offset)); // broadcast on the last axis
    });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), scale: this.scale, offset: this.offset };
  }
}

register('layer', 'Rescaling', (c) => new Rescaling(c as unknown as RescalingArgs));

/** A rescaling layer (see {@link Rescaling}). */
export function rescaling(args: RescalingArgs): Rescaling {
  return new Rescaling(args);
}
