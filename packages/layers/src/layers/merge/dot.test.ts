import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, input, model, ShapeError, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkGradients } from '../../test-utils/gradient-check.js';
import { expectLoadsFromTfjs, expectLoadsInTfjs } from '../../test-utils/interop.js';
import { compareWithTfjs } from '../../test-utils/oracle.js';
import { leakedTensors, maxAbsDiff, seededUniform, useCpu } from '../../test-utils/setup.js';
import { expectTrains, testBackends } from '../../test-utils/training.js';
import { dense } from '../core/dense.js';
import { Dot, dot } from './dot.js';

beforeAll(useCpu);

/** The output of a dot layer on two real tensors. */
function run(layer: Dot, xs: tf.Tensor[]): tf.Tensor {
  return layer.apply(xs) as tf.Tensor;
}

describe('dot', () => {
  it('has the contract: output shapes per axes, config, errors', () => {
    expect(
      dot({ axes: 1 }).computeOutputShape([
        [null, 3],
        [null, 3],
      ]),
    ).toEqual([null, 1]);
    expect(
      dot({ axes: [2, 1] }).computeOutputShape([
        [null, 4, 3],
        [null, 3, 5],
      ]),
    ).toEqual([null, 4, 5]);
    expect(
      dot({ axes: 1 }).computeOutputShape([
        [null, 4, 3],
        [null, 4, 5],
      ]),
    ).toEqual([null, 3, 5]);
    expect(
      dot({ axes: -1 }).computeOutputShape([
        [null, 4, 3],
        [null, 3],
      ]),
    ).toEqual([null, 4]);
    expect(
      dot({ axes: [3, 1] }).computeOutputShape([
        [null, 2, 4, 3],
        [null, 3, 5],
      ]),
    ).toEqual([null, 2, 4, 5]);
    const layer = dot({ axes: [2, 2], normalize: true });
    expect(layer.getConfig()).toMatchObject({ axes: [2, 2], normalize: true });
    expect(new Dot(layer.getConfig() as never).getConfig()).toEqual(layer.getConfig());
    expect(dot({ axes: 1 }).getConfig()).toMatchObject({ axes: 1, normalize: false });
    expect(() => dot({ axes: 0 })).toThrow(ConfigError);
    expect(() => dot({ axes: [1] as never })).toThrow(ConfigError);
    expect(() =>
      dot({ axes: 1 }).computeOutputShape([
        [null, 3],
        [null, 4],
      ]),
    ).toThrow(ShapeError);
    expect(() =>
      dot({ axes: 3 }).computeOutputShape([
        [null, 3],
        [null, 3],
      ]),
    ).toThrow(ShapeError);
    expect(() => run(dot({ axes: 1 }), [tf.ones([2, 3])])).toThrow(ShapeError);
  });

  it('computes dot products, cosines and batched matrix products (by hand)', async () => {
    const a = tf.tensor2d([
      [1, 2, 3],
      [1, 0, 0],
    ]);
    const b = tf.tensor2d([
      [4, 5, 6],
      [0, 2, 0],
    ]);
    expect(await run(dot({ axes: 1 }), [a, b]).array()).toEqual([[32], [0]]);
    const cos = (await run(dot({ axes: -1, normalize: true }), [a, b]).array()) as number[][];
    expect(cos[0][0]).toBeCloseTo(32 / (Math.sqrt(14) * Math.sqrt(77)), 6);
    expect(cos[1][0]).toBe(0);
    const x = seededUniform([2, 4, 3], 1);
    const y = seededUniform([2, 3, 5], 2);
    expect(await maxAbsDiff(run(dot({ axes: [2, 1] }), [x, y]), tf.matMul(x, y))).toBeLessThan(1e-6);
    // axes [1, 1] on [b, 4, 3] and [b, 4, 5]: xᵀ y per sample.
    const z = seededUniform([2, 4, 5], 3);
    expect(await maxAbsDiff(run(dot({ axes: 1 }), [x, z]), tf.matMul(x, z, true, false))).toBeLessThan(1e-6);
    // Rank 4 (beyond tfjs-layers): sum over the last axis of a with axis 1 of b.
    const p = seededUniform([2, 2, 4, 3], 4);
    const q = seededUniform([2, 3, 5], 5);
    const expected = tf.reshape(tf.matMul(tf.reshape(p, [2, 8, 3]), q), [2, 2, 4, 5]);
    expect(await maxAbsDiff(run(dot({ axes: [3, 1] }), [p, q]), expected)).toBeLessThan(1e-6);
  });

  it('has correct gradients for both inputs', async () => {
    await checkGradients(dot({ axes: 1 }), [seededUniform([2, 3], 6), seededUniform([2, 3], 7)]);
    await checkGradients(dot({ axes: [2, 1] }), [seededUniform([2, 3, 2], 8), seededUniform([2, 2, 4], 9)]);
    await checkGradients(dot({ axes: [1, 2], normalize: true }), [
      seededUniform([2, 3, 2], 10),
      seededUniform([2, 4, 3], 11),
    ]);
  });

  it('matches tfjs-layers over axes and normalize', async () => {
    const cases: Array<[{ axes: number | [number, number]; normalize?: boolean }, number[], number[]]> = [
      [{ axes: 1 }, [3, 4], [3, 4]],
      [{ axes: -1, normalize: true }, [3, 4], [3, 4]],
      [{ axes: [2, 1] }, [2, 3, 4], [2, 4, 5]],
      [{ axes: [1, 1] }, [2, 3, 4], [2, 3, 2]],
      [{ axes: [2, 2], normalize: true }, [2, 3, 4], [2, 5, 4]],
      [{ axes: [2, 1] }, [2, 3, 4], [2, 4]],
    ];
    for (const [i, [args, s1, s2]] of cases.entries()) {
      await compareWithTfjs(new Dot(args), tfl.layers.dot(args), [
        seededUniform(s1, 20 + i),
        seededUniform(s2, 40 + i),
      ]);
    }
  });

  it('does not leak; saves and loads both ways with tfjs-layers; trains', async () => {
    const layer = dot({ axes: 1, normalize: true });
    const xs = [seededUniform([4, 3], 12), seededUniform([4, 3], 13)];
    expect(await leakedTensors(() => layer.apply(xs))).toBe(0);
    const build = () => {
      const a = input({ shape: [3] });
      const b = input({ shape: [3] });
      return model({
        inputs: [a, b],
        outputs: dot({ axes: 1 }).apply([dense({ units: 4 }).apply(a), dense({ units: 4 }).apply(b)]),
      });
    };
    (await expectLoadsInTfjs(build(), xs)).dispose();
    const ta = tfl.input({ shape: [3] });
    const tb = tfl.input({ shape: [3] });
    const tout = tfl.layers.dot({ axes: -1, normalize: true }).apply([ta, tb]) as tfl.SymbolicTensor;
    await expectLoadsFromTfjs(tfl.model({ inputs: [ta, tb], outputs: tout }), xs);
    for (const backend of testBackends()) {
      await expectTrains(backend, build, () => {
        const x = [seededUniform([32, 3], 14), seededUniform([32, 3], 15)];
        return { x, y: tf.sum(tf.mul(x[0], x[1]), 1, true) };
      });
    }
  });
});
