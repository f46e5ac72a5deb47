import { initBackend } from '@tensorfold/backend';
import { tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { imageTensor, reconstruct } from './decompose';
import { products } from './products';
import { SIZE } from './state';

beforeAll(async () => {
  await initBackend({ require: 'cpu' });
});

describe('Tensors page', () => {
  it('products match the definitions', async () => {
    const p = await products();
    expect(p.outer).toEqual([
      [1, -1],
      [2, -2],
      [3, -3],
    ]);
    expect(p.kronecker[0]).toEqual([0, 1, 0, 2]);
    expect(p.kronecker[3]).toEqual([3, 6, 4, 8]);
    expect(p.khatriRao).toEqual([
      [0, 2],
      [1, 4],
      [0, 4],
      [3, 8],
    ]);
    expect(p.hadamard).toEqual([
      [0, 2],
      [3, 8],
    ]);
  });

  it('reconstructions: error falls with the rank, Tucker and TT at rank 24 are exact, no leaks', async () => {
    const image = imageTensor();
    const before = tf.memory().numTensors;
    const cp2 = await reconstruct(image, 'CP', 2);
    const cp8 = await reconstruct(image, 'CP', 8);
    expect(cp8.error).toBeLessThan(cp2.error);
    expect(cp2.ratio).toBeCloseTo((SIZE * SIZE * 3) / (2 * (SIZE + SIZE + 3) + 2), 1);
    const tucker = await reconstruct(image, 'Tucker', 24);
    expect(tucker.error).toBeLessThan(1e-4);
    const tt = await reconstruct(image, 'TT', 24);
    expect(tt.error).toBeLessThan(1e-4);
    expect(tt.pixels).toHaveLength(SIZE * SIZE * 3);
    const small = await reconstruct(image, 'TT', 2);
    expect(small.ratio).toBeGreaterThan(1);
    expect(tf.memory().numTensors).toBe(before);
    image.dispose();
  });
});
