import { tf } from '@tensorfold/core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from '../test-utils/setup.js';
import { adam } from './adam.js';
import { setUpdateOrderReversed, updateOrder } from './update-order.js';

beforeAll(useCpu);
afterEach(() => setUpdateOrderReversed(false));

/** Three Adam steps on three variables ([3, 4], [4], [2, 3]) with seeded gradients; each variable's final values. */
function train(reversed: boolean): Float32Array[] {
  setUpdateOrderReversed(reversed);
  const shapes = [[3, 4], [4], [2, 3]];
  // (tidy frees the initial values; variables outlive it)
  const vars = shapes.map((s, i) => tf.tidy(() => tf.variable(tf.randomNormal(s, 0, 1, 'float32', 10 + i))));
  const optimizer = adam({ learningRate: 0.01 });
  // seeds from 1000 up: tfjs draws seed 0 (falsy) at random
  for (let step = 0; step < 3; step++) {
    const grads = shapes.map((s, i) => tf.randomNormal(s, 0, 1, 'float32', 1000 + 100 * step + i));
    optimizer.applyGradients(vars.map((variable, i) => ({ variable, gradient: grads[i] })));
    tf.dispose(grads);
  }
  const out = vars.map((v) => v.dataSync() as Float32Array);
  tf.dispose(vars);
  optimizer.dispose();
  return out;
}

describe('the order of the updates', () => {
  it('is the given order by default and last to first when reversed', () => {
    expect(updateOrder(3)).toEqual([0, 1, 2]);
    setUpdateOrderReversed(true);
    expect(updateOrder(3)).toEqual([2, 1, 0]);
  });

  it('changes no bit of the variables, and leaves no tensor', () => {
    const before = tf.memory().numTensors;
    const given = train(false);
    const again = train(false);
    for (const [i, values] of given.entries()) expect(Array.from(again[i])).toEqual(Array.from(values));
    const reversed = train(true);
    expect(tf.memory().numTensors).toBe(before);
    for (const [i, values] of given.entries()) expect(Array.from(reversed[i])).toEqual(Array.from(values));
    // the updates moved the values (a test of two untouched copies could not fail)
    const initial = tf.tidy(() => tf.randomNormal([3, 4], 0, 1, 'float32', 10).dataSync() as Float32Array);
    expect(Array.from(given[0])).not.toEqual(Array.from(initial));
  });
});
