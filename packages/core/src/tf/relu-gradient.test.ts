// The package entry first, as applications import it (the bundle of gradients is evaluated first).
import { readFileSync } from 'node:fs';
import { tf } from '../index.js';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { reluGradConfig } from './relu-gradient.js';

beforeAll(async () => {
  tf.env().set('IS_TEST', true);
  await tf.setBackend('cpu');
});

/** Values with NaN, both infinities, both zeros and the smallest positive float among ordinary ones. */
function awkward(size: number, shift: number): Float32Array {
  const special = [Number.NaN, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, -0, 0, 1e-45];
  return Float32Array.from({ length: size }, (_, i) =>
    i % 4 === shift % 4 ? special[(i + shift) % special.length] : Math.sin(i * 1.7 + shift) * 3,
  );
}

/** Bits of each float, so that -0 differs from 0 (NaN payloads too). */
const bits = (values: Float32Array) => Array.from(new Uint32Array(values.buffer.slice(0)));

describe("core's Relu gradient", () => {
  it('is the one registered for Relu (tfjs-core’s is left out of the bundle at the source)', () => {
    expect(tf.getGradient(tf.Relu)).toBe(reluGradConfig);
    const bundle = readFileSync(new URL('../generated/tfjs-core-registrations.js', import.meta.url), 'utf8');
    expect(bundle).not.toMatch(/kernelName: Relu,/);
    expect(bundle).toMatch(/kernelName: Relu6,/);
  });

  it("gives tfjs-core's mul(dy, cast(step(x))) on the CPU backend bit for bit, NaN and zeros included", async () => {
    const shape = [6, 7];
    const x = tf.tensor(awkward(42, 1), shape);
    const dy = tf.tensor(awkward(42, 2), shape);
    const [got] = tf.grads((v: tf.Tensor) => tf.relu(v))([x], dy);
    const want = tf.tidy(() => tf.mul(dy, tf.cast(tf.step(x), 'float32')));
    expect(got.shape).toEqual(shape);
    expect(bits(Float32Array.from(await got.data()))).toEqual(bits(Float32Array.from(await want.data())));
    tf.dispose([x, dy, got, want]);
  });

  it('takes int32 inputs as before (a float32 gradient)', async () => {
    const x = tf.tensor([-2, 0, 3], [3], 'int32');
    const [got] = tf.grads((v: tf.Tensor) => tf.relu(v))([x]);
    expect(got.dtype).toBe('float32');
    expect(Array.from(await got.data())).toEqual([0, 0, 1]);
    tf.dispose([x, got]);
  });

  it('leaks no tensor', () => {
    const x = tf.tensor(awkward(12, 3), [3, 4]);
    const before = tf.memory().numTensors;
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.relu(v)))(x);
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose([g, x]);
  });
});
