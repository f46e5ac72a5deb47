// The package entry first, as applications import it, so that the gradients are registered.
import { ConfigError, tf } from '../index.js';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const x = () => tf.randomUniform([2, 6, 5, 3], -1, 1, 'float32', 1) as tf.Tensor4D;
const filter = () => tf.randomUniform([3, 2, 3, 4], -1, 1, 'float32', 2) as tf.Tensor4D;
const bias = () => tf.randomUniform([4], -1, 1, 'float32', 3) as tf.Tensor1D;

/** The loss and gradients of `sum(w * conv(x))` for x, filter and bias, by `conv`. */
function gradsOf(conv: (x: tf.Tensor4D, f: tf.Tensor4D, b: tf.Tensor1D) => tf.Tensor) {
  return tf.tidy(() => {
    const w = tf.randomUniform([2, 6, 5, 4], -1, 1, 'float32', 4);
    const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
      tf.sum(tf.mul(conv(a as tf.Tensor4D, b as tf.Tensor4D, c as tf.Tensor1D), w));
    const { value, grads } = tf.valueAndGrads(f)([x(), filter(), bias()]);
    return [value, ...grads];
  });
}

describe("FusedConv2D's registered gradient (the kernel run by itself)", () => {
  for (const activation of ['relu', 'linear'] as const) {
    it(`gives tf.fused.conv2d's loss and gradients, bit for bit (${activation})`, async () => {
      const ours = gradsOf(
        (a, f, b) =>
          tf
            .engine()
            .runKernel(
              tf.FusedConv2D,
              { x: a, filter: f, bias: b },
              { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1], activation },
            ) as tf.Tensor,
      );
      const theirs = gradsOf((a, f, b) => {
        // tfjs fuses no relu while recording: the same ops, as layers ran them before.
        const y = tf.fused.conv2d({ x: a, filter: f, bias: b, strides: 1, pad: 'same' });
        return activation === 'relu' ? tf.relu(y) : y;
      });
      for (let i = 0; i < ours.length; i++) expect(await ours[i].data()).toEqual(await theirs[i].data());
      tf.dispose([...ours, ...theirs]);
    });
  }

  it('says what to use for an activation it does not cover', () => {
    const run = () =>
      gradsOf(
        (a, f, b) =>
          tf
            .engine()
            .runKernel(
              tf.FusedConv2D,
              { x: a, filter: f, bias: b },
              { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1], activation: 'elu' },
            ) as tf.Tensor,
      );
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(/linear and relu activations.*tf\.fused\.conv2d/);
  });
});

describe("_FusedMatMul's registered gradient (the kernel run by itself)", () => {
  const transposes = [
    [false, false],
    [false, true],
    [true, false],
    [true, true],
  ] as const;
  for (const activation of ['relu', 'linear'] as const) {
    for (const [transposeA, transposeB] of transposes) {
      it(`gives tf.fused.matMul's loss and gradients, bit for bit (${activation}, transposes ${transposeA}, ${transposeB})`, async () => {
        const gradsOfProduct = (product: (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.Tensor) =>
          tf.tidy(() => {
            const a = tf.randomUniform(transposeA ? [5, 6] : [6, 5], -1, 1, 'float32', 1);
            const b = tf.randomUniform(transposeB ? [4, 5] : [5, 4], -1, 1, 'float32', 2);
            const c = tf.randomUniform([4], -1, 1, 'float32', 3);
            const w = tf.randomUniform([6, 4], -1, 1, 'float32', 4);
            const f = (p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) => tf.sum(tf.mul(product(p, q, r), w));
            const { value, grads } = tf.valueAndGrads(f)([a, b, c]);
            return [value, ...grads];
          });
        const ours = gradsOfProduct(
          (a, b, bias) =>
            tf
              .engine()
              .runKernel(
                tf._FusedMatMul,
                { a, b, bias },
                { transposeA, transposeB, activation },
              ) as tf.Tensor,
        );
        const theirs = gradsOfProduct((a, b, bias) => {
          const y = tf.fused.matMul({
            a: a as tf.Tensor2D,
            b: b as tf.Tensor2D,
            bias,
            transposeA,
            transposeB,
          });
          return activation === 'relu' ? tf.relu(y) : y;
        });
        for (let i = 0; i < ours.length; i++) expect(await ours[i].data()).toEqual(await theirs[i].data());
        tf.dispose([...ours, ...theirs]);
      });
    }
  }

  /** The gradients of `sum(fused(a, b, bias))` for a `[6, 5]` and b `[5, 4]` (and the bias, if any). */
  const gradsWithBias = (biasShape: number[] | null) =>
    tf.tidy(() => {
      const a = tf.randomUniform([6, 5], -1, 1, 'float32', 1);
      const b = tf.randomUniform([5, 4], -1, 1, 'float32', 2);
      const c = biasShape == null ? null : tf.randomUniform(biasShape, -1, 1, 'float32', 3);
      const run = (p: tf.Tensor, q: tf.Tensor, r?: tf.Tensor) =>
        tf.sum(
          tf.engine().runKernel(tf._FusedMatMul, r == null ? { a: p, b: q } : { a: p, b: q, bias: r }, {
            transposeA: false,
            transposeB: false,
            activation: 'relu',
          }) as tf.Tensor,
        );
      return tf.grads(run)(c == null ? [a, b] : [a, b, c]);
    });

  it('takes a product without a bias (gradients of both operands, as tf.matMul and relu)', async () => {
    const before = tf.memory().numTensors;
    const ours = gradsWithBias(null);
    const theirs = tf.tidy(() => {
      const a = tf.randomUniform([6, 5], -1, 1, 'float32', 1);
      const b = tf.randomUniform([5, 4], -1, 1, 'float32', 2);
      return tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.relu(tf.matMul(p, q))))([a, b]);
    });
    expect(ours).toHaveLength(2);
    for (let i = 0; i < 2; i++) expect(await ours[i].data()).toEqual(await theirs[i].data());
    tf.dispose([...ours, ...theirs]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("names the bias and both shapes for a bias of another shape ([1, cols], a scalar): tfjs's engine check", () => {
    for (const shape of [[1, 4], [1]]) {
      expect(() => gradsWithBias(shape)).toThrow(new RegExp(`input 'bias' has shape '4'.*input '${shape}'`));
    }
  });
});
