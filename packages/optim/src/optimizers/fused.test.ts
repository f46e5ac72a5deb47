/**
 * The fused update kernels compute what the optimizers' tensor-op forms compute, on every backend
 * that starts here (WebGPU on SwiftShader where there is no GPU), and run as one kernel per variable.
 */
import { type BackendName, useBackend } from '@tensorfold/backend';
import { backendsForTests } from '@tensorfold/backend/testing';
import { tf } from '@tensorfold/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fusedConfigurations, seededNormal } from '../test-utils/fused-configurations.js';
import { expectClose } from '../test-utils/setup.js';
import { adam } from './adam.js';
import { setFusedUpdates } from './fused.js';
import type { OptimizerBase } from './optimizer.js';

const configurations = fusedConfigurations;

const shapes = [[3, 4], [5], [2, 2, 2]];

const seeded = seededNormal;

/** Three steps of the optimizer on three variables; returns the final values and state. */
async function threeSteps(make: () => OptimizerBase): Promise<number[]> {
  const optimizer = make();
  const variables = shapes.map((s, i) => tf.tidy(() => tf.variable(seeded(s, 1 + i))));
  for (let step = 0; step < 3; step++) {
    tf.tidy(() =>
      optimizer.applyGradients(
        variables.map((variable, i) => ({ variable, gradient: seeded(shapes[i], 100 * step + i) })),
      ),
    );
  }
  const state = await optimizer.getWeights();
  const out: number[] = [];
  for (const t of [...variables, ...state.map((s) => s.tensor)]) out.push(...(await t.data()));
  tf.dispose([...variables, ...state.map((s) => s.tensor)]);
  optimizer.dispose();
  return out;
}

/** The kernels one Adam step runs on the active backend (after a first step made the slots). */
async function kernels(): Promise<string[]> {
  const optimizer = adam();
  const v = tf.variable(tf.ones([4]));
  const g = tf.ones([4]);
  optimizer.applyGradients([{ variable: v, gradient: g }]);
  const profile = await tf.profile(() => optimizer.applyGradients([{ variable: v, gradient: g }]));
  tf.dispose([v, g]);
  optimizer.dispose();
  return profile.kernels.map((k) => k.name);
}

let reference: Record<string, number[]>;

beforeAll(async () => {
  await useBackend('cpu');
  setFusedUpdates(false);
  reference = {};
  for (const [name, make] of configurations) reference[name] = await threeSteps(make);
  setFusedUpdates(true);
}, 60_000);

afterAll(async () => {
  setFusedUpdates(true);
  await useBackend('cpu');
});

describe('fused updates on the CPU', () => {
  it.each(configurations)('%s: same values and state as the tensor-op form', async (name, make) => {
    expectClose(await threeSteps(make), reference[name], 2e-6);
  });

  it('run one kernel per variable, against a dozen for the tensor-op form', async () => {
    expect(await kernels()).toEqual(['TensorfoldAdam']);
    setFusedUpdates(false);
    const unfused = await kernels();
    setFusedUpdates(true);
    expect(unfused.length).toBeGreaterThanOrEqual(10);
  });
});

const others = (await backendsForTests()).filter((name) => name !== 'cpu');

describe.each(others)('fused updates on %s', (backend: BackendName) => {
  beforeAll(() => useBackend(backend), 60_000);

  it('match the CPU tensor-op form for every optimizer, leaking nothing', async () => {
    expect(await kernels()).toEqual(['TensorfoldAdam']);
    const before = tf.memory();
    for (const [name, make] of configurations) {
      const values = await threeSteps(make);
      try {
        expectClose(values, reference[name], 1e-5);
      } catch (error) {
        throw new Error(`${name} on ${backend}: ${(error as Error).message}`);
      }
    }
    const after = tf.memory();
    expect([after.numTensors, after.numDataBuffers]).toEqual([before.numTensors, before.numDataBuffers]);
  }, 300_000);
});
