import * as tfl from '@tensorflow/tfjs-layers';
import {
  input,
  type Layer,
  model,
  modelFromArtifacts,
  modelToArtifacts,
  ShapeError,
  type SymbolicTensor,
  tf,
} from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkGradients } from '../../test-utils/gradient-check.js';
import { expectLoadsFromTfjs, expectLoadsInTfjs } from '../../test-utils/interop.js';
import { compareWithTfjs } from '../../test-utils/oracle.js';
import { leakedTensors, maxAbsDiff, seededUniform, useCpu } from '../../test-utils/setup.js';
import { expectTrains, testBackends } from '../../test-utils/training.js';
import { dense } from '../core/dense.js';
import {
  Add,
  Average,
  add,
  average,
  Concatenate,
  concatenate,
  Maximum,
  Minimum,
  Multiply,
  maximum,
  minimum,
  multiply,
  subtract,
} from './merge.js';

beforeAll(useCpu);

const a = () =>
  tf.tensor2d([
    [1, 5],
    [-2, 0.5],
  ]);
const b = () =>
  tf.tensor2d([
    [3, -1],
    [4, 0.25],
  ]);

describe('merge layers', () => {
  it('have the contract and compute by hand', async () => {
    const cases: Array<[Layer, number[]]> = [
      [add(), [4, 4, 2, 0.75]],
      [subtract(), [-2, 6, -6, 0.25]],
      [multiply(), [3, -5, -8, 0.125]],
      [average(), [2, 2, 1, 0.375]],
      [maximum(), [3, 5, 4, 0.5]],
      [minimum(), [1, -1, -2, 0.25]],
      [concatenate(), [1, 5, 3, -1, -2, 0.5, 4, 0.25]],
    ];
    for (const [layer, expected] of cases) {
      expect(Array.from(await (layer.apply([a(), b()]) as tf.Tensor).data()), layer.className).toEqual(
        expected,
      );
      const Ctor = layer.constructor as new (c: object) => Layer;
      expect(new Ctor(layer.getConfig()).getConfig()).toEqual(layer.getConfig());
    }
    expect(
      add().computeOutputShape([
        [null, 3],
        [null, 3],
        [null, 3],
      ]),
    ).toEqual([null, 3]);
    expect(
      concatenate({ axis: 1 }).computeOutputShape([
        [null, 2, 3],
        [null, 4, 3],
      ]),
    ).toEqual([null, 6, 3]);
    expect(() =>
      add().computeOutputShape([
        [null, 3],
        [null, 4],
      ]),
    ).toThrow(ShapeError);
    expect(() => subtract().apply([a(), b(), a()])).toThrow(/exactly 2/);
    expect(() => add().apply(a())).toThrow(/at least 2/);
    expect(() =>
      concatenate().computeOutputShape([
        [null, 2, 3],
        [null, 4, 3],
      ]),
    ).toThrow(ShapeError);
  });

  it('combine masks with AND', async () => {
    const m1 = tf.tensor2d([[1, 1, 0]], [1, 3], 'bool');
    const m2 = tf.tensor2d([[1, 0, 0]], [1, 3], 'bool');
    const x = tf.ones([1, 3, 2]);
    expect(Array.from(await (add().computeMask([x, x], [m1, m2]) as tf.Tensor).data())).toEqual([1, 0, 0]);
    expect(Array.from(await (concatenate().computeMask([x, x], [m1, null]) as tf.Tensor).data())).toEqual([
      1, 1, 0,
    ]);
    expect(add().computeMask([x, x], null)).toBeNull();
  });

  it('have correct gradients and match tfjs-layers', async () => {
    const x1 = seededUniform([2, 3], 1);
    const x2 = seededUniform([2, 3], 2);
    const x3 = seededUniform([2, 3], 3);
    for (const layer of [add(), subtract(), multiply(), average(), maximum(), minimum(), concatenate()]) {
      await checkGradients(layer, layer.className === 'Subtract' ? [x1, x2] : [x1, x2, x3]);
    }
    // tfjs-layers has no Subtract layer (ours is checked by hand and by finite differences above).
    const pairs: Array<[() => Layer, () => tfl.layers.Layer, boolean]> = [
      [() => new Add(), () => tfl.layers.add({}), false],
      [() => new Multiply(), () => tfl.layers.multiply({}), false],
      [() => new Average(), () => tfl.layers.average({}), false],
      [() => new Maximum(), () => tfl.layers.maximum({}), false],
      [() => new Minimum(), () => tfl.layers.minimum({}), false],
      [() => new Concatenate({ axis: 1 }), () => tfl.layers.concatenate({ axis: 1 }), false],
    ];
    for (const [ours, theirs, two] of pairs)
      await compareWithTfjs(ours(), theirs(), two ? [x1, x2] : [x1, x2, x3]);
  });

  it('do not leak, save and load both ways (a residual model), and train', async () => {
    const layer = concatenate();
    const x = [tf.ones([2, 2]), tf.ones([2, 2])];
    expect(await leakedTensors(() => layer.apply(x))).toBe(0);
    const build = (withSubtract = true) => {
      const inp = input({ shape: [4] });
      const h = dense({ units: 4, activation: 'relu' }).apply(inp);
      const residual = add().apply([inp, h]) as SymbolicTensor;
      const both = concatenate().apply([
        residual,
        multiply().apply([inp, h]) as SymbolicTensor,
        average().apply([inp, h]) as SymbolicTensor,
      ]) as SymbolicTensor;
      const spread = (withSubtract ? subtract() : add()).apply([
        maximum().apply([inp, h]) as SymbolicTensor,
        minimum().apply([inp, h]) as SymbolicTensor,
      ]) as SymbolicTensor;
      return model({
        inputs: inp,
        outputs: dense({ units: 1 }).apply(
          concatenate().apply([both, spread]) as SymbolicTensor,
        ) as SymbolicTensor,
      });
    };
    const xs = seededUniform([3, 4], 4);
    // tfjs-layers cannot load Subtract; the rest loads there, and the whole model round-trips here.
    (await expectLoadsInTfjs(build(false), xs)).dispose();
    const full = build(true);
    const reloaded = await modelFromArtifacts(await modelToArtifacts(full));
    expect(await maxAbsDiff(full.predict(xs) as tf.Tensor, reloaded.predict(xs) as tf.Tensor)).toBe(0);
    const tin = tfl.input({ shape: [4] });
    const th = tfl.layers.dense({ units: 4 }).apply(tin) as tfl.SymbolicTensor;
    const tout = tfl.layers
      .concatenate()
      .apply([
        tfl.layers.add().apply([tin, th]) as tfl.SymbolicTensor,
        tfl.layers.maximum().apply([tin, th]) as tfl.SymbolicTensor,
      ]) as tfl.SymbolicTensor;
    await expectLoadsFromTfjs(tfl.model({ inputs: tin, outputs: tout }), xs);
    for (const backend of testBackends()) {
      await expectTrains(
        backend,
        () => build(),
        () => {
          const input2 = seededUniform([32, 4], 5);
          return { x: input2, y: tf.sum(input2, 1, true) };
        },
      );
    }
  });
});
