import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, ShapeError } from '../errors.js';
import { Random } from '../random/random.js';
import { useCpu } from '../test-utils/setup.js';
import { ToyDense, ToyL2 } from '../test-utils/toys.js';
import { input } from './input-layer.js';
import { type CallOptions, Layer, type LayerInputs } from './layer.js';
import { sequential } from './sequential.js';
import { SymbolicTensor } from './symbolic.js';

beforeAll(useCpu);

describe('Layer', () => {
  it('builds on first use, names weights under the layer name, and counts parameters', () => {
    const layer = new ToyDense({ units: 3, name: 'my_dense' });
    expect(layer.built).toBe(false);
    expect(() => layer.countParams()).toThrow(ConfigError);
    const y = layer.apply(tf.ones([2, 4])) as tf.Tensor;
    expect(y.shape).toEqual([2, 3]);
    expect(layer.built).toBe(true);
    expect(layer.weights.map((w) => w.path)).toEqual(['my_dense/kernel', 'my_dense/bias']);
    expect(layer.countParams()).toBe(4 * 3 + 3);
    tf.dispose(y);
  });

  it('names weights under weightScope when a wrapper sets one', () => {
    const inner = new ToyDense({ units: 2, name: 'inner' });
    inner.weightScope = 'time_distributed';
    tf.dispose(inner.apply(tf.ones([1, 3])) as tf.Tensor);
    expect(inner.weights.map((w) => w.path)).toEqual(['time_distributed/kernel', 'time_distributed/bias']);
  });

  it('lists trainable weights first, then non-trainable ones, at every level (Keras order)', () => {
    class Stats extends Layer {
      static override readonly className = 'ToyStats';
      override build(): void {
        this.addWeight('count', [1], { className: 'Zeros', apply: (s: number[]) => tf.zeros(s) } as never, {
          trainable: false,
        });
        this.addWeight('scale', [1], { className: 'Ones', apply: (s: number[]) => tf.ones(s) } as never);
      }
      call(inputs: LayerInputs): LayerInputs {
        return inputs;
      }
    }
    const a = new ToyDense({ units: 2, name: 'order_a', inputShape: [2] });
    const s = new Stats({ name: 'order_s' });
    const b = new ToyDense({ units: 2, name: 'order_b' });
    const m = sequential({ layers: [a, s, b] });
    expect(s.weights.map((w) => w.name)).toEqual(['scale', 'count']);
    const paths = () => m.weights.map((w) => w.path);
    expect(paths()).toEqual([
      'order_a/kernel',
      'order_a/bias',
      'order_s/scale',
      'order_b/kernel',
      'order_b/bias',
      'order_s/count',
    ]);
    a.trainable = false;
    expect(paths()).toEqual([
      'order_s/scale',
      'order_b/kernel',
      'order_b/bias',
      'order_a/kernel',
      'order_a/bias',
      'order_s/count',
    ]);
    m.trainable = false; // frozen model: layer by layer, each layer trainable-created first
    expect(paths()).toEqual([
      'order_a/kernel',
      'order_a/bias',
      'order_s/scale',
      'order_s/count',
      'order_b/kernel',
      'order_b/bias',
    ]);
    expect(m.trainableWeights).toEqual([]);
  });

  it('gives unique Keras-style default names', () => {
    const a = new ToyDense({ units: 1 });
    const b = new ToyDense({ units: 1 });
    expect(a.name).toMatch(/^toy_dense(_\d+)?$/);
    expect(b.name).not.toBe(a.name);
    const named = new ToyDense({ units: 1, name: 'toy_dense_900' });
    expect(new ToyDense({ units: 1 }).name).toBe('toy_dense_901');
    expect(named.name).toBe('toy_dense_900');
  });

  it('computes hand-checkable values after setWeights', async () => {
    const layer = new ToyDense({ units: 2 });
    layer.apply(tf.zeros([1, 2]));
    layer.setWeights([
      tf.tensor2d([
        [1, 2],
        [3, 4],
      ]),
      tf.tensor1d([10, 20]),
    ]);
    const y = layer.apply(tf.tensor2d([[1, 1]])) as tf.Tensor;
    expect(Array.from(await y.data())).toEqual([14, 26]);
  });

  it('checks every shape before changing any weight', async () => {
    const layer = new ToyDense({ units: 2 });
    layer.apply(tf.zeros([1, 2]));
    const before = await Promise.all(layer.getWeights().map((w) => w.data()));
    expect(() => layer.setWeights([tf.ones([2, 2]), tf.ones([3])])).toThrow(ShapeError);
    expect(() => layer.setWeights([tf.ones([2, 2])])).toThrow(/has 2 weights/);
    const after = await Promise.all(layer.getWeights().map((w) => w.data()));
    expect(after).toEqual(before);
  });

  it('freezes: trainable=false moves weights to nonTrainableWeights', () => {
    const layer = new ToyDense({ units: 2 });
    layer.apply(tf.zeros([1, 3]));
    expect(layer.trainableWeights).toHaveLength(2);
    layer.trainable = false;
    expect(layer.trainableWeights).toHaveLength(0);
    expect(layer.nonTrainableWeights).toHaveLength(2);
    expect(layer.getConfig().trainable).toBe(false);
  });

  it('records nodes on symbolic tensors and exposes input/output/outputShape', () => {
    const x = input({ shape: [5] });
    const layer = new ToyDense({ units: 7 });
    const y = layer.apply(x);
    expect(y).toBeInstanceOf(SymbolicTensor);
    expect(y.shape).toEqual([null, 7]);
    expect(layer.inboundNodes).toHaveLength(1);
    expect(layer.output).toBe(y);
    expect(layer.input).toBe(x);
    expect(layer.outputShape).toEqual([null, 7]);
    expect(() => new ToyDense({ units: 1 }).output).toThrow(/not been connected/);
  });

  it('rejects inputs that do not match what the layer was built for', () => {
    const layer = new ToyDense({ units: 2 });
    layer.apply(tf.zeros([1, 3]));
    expect(() => layer.apply(tf.zeros([1, 4]))).toThrow(ShapeError);
    expect(() => layer.apply(tf.zeros([3]))).toThrow(/rank at least 2/);
  });

  it('reports regularization penalties of its weights', async () => {
    const layer = new ToyDense({ units: 1, useBias: false, kernelRegularizer: new ToyL2(0.5) });
    layer.apply(tf.zeros([1, 2]));
    layer.setWeights([tf.tensor2d([[1], [2]])]);
    const [penalty] = layer.regularizationLosses();
    expect((await penalty.data())[0]).toBeCloseTo(0.5 * 5);
  });

  it('rejects bad names and input shapes with a ConfigError', () => {
    expect(() => new ToyDense({ units: 1, name: '' })).toThrow(ConfigError);
    expect(() => new ToyDense({ units: 1, inputShape: 3 as unknown as number[] })).toThrow(
      /inputShape must be an array/,
    );
  });

  it('lists the random generators of itself and its sub-layers, for checkpoints', () => {
    class Noisy extends Layer {
      readonly rng = this.trackRandom(new Random(7));
      call(inputs: LayerInputs, _options: CallOptions): tf.Tensor {
        return tf.clone(inputs as tf.Tensor);
      }
    }
    const a = new Noisy();
    const b = new Noisy();
    const m = sequential({ layers: [new ToyDense({ units: 2, inputShape: [2] }), a, b] });
    expect(m.randomGenerators).toEqual([a.rng, b.rng]);
    expect(new ToyDense({ units: 1 }).randomGenerators).toEqual([]);
  });
});
