import { ConfigError, ShapeError, tf } from '@tensorfold/core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose } from '../test-utils/close.js';
import { useTestBackend } from '../test-utils/setup.js';
import { gaussian } from '../test-utils/synthetic.js';
import { hadamard } from './hadamard.js';
import { khatriRao } from './khatri-rao.js';
import { kronecker } from './kronecker.js';
import { outer } from './outer.js';

beforeAll(useTestBackend);

const dim = fc.integer({ min: 1, max: 4 });
const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 });

describe('outer', () => {
  it('computes u1[i]·u2[j]·u3[k] by hand', async () => {
    const result = outer([tf.tensor1d([1, 2]), tf.tensor1d([3, 4, 5]), tf.tensor1d([1, -1])]);
    expect(result.shape).toEqual([2, 3, 2]);
    await expectClose(result, [3, -3, 4, -4, 5, -5, 6, -6, 8, -8, 10, -10]);
  });

  it('rejects a matrix and names its shape', () => {
    expect(() => outer([tf.tensor1d([1]), tf.zeros([2, 2])])).toThrow(ShapeError);
    expect(() => outer([tf.tensor1d([1]), tf.zeros([2, 2])])).toThrow(/vector 1 .* 2x2/);
    expect(() => outer([])).toThrow(ConfigError);
  });
});

describe('kronecker', () => {
  it('matches the block definition a_ij·B (seed text eq. 2)', async () => {
    const a = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const b = tf.tensor2d([[0, 5, 1]]);
    await expectClose(kronecker([a, b]), [0, 5, 1, 0, 10, 2, 0, 15, 3, 0, 20, 4]);
    expect(kronecker([a, b]).shape).toEqual([2, 6]);
  });

  it('is associative over three matrices', async () => {
    const [a, b, c] = [gaussian([2, 3], 1), gaussian([3, 2], 2), gaussian([2, 2], 3)] as tf.Tensor2D[];
    await expectClose(kronecker([a, b, c]), kronecker([kronecker([a, b]), c]), { atol: 1e-5 });
  });

  it('satisfies the mixed-product property (A⊗B)(C⊗D) = AC⊗BD', async () => {
    await fc.assert(
      fc.asyncProperty(dim, dim, dim, dim, dim, dim, seed, async (m, n, p, q, r, s, sd) => {
        const before = tf.memory().numTensors;
        const a = gaussian([m, n], sd) as tf.Tensor2D;
        const b = gaussian([p, q], sd + 1) as tf.Tensor2D;
        const c = gaussian([n, r], sd + 2) as tf.Tensor2D;
        const d = gaussian([q, s], sd + 3) as tf.Tensor2D;
        const left = tf.tidy(() => tf.matMul(kronecker([a, b]), kronecker([c, d])));
        const right = tf.tidy(() => kronecker([tf.matMul(a, c), tf.matMul(b, d)]));
        await expectClose(left, right, { atol: 1e-4, rtol: 1e-4 });
        tf.dispose([a, b, c, d, left, right]);
        expect(tf.memory().numTensors).toBe(before);
      }),
      { numRuns: 40 },
    );
  });

  it('rejects a vector with a hint to reshape', () => {
    expect(() => kronecker([tf.eye(2), tf.tensor1d([1, 2])])).toThrow(/matrix 1 .*Reshape/);
  });
});

describe('khatriRao', () => {
  it('has columns a_r ⊗ b_r (the column identity, seed text eq. 3)', async () => {
    await fc.assert(
      fc.asyncProperty(dim, dim, dim, dim, seed, async (i, j, k, r, sd) => {
        const factors = [
          gaussian([i, r], sd),
          gaussian([j, r], sd + 1),
          gaussian([k, r], sd + 2),
        ] as tf.Tensor2D[];
        const product = khatriRao(factors);
        expect(product.shape).toEqual([i * j * k, r]);
        for (let col = 0; col < r; col++) {
          const columns = factors.map((f) => tf.slice(f, [0, col], [-1, 1]) as tf.Tensor2D);
          const expected = kronecker(columns);
          await expectClose(tf.slice(product, [0, col], [-1, 1]), expected, { atol: 1e-5, rtol: 1e-5 });
        }
      }),
      { numRuns: 25 },
    );
  });

  it('skips a matrix and applies weights', async () => {
    const a = gaussian([2, 3], 5) as tf.Tensor2D;
    const b = gaussian([4, 3], 6) as tf.Tensor2D;
    const c = gaussian([3, 3], 7) as tf.Tensor2D;
    const w = tf.tensor1d([1, -2, 0.5]);
    await expectClose(khatriRao([a, b, c], { skip: 1 }), khatriRao([a, c]));
    await expectClose(khatriRao([a, b], { weights: w }), tf.mul(khatriRao([a, b]), w));
  });

  it('says which column counts disagree', () => {
    expect(() => khatriRao([tf.zeros([2, 3]), tf.zeros([4, 2])])).toThrow(ShapeError);
    expect(() => khatriRao([tf.zeros([2, 3]), tf.zeros([4, 2])])).toThrow(
      /matrix 0 has 3 columns .* matrix 1 has 2/,
    );
    expect(() => khatriRao([tf.zeros([2, 3])], { weights: tf.zeros([2]) })).toThrow(/weights .* length 3/);
  });
});

describe('hadamard', () => {
  it('multiplies elementwise (seed text eq. 4)', async () => {
    const a = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const b = tf.tensor2d([
      [5, 6],
      [7, 8],
    ]);
    await expectClose(hadamard([a, b, a]), [5, 24, 63, 128]);
  });

  it('refuses to broadcast', () => {
    expect(() => hadamard([tf.zeros([2, 3]), tf.zeros([1, 3])])).toThrow(
      /tensor 0 is 2x3 but tensor 1 is 1x3/,
    );
  });
});
