import { ConfigError, ShapeError, tf } from '@tensorfold/core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { khatriRao } from '../products/khatri-rao.js';
import { kronecker } from '../products/kronecker.js';
import { expectClose, scalar } from '../test-utils/close.js';
import { useTestBackend } from '../test-utils/setup.js';
import { gaussian } from '../test-utils/synthetic.js';
import { fold } from './fold.js';
import { inner } from './inner.js';
import { modeDot } from './mode-dot.js';
import { mttkrp } from './mttkrp.js';
import { multiModeDot } from './multi-mode-dot.js';
import { norm } from './norm.js';
import { unfold } from './unfold.js';
import { vec } from './vec.js';

beforeAll(useTestBackend);

const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 });
const shapeArb = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 });

describe('unfold / fold', () => {
  it("matches TensorLy's unfolding of arange(24).reshape(2, 3, 4)", async () => {
    const x = tf.reshape(tf.range(0, 24), [2, 3, 4]);
    // tl.unfold(x, 1) from TensorLy's documentation example
    await expectClose(
      unfold(x, 1),
      [0, 1, 2, 3, 12, 13, 14, 15, 4, 5, 6, 7, 16, 17, 18, 19, 8, 9, 10, 11, 20, 21, 22, 23],
    );
    expect(unfold(x, 2).shape).toEqual([4, 6]);
    await expectClose(tf.slice(unfold(x, 2), [0, 0], [1, -1]), [0, 4, 8, 12, 16, 20]);
    await expectClose(unfold(x, -1), unfold(x, 2));
  });

  it('fold(unfold(x, n), n, shape) is the identity, for every mode', async () => {
    await fc.assert(
      fc.asyncProperty(shapeArb, seed, async (shape, sd) => {
        const x = gaussian(shape, sd);
        for (let mode = 0; mode < shape.length; mode++) {
          const u = unfold(x, mode);
          expect(u.shape).toEqual([shape[mode], x.size / shape[mode]]);
          await expectClose(fold(u, mode, shape), x, { atol: 0, rtol: 0 });
        }
      }),
      { numRuns: 40 },
    );
  });

  it('rejects bad modes and mismatched folds with what to pass', () => {
    const x = tf.zeros([2, 3]);
    expect(() => unfold(x, 2)).toThrow(ConfigError);
    expect(() => unfold(x, 2)).toThrow(/from 0 to 1/);
    expect(() => fold(tf.zeros([3, 3]), 0, [2, 3])).toThrow(ShapeError);
    expect(() => fold(tf.zeros([3, 3]), 0, [2, 3])).toThrow(/expected 2x3/);
  });
});

describe('modeDot', () => {
  it('agrees with unfold, multiply, fold', async () => {
    await fc.assert(
      fc.asyncProperty(shapeArb, fc.integer({ min: 1, max: 5 }), fc.nat(), seed, async (shape, j, m, sd) => {
        const mode = m % shape.length;
        const x = gaussian(shape, sd);
        const matrix = gaussian([j, shape[mode]], sd + 1) as tf.Tensor2D;
        const newShape = [...shape];
        newShape[mode] = j;
        const expected = fold(tf.matMul(matrix, unfold(x, mode)), mode, newShape);
        await expectClose(modeDot(x, matrix, mode), expected, { atol: 1e-5, rtol: 1e-4 });
        await expectClose(modeDot(x, tf.transpose(matrix), mode, { transpose: true }), expected, {
          atol: 1e-5,
          rtol: 1e-4,
        });
      }),
      { numRuns: 40 },
    );
  });

  it('contracts a mode away with a vector', async () => {
    const x = tf.reshape(tf.range(0, 24), [2, 3, 4]);
    const v = tf.tensor1d([1, 0, -1]);
    const result = modeDot(x, v, 1);
    expect(result.shape).toEqual([2, 4]);
    await expectClose(result, [-8, -8, -8, -8, -8, -8, -8, -8]);
  });

  it('names both sizes when the matrix does not fit', () => {
    const x = tf.zeros([2, 3, 4]);
    expect(() => modeDot(x, tf.zeros([5, 4]), 1)).toThrow(ShapeError);
    expect(() => modeDot(x, tf.zeros([5, 4]), 1)).toThrow(
      /has 3 there but the matrix \(5x4\) has 4.*\[J, 3\]/,
    );
    expect(() => modeDot(x, tf.zeros([2, 2, 2]), 1)).toThrow(ConfigError);
  });
});

