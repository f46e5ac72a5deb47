import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../init-backend.js';

/** Values 0.1, 0.2, ... shaped `shape`, the same on every backend. */
function ramp(shape: number[], offset = 0): { values: number[]; shape: number[] } {
  const size = shape.reduce((x, y) => x * y, 1);
  return { values: Array.from({ length: size }, (_, i) => ((i + offset) % 17) / 10 - 0.8), shape };
}

/**
 * Runs `steps` on `backend` with tensors built from `inputs` and returns every result read back.
 * Everything is disposed, and a last op checks that the heap still works.
 */
async function run(
  backend: 'cpu' | 'wasm',
  inputs: Array<{ values: number[]; shape: number[] }>,
  steps: (ts: tf.Tensor[]) => tf.Tensor[],
): Promise<number[][]> {
  await useBackend(backend);
  const before = tf.memory().numTensors;
  const ts = inputs.map((x) => tf.tensor(x.values, x.shape));
  const outs = tf.tidy(() => steps(ts));
  const values = await Promise.all(outs.map(async (t) => Array.from(await t.data())));
  tf.dispose([...ts, ...outs]);
  const probe = tf.tidy(() => tf.add(tf.ones([5]), 1));
  expect(Array.from(await probe.data())).toEqual([2, 2, 2, 2, 2]);
  probe.dispose();
  expect(tf.memory().numTensors).toBe(before);
  return values;
}

function expectClose(got: number[][], want: number[][]): void {
  expect(got.length).toBe(want.length);
  for (const [i, g] of got.entries()) {
    expect(g.length).toBe(want[i].length);
    for (const [j, v] of g.entries()) {
      expect(Math.abs(v - want[i][j])).toBeLessThanOrEqual(1e-4 + 1e-4 * Math.abs(want[i][j]));
    }
  }
}

// Stock tfjs-backend-wasm caches XNNPACK's operator for a product's weights under the weights' tensor
// id, without the shape; a reshape keeps the id. Without the fix these runs write past the output
// and the next dispose fails with "memory access out of bounds" (or the WASM module aborts).
describe('WASM matMul with one tensor as weights under two shapes', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it("the issue's repro: a transposed product, then one with the weights reshaped", async () => {
    const inputs = [ramp([8, 2]), ramp([8, 64], 3), ramp([64, 2], 5)];
    const steps = ([a, b, c]: tf.Tensor[]) => {
      const first = tf.matMul(a, b, true); // [2, 64]
      const second = tf.matMul(tf.reshape(b, [64, 8]), c, true); // [8, 2]
      return [first, second];
    };
    expectClose(await run('wasm', inputs, steps), await run('cpu', inputs, steps));
  });

  it('plain products (the stock path) with the weights reshaped, many times', async () => {
    const inputs = [ramp([3, 6]), ramp([6, 4], 1), ramp([5, 4], 2), ramp([2, 12], 4)];
    const steps = ([x, w, y, z]: tf.Tensor[]) => {
      const outs: tf.Tensor[] = [];
      for (let i = 0; i < 5; i++) {
        outs.push(tf.matMul(x, w)); // [3, 4]
        outs.push(tf.matMul(y, tf.reshape(w, [4, 6]))); // [5, 6]
        outs.push(tf.matMul(z, tf.reshape(w, [12, 2]))); // [2, 2]
      }
      return outs;
    };
    expectClose(await run('wasm', inputs, steps), await run('cpu', inputs, steps));
  });

  it('fused products, and a clone of the weights (Identity shares memory)', async () => {
    const inputs = [ramp([3, 6]), ramp([6, 4], 1), ramp([4]), ramp([5, 4], 2), ramp([6], 3)];
    const steps = ([x, w, bias, y, bias2]: tf.Tensor[]) => [
      tf.fused.matMul({ a: x, b: w, bias, activation: 'relu' }),
      tf.matMul(x, tf.clone(w)),
      tf.matMul(y, tf.reshape(tf.clone(w), [4, 6])),
      tf.fused.matMul({ a: y, b: tf.reshape(w, [4, 6]), bias: bias2 }),
      tf.fused.matMul({ a: x, b: w, bias, activation: 'relu' }),
    ];
    expectClose(await run('wasm', inputs, steps), await run('cpu', inputs, steps));
  });

  it('a matrix times a batch of one keeps the batch axis', async () => {
    const inputs = [ramp([1, 3]), ramp([1, 2, 3], 1)];
    const steps = ([a, b]: tf.Tensor[]) => [tf.matMul(a, b, false, true)];
    const [wasm] = await run('wasm', inputs, (ts) => steps(ts));
    expect(wasm.length).toBe(2);
    await useBackend('wasm');
    const shape = tf.tidy(() => steps([tf.ones([1, 3]), tf.ones([1, 2, 3])])[0].shape);
    expect(shape).toEqual([1, 1, 2]);
  });
});
