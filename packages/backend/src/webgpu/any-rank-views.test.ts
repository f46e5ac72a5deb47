import * as tf from '@tensorflow/tfjs-core';
import { describe, it } from 'vitest';
import { backendsForTests } from '../testing.js';
import { expectWebgpuMatchesCpu } from './test-utils/compare-with-cpu.js';

const hasWebgpu = (await backendsForTests()).includes('webgpu');

/** Distinct values in [-1.5, 1.75], on the GPU once a kernel has run. */
const ramp = (shape: number[]) =>
  tf.add(
    tf.tensor(
      Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => ((i * 7) % 14) / 4 - 1.5),
      shape,
    ),
    0,
  );

// Stock tfjs-backend-webgpu 4.22 throws "GPU for rank 7 is not yet supported" for each of these.
describe.skipIf(!hasWebgpu)(
  'WebGPU cumsum, mirrorPad, batchNorm and more element-wise kernels above rank 6',
  () => {
    const r7 = [2, 3, 1, 2, 3, 2, 2];
    const r8 = [2, 1, 3, 2, 2, 3, 1, 2];
    const cases: Array<[string, () => tf.Tensor | tf.Tensor[]]> = [
      ['cumsum along axis 3 of a rank-7 tensor', () => tf.cumsum(ramp(r7), 3)],
      ['cumsum exclusive and reversed, rank 8', () => tf.cumsum(ramp(r8), 5, true, true)],
      ['cumprod along the last axis, rank 7', () => tf.cumprod(ramp(r7), 6)],
      [
        'mirrorPad reflect, rank 7',
        () =>
          tf.mirrorPad(
            ramp(r7),
            r7.map((d) => (d > 2 ? [1, 2] : [0, 0]) as [number, number]),
            'reflect',
          ),
      ],
      [
        'mirrorPad symmetric, rank 8',
        () =>
          tf.mirrorPad(
            ramp(r8),
            r8.map(() => [0, 1] as [number, number]),
            'symmetric',
          ),
      ],
      // (tfjs-core 4.22 has no gradient of batchNorm above rank 4, on any backend.)
      [
        'batchNorm with vector parameters, rank 7',
        () => tf.batchNorm(ramp(r7), ramp([2]), tf.add(tf.abs(ramp([2])), 0.5), ramp([2]), ramp([2]), 1e-3),
      ],
      [
        'batchNorm without scale and offset, rank 8',
        () => tf.batchNorm(ramp(r8), ramp([2]), tf.add(tf.abs(ramp([2])), 0.5)),
      ],
      ['prelu, rank 7', () => tf.prelu(ramp(r7), ramp([2]))],
      [
        'elu and its gradient (EluGrad), rank 8',
        () => tf.grads((x: tf.Tensor) => tf.sum(tf.elu(x)))([ramp(r8)]),
      ],
      [
        'isFinite and isInf, rank 8',
        () => [tf.isFinite(tf.div(ramp(r8), ramp(r8))), tf.isInf(tf.div(1, ramp(r8)))],
      ],
    ];
    for (const [name, f] of cases) {
      it(`${name} matches the CPU backend`, async () => {
        await expectWebgpuMatchesCpu(f);
      });
    }
  },
);

describe.skipIf(!hasWebgpu)(
  'WebGPU cumsum reversed and mirrorPad at rank 5 (found by the fuzz suite)',
  () => {
    const cases: Array<[string, () => tf.Tensor | tf.Tensor[]]> = [
      // Stock reuses the shader compiled for the first length (18) for the second (3).
      [
        'cumsum reversed over lengths 18 then 3, and exclusive',
        () => [
          tf.cumsum(ramp([18]), 0, false, true),
          tf.cumsum(ramp([3]), 0, false, true),
          tf.cumsum(ramp([3, 5]), 1, true, true),
          tf.cumprod(ramp([4, 2]), 0, false, true),
        ],
      ],
      // Stock: an invalid pipeline ("cannot index type 'vec5'").
      [
        'mirrorPad at rank 5',
        () =>
          tf.mirrorPad(
            ramp([1, 18, 1, 4, 2]),
            [
              [0, 0],
              [2, 1],
              [0, 0],
              [1, 1],
              [0, 0],
            ],
            'reflect',
          ),
      ],
      [
        'mirrorPad of nothing at rank 6',
        () =>
          tf.mirrorPad(
            ramp([2, 3, 1, 2, 1, 2]),
            [
              [0, 0],
              [0, 0],
              [0, 0],
              [0, 0],
              [0, 0],
              [0, 0],
            ],
            'symmetric',
          ),
      ],
    ];
    for (const [name, f] of cases) {
      it(`${name} matches the CPU backend`, async () => {
        await expectWebgpuMatchesCpu(f);
      });
    }
  },
);
