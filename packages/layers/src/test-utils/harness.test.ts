/** The test harnesses must be able to fail: a wrong gradient or a wrong output is caught. */
import * as tfl from '@tensorflow/tfjs-layers';
import { type CallOptions, Layer, type LayerInputs, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Dense } from '../layers/core/dense.js';
import { checkGradients } from './gradient-check.js';
import { compareWithTfjs } from './oracle.js';
import { seededUniform, useCpu } from './setup.js';

beforeAll(useCpu);

/** y = x², with a deliberately wrong gradient (x instead of 2x). */
class WrongSquare extends Layer {
  static override readonly className = 'WrongSquare';
  private readonly op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const x = args[0] as tf.Tensor;
    return { value: tf.square(x), gradFunc: (dy: tf.Tensor) => tf.mul(dy, x) };
  });
  call(inputs: LayerInputs, _options: CallOptions): tf.Tensor {
    return this.op(inputs as tf.Tensor);
  }
}

/** A dense layer that is off by 1e-3. */
class OffByALittle extends Dense {
  override call(inputs: LayerInputs, options: CallOptions): tf.Tensor {
    return tf.tidy(() => tf.add(super.call(inputs, options), 1e-3));
  }
}

describe('test harnesses', () => {
  it('the gradient check catches a wrong gradient', async () => {
    await expect(checkGradients(new WrongSquare(), seededUniform([2, 3], 1))).rejects.toThrow(
      /gradient check of WrongSquare/,
    );
  });

  it('the oracle catches a small output difference', async () => {
    const x = seededUniform([2, 3], 2);
    await expect(
      compareWithTfjs(new OffByALittle({ units: 2 }), tfl.layers.dense({ units: 2 }), x),
    ).rejects.toThrow(/Dense vs tfjs-layers/);
  });
});
