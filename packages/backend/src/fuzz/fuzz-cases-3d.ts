/**
 * The differential fuzz suite's 3D cases: `conv3d` (also dilated), `conv3dTranspose`, `maxPool3d` and
 * `avgPool3d` with their gradients, over random geometries (odd sizes, strides 1 to 3 per axis, same
 * and valid padding, filters and windows up to 3 per axis, 1 to 6 channels or a multiple of 4),
 * appended to `FUZZ_CASES`.
 */
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { valueSeed } from './arbitraries.js';
import type { FuzzCase } from './fuzz-cases.js';
import { withGradients } from './gradients.js';
import { input } from './values.js';

type Triple = [number, number, number];

/** A 3D convolution's or pool's geometry (NDHWC input, `[fd, fh, fw, in, out]` filter). */
interface Geometry3D {
  batch: number;
  /** `[depth, height, width]`. */
  dims: Triple;
  inChannels: number;
  outChannels: number;
  /** Filter or window size per axis. */
  window: Triple;
  strides: Triple;
  pad: 'same' | 'valid';
  seed: number;
}

const axis = fc.integer({ min: 1, max: 7 });
const small = fc.integer({ min: 1, max: 3 });

const geometry3d: fc.Arbitrary<Geometry3D> = fc
  .record({
    batch: fc.integer({ min: 1, max: 2 }),
    dims: fc.tuple(axis, axis, axis),
    inChannels: fc.oneof(fc.integer({ min: 1, max: 6 }), fc.constantFrom(4, 8)),
    outChannels: fc.oneof(fc.integer({ min: 1, max: 6 }), fc.constantFrom(4, 8)),
    window: fc.tuple(small, small, small),
    strides: fc.tuple(small, small, small),
    pad: fc.constantFrom<'same' | 'valid'>('same', 'valid'),
    seed: valueSeed,
  })
  .filter((g) => g.pad === 'same' || g.window.every((w, i) => w <= g.dims[i]));

const t5 = (x: tf.Tensor) => x as tf.Tensor5D;

function inputOf(g: Geometry3D): tf.Tensor5D {
  return t5(input([g.batch, ...g.dims, g.inChannels], g.seed));
}

function filterOf(g: Geometry3D): tf.Tensor5D {
  return t5(input([...g.window, g.inChannels, g.outChannels], g.seed + 1));
}

/** Long sums: one term per filter tap and input channel (and batch element, in the filter gradient). */
const convSlack = (g: Geometry3D) =>
  Math.max(
    1,
    (g.window[0] * g.window[1] * g.window[2] * Math.max(g.inChannels, g.outChannels) * g.batch) / 16,
  );

export const FUZZ_CASES_3D: ReadonlyArray<FuzzCase<unknown>> = [
  {
    name: 'conv3d and its gradients (Conv3D, Conv3DBackpropInputV2, Conv3DBackpropFilterV2)',
    arbitrary: geometry3d,
    run: (g) => withGradients((x, f) => tf.conv3d(t5(x), t5(f), g.strides, g.pad), [inputOf(g), filterOf(g)]),
    slack: convSlack,
  } satisfies FuzzCase<Geometry3D>,
  {
    name: 'conv3d dilated (Conv3D; tfjs-core has no gradient for dilations)',
    arbitrary: geometry3d
      .map((g) => ({ ...g, strides: [1, 1, 1] as Triple, pad: 'same' as const }))
      .chain((g) => fc.record({ g: fc.constant(g), dilations: fc.tuple(small, small, small) })),
    run: ({ g, dilations }) => [tf.conv3d(inputOf(g), filterOf(g), 1, 'same', 'NDHWC', dilations)],
    slack: ({ g }) => convSlack(g),
  } satisfies FuzzCase<{ g: Geometry3D; dilations: Triple }>,
  {
    name: 'conv3dTranspose (Conv3DBackpropInputV2; tfjs-core has no gradient for it)',
    arbitrary: geometry3d,
    run: (g) => {
      // conv3d maps [batch, ...dims, in] to dy's shape; its transpose maps dy's shape back.
      const dyShape = tf.tidy(() => tf.conv3d(inputOf(g), filterOf(g), g.strides, g.pad).shape);
      const dy = t5(input(dyShape, g.seed + 2));
      // The filter [fd, fh, fw, in, out] maps dy's out channels back to in channels.
      return [tf.conv3dTranspose(dy, filterOf(g), [g.batch, ...g.dims, g.inChannels], g.strides, g.pad)];
    },
    slack: convSlack,
  } satisfies FuzzCase<Geometry3D>,
  {
    name: 'maxPool3d and its gradient (MaxPool3D, MaxPool3DGrad)',
    arbitrary: geometry3d,
    run: (g) => withGradients((x) => tf.maxPool3d(t5(x), g.window, g.strides, g.pad), [inputOf(g)]),
  } satisfies FuzzCase<Geometry3D>,
  {
    name: 'avgPool3d and its gradient (AvgPool3D, AvgPool3DGrad)',
    arbitrary: geometry3d,
    run: (g) => withGradients((x) => tf.avgPool3d(t5(x), g.window, g.strides, g.pad), [inputOf(g)]),
  } satisfies FuzzCase<Geometry3D>,
] as ReadonlyArray<FuzzCase<unknown>>;
