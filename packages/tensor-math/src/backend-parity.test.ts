/**
 * The same computations on CPU, WASM and WebGPU (Dawn on SwiftShader where there is no GPU) give the
 * same results within float32 tolerance. Inputs and random starts are drawn in JavaScript from seeds,
 * so every backend starts from identical values; sizes are small because SwiftShader is slow.
 */

import { type BackendName, useBackend } from '@tensorfold/backend';
import { backendsForTests } from '@tensorfold/backend/testing';
import { tf } from '@tensorfold/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modeDot } from './algebra/mode-dot.js';
import { mttkrp } from './algebra/mttkrp.js';
import { unfold } from './algebra/unfold.js';
import { cp } from './decomposition/cp.js';
import { relativeError } from './decomposition/metrics.js';
import { nonNegativeCp } from './decomposition/non-negative-cp.js';
import { tensorTrain } from './decomposition/tensor-train.js';
import { tucker } from './decomposition/tucker.js';
import { svd } from './linalg/svd.js';
import { khatriRao } from './products/khatri-rao.js';
import { kronecker } from './products/kronecker.js';
import { exactCpTensor, exactTtTensor, exactTuckerTensor, gaussian } from './test-utils/synthetic.js';

type Results = Record<string, number[]>;

async function read(tensor: tf.Tensor): Promise<number[]> {
  const values = Array.from(await tensor.data());
  tensor.dispose();
  return values;
}

/** Everything compared across backends, computed on the active one. */
async function compute(): Promise<Results> {
  const out: Results = {};
  const x = gaussian([4, 5, 6], 1);
  const a = gaussian([3, 4], 2) as tf.Tensor2D;
  const b = gaussian([5, 4], 3) as tf.Tensor2D;
  out.kronecker = await read(kronecker([a, b]));
  out.khatriRao = await read(khatriRao([a, b]));
  out.unfold = await read(unfold(x, 1));
  out.modeDot = await read(tf.tidy(() => modeDot(x, gaussian([2, 5], 4), 1)));
  const factors = [4, 5, 6].map((n, k) => gaussian([n, 3], 5 + k) as tf.Tensor2D);
  out.mttkrp = await read(mttkrp(x, factors, 1));
  const wide = gaussian([6, 30], 8) as tf.Tensor2D;
  const { u, s } = await svd(wide, { method: 'gram', computeVt: false });
  out.svdGram = Array.from(s);
  out.svdGramVectors = await read(u);
  wide.dispose();

  const cpTarget = exactCpTensor([10, 12, 14], 3, 9);
  const cpFit = await cp(cpTarget, 3, { seed: 1, nIterMax: 30 });
  out.cpError = await read(relativeError(cpTarget, cpFit));
  out.cpReconstruction = await read(cpFit.toTensor());
  const nnTarget = tf.tidy(() => tf.abs(gaussian([6, 7, 8], 10)));
  const nnFit = await nonNegativeCp(nnTarget, 2, { seed: 2, nIterMax: 10 });
  out.nonNegativeCpErrors = nnFit.history!.errors;
  nnFit.dispose();

  const tuckerTarget = exactTuckerTensor([10, 12, 14], [2, 3, 4], 11);
  const tuckerFit = await tucker(tuckerTarget, { ranks: [2, 3, 4] });
  out.tuckerError = await read(relativeError(tuckerTarget, tuckerFit));
  out.tuckerReconstruction = await read(tuckerFit.toTensor());

  const ttTarget = exactTtTensor([6, 7, 8, 5], [1, 2, 3, 2, 1], 12);
  const ttFit = await tensorTrain(ttTarget, { ranks: [1, 2, 3, 2, 1] });
  out.ttError = await read(relativeError(ttTarget, ttFit));
  out.ttReconstruction = await read(ttFit.toTensor());
  tf.dispose([x, a, b, ...factors, cpTarget, nnTarget, tuckerTarget, ttTarget]);
  cpFit.dispose();
  tuckerFit.dispose();
  ttFit.dispose();
  return out;
}

function expectSame(actual: Results, reference: Results, backend: string): void {
  for (const [name, want] of Object.entries(reference)) {
    const got = actual[name];
    expect(got.length, `${name} on ${backend}`).toBe(want.length);
    const scale = Math.max(1, ...want.map(Math.abs));
    const worst = Math.max(...got.map((g, i) => Math.abs(g - want[i])));
    const tolerance = name.endsWith('Error') ? 1e-4 : name.endsWith('Errors') ? 1e-3 : 1e-3 * scale;
    expect(worst, `${name} on ${backend}: largest difference from CPU`).toBeLessThanOrEqual(tolerance);
  }
  for (const name of ['cpError', 'tuckerError', 'ttError']) {
    expect(actual[name][0], `${name} on ${backend}`).toBeLessThan(name === 'cpError' ? 1e-3 : 1e-5);
  }
}

let reference: Results;
const backends = (await backendsForTests()).filter((name) => name !== 'cpu');

beforeAll(async () => {
  await useBackend('cpu');
  reference = await compute();
}, 120_000);

afterAll(async () => {
  await useBackend('cpu');
});

describe.each(backends)('backend parity: %s', (name: BackendName) => {
  it('matches the CPU within float32 tolerance and leaks nothing', async () => {
    await useBackend(name);
    const before = tf.memory().numTensors;
    expectSame(await compute(), reference, name);
    expect(tf.memory().numTensors).toBe(before);
  }, 300_000);
});
