/**
 * The multi-variable kernel computes the same bits as one kernel call per variable, on the CPU and
 * WASM backends, over several steps, odd sizes (SIMD tails), NaN and Inf; and leaks nothing.
 */
import { useBackend } from '@tensorfold/backend';
import { tf } from '@tensorfold/core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import '../../index.js';
import { fusedConfigurations, seededNormal } from '../../test-utils/fused-configurations.js';
import { setMultiVariableUpdates } from '../fused.js';
import type { OptimizerBase } from '../optimizer.js';

// 63, 5, 8 and 1 elements: SIMD bodies and the loop's tails.
const shapes = [[7, 9], [5], [2, 2, 2], [1]];

async function fourSteps(make: () => OptimizerBase, special: boolean): Promise<Float32Array[]> {
  const optimizer = make();
  const variables = shapes.map((s, i) => tf.tidy(() => tf.variable(seededNormal(s, 1 + i))));
  for (let step = 0; step < 4; step++) {
    tf.tidy(() => {
      const gradients = shapes.map((s, i) => {
        const g = seededNormal(s, 100 * step + i);
        if (!special || i !== 0) return g;
        const values = g.dataSync().slice();
        values[3] = Number.NaN;
        values[61] = Number.POSITIVE_INFINITY;
        values[62] = Number.NEGATIVE_INFINITY;
        return tf.tensor(values, s);
      });
      optimizer.applyGradients(variables.map((variable, i) => ({ variable, gradient: gradients[i] })));
    });
  }
  const state = await optimizer.getWeights();
  const out: Float32Array[] = [];
  for (const t of [...variables, ...state.map((s) => s.tensor)]) out.push((await t.data()) as Float32Array);
  tf.dispose([...variables, ...state.map((s) => s.tensor)]);
  optimizer.dispose();
  return out;
}

const bits = (arrays: Float32Array[]) => arrays.map((a) => Array.from(new Uint32Array(a.slice().buffer)));

afterEach(() => setMultiVariableUpdates(true));
afterAll(() => useBackend('cpu'));

describe.each(['cpu', 'wasm'] as const)('multi-variable fused updates on %s', (backend) => {
  it.each(fusedConfigurations)('%s: the same bits as one call per variable', async (_, make) => {
    await useBackend(backend);
    for (const special of [false, true]) {
      setMultiVariableUpdates(false);
      const one = await fourSteps(make, special);
      setMultiVariableUpdates(true);
      const before = tf.memory().numTensors;
      const multi = await fourSteps(make, special);
      expect(tf.memory().numTensors).toBe(before);
      expect(bits(multi)).toEqual(bits(one));
    }
  });

  it('runs one kernel call for every variable of a step', async () => {
    await useBackend(backend);
    const optimizer = fusedConfigurations[3][1]();
    const variables = shapes.map((s, i) => tf.variable(seededNormal(s, i)));
    const step = () =>
      optimizer.applyGradients(variables.map((variable) => ({ variable, gradient: tf.onesLike(variable) })));
    tf.tidy(step);
    const profile = await tf.profile(() => tf.tidy(step));
    expect(profile.kernels.map((k) => k.name).filter((n) => n.startsWith('Tensorfold'))).toEqual([
      'TensorfoldAdamMulti',
    ]);
    tf.dispose(variables);
    optimizer.dispose();
  });
});
