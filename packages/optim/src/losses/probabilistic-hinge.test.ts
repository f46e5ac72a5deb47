import { create, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, useCpu, values } from '../test-utils/setup.js';
import { CategoricalHinge, categoricalHinge, Hinge, hinge, squaredHinge } from './hinge.js';
import { KLDivergence, klDivergence, Poisson, poisson } from './probabilistic.js';

beforeAll(useCpu);

async function lossValues(
  loss: { call(a: tf.Tensor, b: tf.Tensor): tf.Tensor },
  y: number[][],
  p: number[][],
) {
  const [yt, pt] = [tf.tensor2d(y), tf.tensor2d(p)];
  const out = loss.call(yt, pt);
  const v = await values(out);
  tf.dispose([out, yt, pt]);
  return v;
}

describe('KL divergence and Poisson', () => {
  it('KL divergence matches sum(y log(y/p)) and is finite where y or p is 0', async () => {
    const kl = await lossValues(
      klDivergence(),
      [
        [0.5, 0.5],
        [1, 0],
      ],
      [
        [0.25, 0.75],
        [0, 1],
      ],
    );
    expect(kl[0]).toBeCloseTo(0.5 * Math.log(2) + 0.5 * Math.log(2 / 3), 5);
    expect(kl[1]).toBeCloseTo(Math.log(1 / 1e-7), 3);
  });

  it('Poisson matches mean(p - y log p)', async () => {
    const out = await lossValues(poisson(), [[1, 3]], [[2, 1]]);
    expectClose(out, [(2 - Math.log(2) + 1 - 3 * Math.log(1)) / 2], 1e-5);
  });
});

describe('hinge losses', () => {
  it('hinge and squared hinge convert {0, 1} labels to {-1, 1}', async () => {
    const y = [
      [0, 1],
      [1, 1],
    ];
    const p = [
      [0.3, 0.4],
      [2, -1],
    ];
    // signed: [[-1, 1], [1, 1]] -> margins 1 - y p: [[1.3, 0.6], [-1, 2]] -> relu: [[1.3, 0.6], [0, 2]]
    expectClose(await lossValues(hinge(), y, p), [0.95, 1], 1e-6);
    expectClose(await lossValues(squaredHinge(), y, p), [(1.69 + 0.36) / 2, 2], 1e-5);
    // the same with -1 labels given directly
    expectClose(
      await lossValues(
        hinge(),
        [
          [-1, 1],
          [1, 1],
        ],
        p,
      ),
      [0.95, 1],
      1e-6,
    );
  });

  it('categorical hinge penalizes the best wrong class within a margin of 1', async () => {
    const out = await lossValues(
      categoricalHinge(),
      [
        [0, 1, 0],
        [1, 0, 0],
      ],
      [
        [0.2, 0.9, 0.5],
        [0.1, 2, 0],
      ],
    );
    expectClose(out, [1 + 0.5 - 0.9, 1 + 2 - 0.1], 1e-6);
  });

  it('are registered by name', () => {
    expect(create('loss', 'hinge')).toBeInstanceOf(Hinge);
    expect(create('loss', 'categorical_hinge')).toBeInstanceOf(CategoricalHinge);
    expect(create('loss', 'kld')).toBeInstanceOf(KLDivergence);
    expect(create('loss', 'kullback_leibler_divergence')).toBeInstanceOf(KLDivergence);
    expect(create('loss', 'poisson')).toBeInstanceOf(Poisson);
  });
});