describe('multiModeDot', () => {
  it('equals the chain of modeDots in any order, with skip and transpose', async () => {
    const x = gaussian([3, 4, 5], 11);
    const ms = [gaussian([2, 3], 12), gaussian([6, 4], 13), gaussian([1, 5], 14)] as tf.Tensor2D[];
    const chained = modeDot(modeDot(modeDot(x, ms[0], 0), ms[1], 1), ms[2], 2);
    await expectClose(multiModeDot(x, ms), chained, { atol: 1e-4, rtol: 1e-4 });
    await expectClose(multiModeDot(x, ms, { skip: 1 }), modeDot(modeDot(x, ms[0], 0), ms[2], 2), {
      atol: 1e-4,
    });
    const transposed = ms.map((m) => tf.transpose(m));
    await expectClose(multiModeDot(x, transposed, { transpose: true }), chained, { atol: 1e-4, rtol: 1e-4 });
  });

  it('handles vectors that remove modes, given in any order', async () => {
    const x = gaussian([3, 4, 5], 21);
    const v0 = gaussian([3], 22);
    const v2 = gaussian([5], 23);
    const expected = modeDot(modeDot(x, v2, 2), v0, 0);
    await expectClose(multiModeDot(x, [v0, v2], { modes: [0, 2] }), expected, { atol: 1e-5 });
    await expectClose(multiModeDot(x, [v2, v0], { modes: [2, 0] }), expected, { atol: 1e-5 });
  });

  it('rejects repeated modes and count mismatches', () => {
    const x = tf.zeros([2, 2]);
    expect(() => multiModeDot(x, [tf.eye(2), tf.eye(2)], { modes: [0, 0] })).toThrow(/mode 0 twice/);
    expect(() => multiModeDot(x, [tf.eye(2)], { modes: [0, 1] })).toThrow(/1 matrices but 2 modes/);
  });
});

describe('mttkrp', () => {
  it('equals unfold(x, n) · khatriRao(factors, skip n) for every mode', async () => {
    const x = gaussian([3, 4, 2, 5], 31);
    const factors = [3, 4, 2, 5].map((n, k) => gaussian([n, 3], 32 + k) as tf.Tensor2D);
    for (let mode = 0; mode < 4; mode++) {
      const expected = tf.matMul(unfold(x, mode), khatriRao(factors, { skip: mode }));
      await expectClose(mttkrp(x, factors, mode), expected, { atol: 1e-4, rtol: 1e-4 });
    }
    expect(() => mttkrp(x, factors.slice(1), 0)).toThrow(/4 modes but 3 factors/);
  });
});

describe('vec', () => {
  it('satisfies vec(ABC) = (Cᵀ ⊗ A) vec(B)', async () => {
    const dim = fc.integer({ min: 1, max: 4 });
    await fc.assert(
      fc.asyncProperty(dim, dim, dim, dim, seed, async (m, n, p, q, sd) => {
        const a = gaussian([m, n], sd) as tf.Tensor2D;
        const b = gaussian([n, p], sd + 1) as tf.Tensor2D;
        const c = gaussian([p, q], sd + 2) as tf.Tensor2D;
        const left = vec(tf.matMul(tf.matMul(a, b), c));
        const right = tf.matMul(kronecker([tf.transpose(c), a]), tf.reshape(vec(b), [-1, 1]));
        await expectClose(left, tf.reshape(right, [-1]), { atol: 1e-4, rtol: 1e-4 });
      }),
      { numRuns: 40 },
    );
  });

  it("stacks columns by default and flattens rows with order 'C'", async () => {
    const x = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    await expectClose(vec(x), [1, 3, 2, 4]);
    await expectClose(vec(x, { order: 'C' }), [1, 2, 3, 4]);
    expect(() => vec(x, { order: 'X' as 'C' })).toThrow(ConfigError);
  });
});

describe('inner and norm', () => {
  it('inner(x, x) is the squared Frobenius norm', async () => {
    const x = gaussian([3, 4, 5], 41);
    const squared = await scalar(inner(x, x));
    const frobenius = await scalar(norm(x));
    expect(squared).toBeCloseTo(frobenius ** 2, 2);
  });

  it('contracts nModes like a matrix product', async () => {
    const a = gaussian([2, 3, 4], 42);
    const b = gaussian([3, 4, 5], 43);
    const expected = tf.reshape(tf.matMul(tf.reshape(a, [2, 12]), tf.reshape(b, [12, 5])), [2, 5]);
    await expectClose(inner(a, b, { nModes: 2 }), expected, { atol: 1e-5 });
    expect(() => inner(a, b)).toThrow(ShapeError);
    expect(() => inner(a, b, { nModes: 1 })).toThrow(/contracts 4 .* with 3/);
  });

  it('computes the 1, 2 and infinity norms', async () => {
    const x = tf.tensor1d([3, -4]);
    expect(await scalar(norm(x))).toBeCloseTo(5, 6);
    expect(await scalar(norm(x, 1))).toBeCloseTo(7, 6);
    expect(await scalar(norm(x, Number.POSITIVE_INFINITY))).toBeCloseTo(4, 6);
    expect(() => norm(x, 3 as 2)).toThrow(ConfigError);
  });
});
