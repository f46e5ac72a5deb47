/**
 * The parity suite: every kernel case (see kernel-cases.ts), forward and gradient, on every backend
 * that starts here, against the CPU backend. WebGPU is skipped with a notice where it cannot start,
 * unless TENSORFOLD_REQUIRE_WEBGPU=1.
 *
 * Tolerances (compare.ts): |got - want| <= atol + rtol * |want| per element, with atol 1e-5 and
 * rtol 1e-4 on WASM (float32, different summation orders) and atol 1e-4 and rtol 1e-3 on WebGPU (GPU
 * math functions are less exact: exp, log, tanh, erf), each times the case's `slack` for long
 * accumulations. The browser test (src/browser) runs the same cases in Chromium.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../init-backend.js';
import { backendsForTests } from '../testing.js';
import { compareResults, PARITY_TOLERANCE } from './compare.js';
import { type CaseResult, KERNEL_CASES, runCase } from './kernel-cases.js';

const backends = (await backendsForTests()).filter((name) => name !== 'cpu') as Array<'wasm' | 'webgpu'>;
const reference = new Map<string, CaseResult>();

beforeAll(async () => {
  await useBackend('cpu');
  for (const kernelCase of KERNEL_CASES)
    reference.set(kernelCase.name, await runCase(kernelCase, { useReference: true }));
});

describe.each(backends)('kernel parity on %s against cpu', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it.each(KERNEL_CASES.map((c) => [c.name, c] as const))('%s', async (_name, kernelCase) => {
    const tensorsBefore = tf.memory().numTensors;
    const got = await runCase(kernelCase);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    const want = reference.get(kernelCase.name)!;
    expect(compareResults(got, want, PARITY_TOLERANCE[backend], kernelCase.slack)).toBeNull();
  });
});
