// The package entry first, as applications import it (the bundle of gradients is evaluated first).
import { readFileSync } from 'node:fs';
import { tf } from '../index.js';
import '@tensorflow/tfjs-backend-cpu';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MEAN_GRAD, setMeanGradKernelEnabled } from '../kernels/mean-grad.js';
import { meanGradConfig } from './mean-gradient.js';

beforeAll(async () => {
  tf.env().set('IS_TEST', true);
  await tf.setBackend('cpu');
});
afterEach(() => setMeanGradKernelEnabled(true));

/** Bits of each float, so that -0 differs from 0. */
const bits = async (t: tf.Tensor) => Array.from(new Uint32Array(Float32Array.from(await t.data()).buffer));

/** tfjs-core's Mean gradient, written out: reshape(dy), times ones, divided by the elements averaged. */
function stockMeanGradient(dy: tf.Tensor, x: tf.Tensor, axes: number[]): tf.Tensor {
  return tf.tidy(() => {
    const expanded = x.shape.slice();
    for (const a of axes) expanded[a] = 1;
    const n = axes.reduce((p, a) => p * x.shape[a], 1);
    return tf.div(tf.mul(tf.reshape(dy, expanded), tf.ones(x.shape)), n);
  });
}

describe("core's Mean gradient", () => {
  it("is the one registered for Mean (tfjs-core's is left out of the bundle at the source)", () => {
    expect(tf.getGradient(tf.Mean)).toBe(meanGradConfig);
    const bundle = readFileSync(new URL('../generated/tfjs-core-registrations.js', import.meta.url), 'utf8');
    expect(bundle).not.toMatch(/kernelName: Mean,/);
    expect(bundle).toMatch(/kernelName: Max,/);
  });

  it.each([
    ['every element', [3, 5], undefined, [0, 1]],
    ['one axis', [3, 5], 1, [1]],
    ['one axis, kept', [4, 2, 3], [0, 2], [0, 2]],
  ] as const)(
    "gives tfjs-core's values on the CPU backend bit for bit (%s)",
    async (_, shape, axis, axes) => {
      const x = tf.tensor(
        Float32Array.from({ length: shape[0] * shape[1] * (shape[2] ?? 1) }, (_, i) => Math.sin(i)),
        [...shape],
      );
      const y = tf.mean(x, axis as number | number[] | undefined);
      const dy = tf.tensor(
        Float32Array.from({ length: y.size }, (_, i) => [-0, 0.3, Number.NaN, 7][i % 4]),
        y.shape,
      );
      const [got] = tf.grads((v: tf.Tensor) => tf.mean(v, axis as number | number[] | undefined))([x], dy);
      const want = stockMeanGradient(dy, x, [...axes]);
      expect(got.shape).toEqual([...shape]);
      expect(await bits(got)).toEqual(await bits(want));
      tf.dispose([x, y, dy, got, want]);
    },
  );

  it('runs the one kernel where the backend registers it, else the stock ops', () => {
    const x = tf.ones([4, 3]);
    let calls = 0;
    tf.registerKernel({
      kernelName: MEAN_GRAD,
      backendName: 'cpu',
      kernelFunc: ({ attrs, backend }) => {
        calls++;
        const { shape } = attrs as unknown as { shape: number[] };
        const cpu = backend as unknown as {
          makeTensorInfo(s: number[], d: string, v: Float32Array): tf.TensorInfo;
        };
        return cpu.makeTensorInfo(shape, 'float32', new Float32Array(12).fill(1 / 12));
      },
    });
    try {
      tf.dispose(tf.grad((v: tf.Tensor) => tf.mean(v))(x)); // dy has one element: the kernel
      expect(calls).toBe(1);
      tf.dispose(tf.grad((v: tf.Tensor) => tf.sum(tf.mean(v, 1)))(x)); // dy [4]: the stock ops
      expect(calls).toBe(1);
      setMeanGradKernelEnabled(false);
      tf.dispose(tf.grad((v: tf.Tensor) => tf.mean(v))(x));
      expect(calls).toBe(1);
    } finally {
      tf.unregisterKernel(MEAN_GRAD, 'cpu');
      x.dispose();
    }
  });

  it('leaks no tensor', () => {
    const x = tf.ones([3, 4]);
    const before = tf.memory().numTensors;
    const g = tf.grad((v: tf.Tensor) => tf.mean(v))(x);
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose([g, x]);
  });
});
