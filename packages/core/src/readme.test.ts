// The README's core-only example, run as written, so the docs cannot drift from the code.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Layer, type LayerInputs, loadModel, memoryIO, register, type Shape, sequential } from './index.js';
import { useCpu } from './test-utils/setup.js';

beforeAll(useCpu);

class Scale extends Layer {
  static override readonly className = 'Scale';

  override build(_inputShape: Shape | Shape[]): void {
    this.addWeight('scale', [], {
      className: 'Ones',
      apply: (shape) => tf.ones(shape),
      getConfig: () => ({}),
    });
  }

  call(inputs: LayerInputs): tf.Tensor {
    return tf.mul(inputs as tf.Tensor, this.weights[0].read());
  }
}
register('layer', 'Scale', (config) => new Scale(config));

describe('README example: a layer of your own', () => {
  it('computes, and saves and loads inside a model', async () => {
    const out = new Scale().apply(tf.tensor2d([[1, 2]])) as tf.Tensor;
    expect(Array.from(await out.data())).toEqual([1, 2]);
    const m = sequential({ layers: [new Scale({ inputShape: [2] })] });
    m.getLayer(0).setWeights([tf.scalar(3)]);
    const io = memoryIO();
    await m.save(io);
    const loaded = await loadModel(io);
    const y = loaded.predict(tf.tensor2d([[1, 2]])) as tf.Tensor;
    expect(Array.from(await y.data())).toEqual([3, 6]);
  });
});
