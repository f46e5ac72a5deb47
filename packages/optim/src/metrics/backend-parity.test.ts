/**
 * The classification metrics give the CPU's results on every backend that starts here (WASM, and
 * WebGPU where it can start; `TENSORFOLD_REQUIRE_WEBGPU=1` makes a missing WebGPU a failure): their
 * updates use ops (top-k masks, bincounts, one-hots) whose kernels differ per backend.
 */
import { type BackendName, useBackend } from '@tensorfold/backend';
import { backendsForTests } from '@tensorfold/backend/testing';
import { type Metric, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from '../test-utils/setup.js';
import { sparseTopKCategoricalAccuracy } from './accuracy.js';
import { auc } from './auc.js';
import { confusionMatrix } from './confusion-matrix.js';
import { f1Score } from './f1.js';
import { precision, recall } from './precision-recall.js';

/** Each metric's result after one update with sequence outputs, sample weights and invalid ids. */
async function results(): Promise<number[]> {
  const out: number[] = [];
  const read = async (metric: Metric) => {
    const r = metric.result();
    out.push((await r.data())[0]);
    r.dispose();
    metric.dispose();
  };
  const y = tf.tensor3d([
    [
      [1, 0],
      [0, 1],
    ],
    [
      [1, 0],
      [1, 0],
    ],
  ]); // [batch 2, steps 2, classes 2]
  const p = tf.tensor3d([
    [
      [0.9, 0.1],
      [0.2, 0.8],
    ],
    [
      [0.7, 0.3],
      [0.4, 0.6],
    ],
  ]);
  const w = tf.tensor1d([1, 3]);
  for (const metric of [precision({ topK: 1 }), recall({ classId: 1 }), f1Score(), auc()]) {
    metric.update(y, p, w);
    await read(metric);
  }
  const tied = [tf.tensor2d([[0, 0, 1]]), tf.tensor2d([[0.9, 0.8, 0.8]])];
  const top = precision({ topK: 2 });
  top.update(tied[0], tied[1]);
  await read(top);
  const ids = tf.tensor1d([0, 1, 3, -1, Number.NaN, 2]);
  const scores = tf.tensor2d([
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
    [1, 0, 0],
    [1, 0, 0],
    [0.2, 0.3, 0.5],
  ]);
  const table = confusionMatrix({ numClasses: 3 });
  table.update(ids, scores);
  const counts = table.matrix();
  out.push(...(await counts.data()));
  counts.dispose();
  await read(table);
  const inTop = sparseTopKCategoricalAccuracy({ k: 5 });
  inTop.update(ids, scores);
  await read(inTop);
  tf.dispose([y, p, w, ...tied, ids, scores]);
  return out;
}

let expected: number[];
beforeAll(async () => {
  await useCpu();
  expected = await results();
});

const others = (await backendsForTests()).filter((name) => name !== 'cpu');

describe.each(others)('classification metrics on %s', (backend: BackendName) => {
  beforeAll(() => useBackend(backend), 60_000);

  it('match the CPU, leaking nothing', async () => {
    const before = tf.memory().numTensors;
    const values = await results();
    expect(values.length).toBe(expected.length);
    for (const [i, v] of values.entries()) expect(v, `value ${i}`).toBeCloseTo(expected[i], 5);
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);
});
