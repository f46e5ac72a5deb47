import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, ShapeError } from '../errors.js';
import { useCpu } from '../test-utils/setup.js';
import { ToyAdd, ToyDense, ToyTrainingDoubler } from '../test-utils/toys.js';
import { InputLayer, input } from './input-layer.js';
import { Model, model } from './model.js';
import { Sequential, sequential } from './sequential.js';
import type { SymbolicTensor } from './symbolic.js';

beforeAll(useCpu);

async function values(t: tf.Tensor | tf.Tensor[]): Promise<number[]> {
  const out = Array.from(await (t as tf.Tensor).data());
  tf.dispose(t);
  return out;
}

describe('functional Model', () => {
  it('runs multiple inputs and outputs, keyed by name or by position', async () => {
    const a = input({ shape: [2], name: 'a' });
    const b = input({ shape: [3], name: 'b' });
    const ha = new ToyDense({ units: 4, name: 'ha' }).apply(a);
    const hb = new ToyDense({ units: 4, name: 'hb' }).apply(b);
    const sum = new ToyAdd({ name: 'sum' }).apply([ha, hb]) as SymbolicTensor;
    const out1 = new ToyDense({ units: 1, name: 'out1' }).apply(sum);
    const out2 = new ToyDense({ units: 2, name: 'out2' }).apply(sum);
    const m = model({ inputs: [a, b], outputs: [out1, out2] });
    expect(m.inputNames).toEqual(['a', 'b']);
    expect(m.outputNames).toEqual(['out1', 'out2']);
    expect(m.layers.map((l) => l.name)).toEqual(['a', 'b', 'ha', 'hb', 'sum', 'out1', 'out2']);
    const xa = tf.ones([5, 2]);
    const xb = tf.ones([5, 3]);
    const byPosition = m.predict([xa, xb]) as tf.Tensor[];
    const byName = m.predict({ b: xb, a: xa }) as tf.Tensor[];
    expect(byPosition.map((t) => t.shape)).toEqual([
      [5, 1],
      [5, 2],
    ]);
    expect(await values(byName[1])).toEqual(await values(byPosition[1]));
    expect(() => m.predict([xa])).toThrow(/2 input/);
    expect(() => m.predict([xb, xa])).toThrow(ShapeError);
  });

  it('shares a layer between two branches (one set of weights, two nodes)', () => {
    const x1 = input({ shape: [3] });
    const x2 = input({ shape: [3] });
    const shared = new ToyDense({ units: 2 });
    const y = new ToyAdd().apply([shared.apply(x1), shared.apply(x2)]) as SymbolicTensor;
    const m = model({ inputs: [x1, x2], outputs: y });
    expect(shared.inboundNodes).toHaveLength(2);
    expect(m.weights).toHaveLength(2);
    expect(m.countParams()).toBe(8);
  });

  it('supports residual additions and gives the same result as the hand computation', async () => {
    const x = input({ shape: [2] });
    const inner = new ToyDense({ units: 2, useBias: false });
    const y = new ToyAdd().apply([x, inner.apply(x)]) as SymbolicTensor;
    const m = model({ inputs: x, outputs: y });
    inner.setWeights([
      tf.tensor2d([
        [1, 0],
        [0, 2],
      ]),
    ]);
    expect(await values(m.predict(tf.tensor2d([[1, 1]])))).toEqual([2, 3]);
  });

  it('uses a model as a layer inside another model', async () => {
    const ix = input({ shape: [3] });
    const innerDense = new ToyDense({ units: 2, useBias: false });
    const inner = model({ inputs: ix, outputs: innerDense.apply(ix), name: 'inner' });
    const ox = input({ shape: [3] });
    const outer = model({
      inputs: ox,
      outputs: new ToyDense({ units: 1, useBias: false }).apply(inner.apply(ox)),
    });
    expect(outer.layers.map((l) => l.className)).toEqual(['InputLayer', 'Model', 'ToyDense']);
    expect(outer.weights).toHaveLength(2);
    innerDense.setWeights([tf.ones([3, 2])]);
    outer.getLayer(2).setWeights([tf.tensor2d([[1], [1]])]);
    expect(await values(outer.predict(tf.tensor2d([[1, 2, 3]])))).toEqual([12]);
    inner.trainable = false;
    expect(outer.trainableWeights).toHaveLength(1);
    expect(innerDense.trainable).toBe(false);
  });

  it('refuses a disconnected graph and inputs that are not from input()', () => {
    const x = input({ shape: [2] });
    const other = input({ shape: [2] });
    const y = new ToyAdd().apply([x, other]) as SymbolicTensor;
    expect(() => model({ inputs: x, outputs: y })).toThrow(/Graph disconnected/);
    const h = new ToyDense({ units: 2 }).apply(x);
    expect(() => model({ inputs: h, outputs: h })).toThrow(/must come from input\(\)/);
    expect(() => model({ inputs: x } as never)).toThrow(ConfigError);
  });

  it('passes the training flag to layers', async () => {
    const x = input({ shape: [1] });
    const m = model({ inputs: x, outputs: new ToyTrainingDoubler().apply(x) });
    const t = tf.tensor2d([[3]]);
    expect(await values(m.apply(t, { training: true }))).toEqual([6]);
    expect(await values(m.apply(t, { training: false }))).toEqual([3]);
  });

  it('finds layers by name and index, with a helpful error', () => {
    const x = input({ shape: [2] });
    const d = new ToyDense({ units: 1, name: 'findme' });
    const m = model({ inputs: x, outputs: d.apply(x) });
    expect(m.getLayer('findme')).toBe(d);
    expect(m.getLayer(1)).toBe(d);
    expect(() => m.getLayer('nope')).toThrow(/layers: .*findme/);
  });
});

