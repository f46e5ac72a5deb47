import { create, type Loss, registeredNames, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu, values } from '../test-utils/setup.js';

beforeAll(useCpu);

/** Targets and predictions at the edges: exact 0 and 1, saturated and huge values. */
const cases: Array<[string, number[][], number[][]]> = [
  [
    'probabilities of exactly 0 and 1',
    [
      [0, 1],
      [1, 0],
    ],
    [
      [0, 1],
      [0, 1],
    ],
  ],
  [
    'huge values',
    [
      [0, 1],
      [1, 0],
    ],
    [
      [1e4, -1e4],
      [-1e4, 1e4],
    ],
  ],
];

describe('every loss at the extremes', () => {
  const names = registeredNames('loss');

  it('covers the losses the issue lists', () => {
    for (const name of [
      'BinaryCrossentropy',
      'CategoricalCrossentropy',
      'SparseCategoricalCrossentropy',
      'MeanSquaredError',
      'MeanAbsoluteError',
      'Huber',
      'LogCosh',
      'KLDivergence',
      'Hinge',
      'CosineSimilarity',
    ])
      expect(names).toContain(name);
  });

  it.each(names)('%s gives finite losses and gradients', async (name) => {
    for (const fromLogits of [false, true]) {
      const loss = create<Loss>('loss', { className: name, config: fromLogits ? { fromLogits } : {} });
      for (const [what, y, p] of cases) {
        if (!fromLogits && what === 'huge values' && name.endsWith('Crossentropy')) continue; // not probabilities
        const yt = name.startsWith('Sparse') ? tf.tensor1d([1, 0], 'int32') : tf.tensor2d(y);
        // Poisson rates must be >= 0 (a negative rate is a modelling error, NaN as in Keras).
        const pt = tf.tensor2d(name === 'Poisson' ? p.map((row) => row.map(Math.abs)) : p);
        const out = loss.call(yt, pt);
        const grad = tf.grad((q: tf.Tensor) => tf.sum(loss.call(yt, q)))(pt);
        const [v, g] = [await values(out), await values(grad)];
        expect(v.every(Number.isFinite), `${name} ${what} fromLogits=${fromLogits}: ${v}`).toBe(true);
        expect(g.every(Number.isFinite), `${name} ${what} gradient: ${g}`).toBe(true);
        tf.dispose([yt, pt, out, grad]);
      }
      if (!('fromLogits' in (loss.getConfig?.() ?? {}))) break; // only cross-entropies take logits
    }
  });
});
