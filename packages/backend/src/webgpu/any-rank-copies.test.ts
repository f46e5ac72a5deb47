import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { backendsForTests } from '../testing.js';
import { collapseTranspose } from './any-rank-copies.js';
import { indexMapData } from './index-map-program.js';
import { expectWebgpuMatchesCpu } from './test-utils/compare-with-cpu.js';

const hasWebgpu = (await backendsForTests()).includes('webgpu');

describe('collapseTranspose', () => {
  it('merges input axes that stay neighbours and drops size-1 axes', () => {
    // [a, b, c, d] -> [c, d, a, b]: two runs.
    expect(collapseTranspose([2, 3, 4, 5], [2, 3, 0, 1])).toEqual({ shape: [6, 20], perm: [1, 0] });
    // A size-1 axis between two neighbours does not split them.
    expect(collapseTranspose([2, 1, 3, 4], [3, 0, 1, 2])).toEqual({ shape: [6, 4], perm: [1, 0] });
    expect(collapseTranspose([2, 3, 4, 5, 6, 7, 8], [6, 5, 4, 3, 2, 1, 0])).toEqual({
      shape: [2, 3, 4, 5, 6, 7, 8],
      perm: [6, 5, 4, 3, 2, 1, 0],
    });
    expect(collapseTranspose([1, 1], [1, 0])).toEqual({ shape: [], perm: [] });
  });
});

describe('indexMapData', () => {
  it('lists the offset, the output strides, the moduli and the steps', () => {
    const data = indexMapData(
      [
        { size: 2, modulus: 2, step: 12 },
        { size: 3, modulus: 3, step: -1 },
      ],
      5,
    );
    expect(Array.from(data)).toEqual([5, 3, 1, 2, 3, 12, -1]);
  });
});

/** Distinct values, so a misplaced element shows. */
const ramp = (shape: number[], dtype: 'float32' | 'int32' = 'float32') =>
  tf.add(
    tf.tensor(
      Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i),
      shape,
      dtype,
    ),
    tf.scalar(dtype === 'int32' ? 0 : 0.5, dtype),
  );

// Stock tfjs-backend-webgpu 4.22 throws "GPU for rank 7 is not yet supported" for each of these (and
// tile above rank 4, on a tensor already on the GPU, "OffscreenCanvas is not defined" in Node).
describe.skipIf(!hasWebgpu)('WebGPU copies at any rank', () => {
  const r7 = [2, 3, 1, 2, 3, 2, 2];
  const r8 = [2, 1, 3, 2, 2, 3, 1, 2];
  const cases: Array<[string, () => tf.Tensor | tf.Tensor[]]> = [
    [
      'transpose at rank 7, no two axes merge',
      () => tf.transpose(ramp([2, 3, 2, 3, 2, 3, 2]), [6, 0, 5, 1, 4, 2, 3]),
    ],
    ['transpose at rank 8, reversed', () => tf.transpose(ramp(r8), [7, 6, 5, 4, 3, 2, 1, 0])],
    ['transpose at rank 8 that merges to rank 2', () => tf.transpose(ramp(r8), [4, 5, 6, 7, 0, 1, 2, 3])],
    [
      'transpose of int32 values above 2^24 (copied exactly)',
      () => tf.transpose(tf.add(ramp(r7, 'int32'), 2 ** 25), [6, 5, 4, 3, 2, 1, 0]),
    ],
    ['slice at rank 7', () => tf.slice(ramp(r7), [1, 1, 0, 0, 1, 0, 1], [1, 2, 1, 2, 2, 1, 1])],
    ['slice at rank 8, empty', () => tf.slice(ramp(r8), [0, 0, 0, 0, 0, 0, 0, 0], [2, 1, 0, 2, 2, 3, 1, 2])],
    ['unstack at rank 8', () => tf.unstack(ramp(r8), 5)],
    [
      'stridedSlice at rank 7 with negative steps',
      () =>
        tf.stridedSlice(
          ramp(r7),
          [1, 2, 0, 0, 0, 1, 0],
          [0, 0, 1, 2, 3, 2, 2],
          [-1, -2, 1, 1, 2, 1, 1],
          0,
          2,
        ),
    ],
    [
      'stridedSlice at rank 8, with begin and end masks',
      () => tf.stridedSlice(ramp(r8), [1, 0, 1], [2, 1, 3], [1, 1, 1], 5, 6),
    ],
    // Found by the fuzz suite: stock's shader is an invalid pipeline at rank 5 (read as zeros).
    [
      'stridedSlice at rank 5 with negative steps and masks',
      () =>
        tf.stridedSlice(ramp([5, 5, 2, 2, 5]), [0, 0, 0, 0, 0], [0, 0, 0, 0, 0], [1, 1, -3, -1, -3], 252, 3),
    ],
    ['tile at rank 5', () => tf.tile(ramp([2, 1, 3, 2, 2]), [1, 2, 1, 3, 1])],
    ['tile at rank 8', () => tf.tile(ramp(r8), [1, 2, 1, 1, 2, 1, 2, 1])],
    ['broadcastTo at rank 7 (a tile)', () => tf.broadcastTo(ramp([3, 1, 2]), [2, 1, 2, 2, 3, 2, 2])],
    [
      'tile of a bool tensor at rank 6',
      () => tf.cast(tf.tile(tf.greater(ramp([2, 1, 3, 2, 2, 1]), 5), [1, 2, 1, 1, 1, 2]), 'float32'),
    ],
    [
      'gather and its gradient (UnsortedSegmentSum) at rank 7',
      () =>
        tf.grads((x: tf.Tensor) => tf.sum(tf.square(tf.gather(x, tf.tensor1d([1, 0, 1], 'int32'), 4))))([
          ramp(r7),
        ]),
    ],
  ];
  for (const [name, f] of cases) {
    it(`${name} matches the CPU backend`, async () => {
      await expectWebgpuMatchesCpu(f);
    });
  }
});