describe('Sequential', () => {
  it('creates its input from the first layer and stacks layers', () => {
    const m = sequential({
      layers: [new ToyDense({ units: 4, inputShape: [3] }), new ToyDense({ units: 2 })],
    });
    expect(m.inputs[0].shape).toEqual([null, 3]);
    expect(m.outputs[0].shape).toEqual([null, 2]);
    expect(m.layers).toHaveLength(2);
    expect(m.countParams()).toBe(3 * 4 + 4 + 4 * 2 + 2);
  });

  it('builds on the first data when no input shape is given', async () => {
    const m = new Sequential();
    m.add(new ToyDense({ units: 2 }));
    expect(() => m.summary({ print: () => {} })).toThrow(/input shape/);
    const y = m.predict(tf.ones([4, 6])) as tf.Tensor;
    expect(y.shape).toEqual([4, 2]);
    expect(m.countParams()).toBe(14);
    tf.dispose(y);
  });

  it('accepts an explicit input layer, pops layers, and rejects duplicates', () => {
    const m = new Sequential();
    m.add(new InputLayer({ inputShape: [5] }));
    const a = new ToyDense({ units: 3 });
    const b = new ToyDense({ units: 2 });
    m.add(a);
    m.add(b);
    expect(m.outputs[0].shape).toEqual([null, 2]);
    expect(m.pop()).toBe(b);
    expect(m.outputs[0].shape).toEqual([null, 3]);
    expect(m.weights).toHaveLength(2);
    expect(() => m.add(a)).toThrow(/already in this model/);
    expect(() => m.add(new ToyDense({ units: 1, name: a.name }))).toThrow(/unique/);
    // Popping the last layer leaves no weights or outputs behind; the input shape stays.
    expect(m.pop()).toBe(a);
    expect(m.weights).toHaveLength(0);
    expect(m.outputNames).toEqual([]);
    m.add(new ToyDense({ units: 4 }));
    expect(m.outputs[0].shape).toEqual([null, 4]);
    expect(m.countParams()).toBe(5 * 4 + 4);
  });

  it('is a Model and can be nested in a functional model', () => {
    const inner = sequential({ layers: [new ToyDense({ units: 2, inputShape: [3] })] });
    expect(inner).toBeInstanceOf(Model);
    const x = input({ shape: [3] });
    const m = model({ inputs: x, outputs: inner.apply(x) });
    expect(m.outputs[0].shape).toEqual([null, 2]);
  });
});
