/**
 * The 3D kernels on WASM (a small volumetric convnet's shapes: batch 4, 16x16x16 volumes, 3x3x3
 * convolutions from 8 to 16 channels, 2x2x2 pools), tensorfold's kernels against stock
 * tfjs-backend-wasm's in the same run (alternating rounds, medians; see kernel-ab.ts). Stock
 * Conv3DBackpropInputV2, MaxPool3D and MaxPool3DGrad give wrong values and Conv3DBackpropFilterV2 does
 * at strides above 1; they are timed anyway, as the kernels tensorfold replaces. Stock Conv3D, and
 * the stock filter gradient at stride 1, are right: there being slower would cost something.
 */
import { tf } from '@tensorfold/core';
import type { BenchContext, Suite } from '../harness.js';
import { timeAgainstStock } from '../kernel-ab.js';

const uniform = (shape: number[], seed: number) => tf.randomUniform(shape, -1, 1, 'float32', seed);

/** A new copy of `t`, as every `dy` of training is new. */
const fresh = (t: tf.Tensor) => tf.add(t, 0);

function kernel(name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown>): tf.Tensor {
  return tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;
}

const X = [4, 16, 16, 16, 8];
const FILTER = [3, 3, 3, 8, 16];
const Y = [4, 16, 16, 16, 16];
const POOLED = [4, 8, 8, 8, 16];
const conv = { strides: [1, 1, 1], pad: 'same' };
const pool = { filterSize: [2, 2, 2], strides: [2, 2, 2], pad: 'valid' };

const CASES: Array<{ name: string; setup: () => { compute: () => tf.Tensor; inputs: tf.Tensor[] } }> = [
  {
    name: 'Conv3D, x 4x16x16x16x8, filter 3x3x3x8x16, same (stock right, a scalar loop)',
    setup: () => {
      const [x, filter] = [uniform(X, 1), uniform(FILTER, 2)];
      const attrs = { ...conv, dataFormat: 'NDHWC', dilations: 1 };
      return { compute: () => kernel('Conv3D', { x, filter }, attrs), inputs: [x, filter] };
    },
  },
  {
    name: 'Conv3DBackpropInputV2, same shapes (stock wrong)',
    setup: () => {
      const [dy, filter] = [uniform(Y, 3), uniform(FILTER, 2)];
      const attrs = { ...conv, inputShape: X };
      return { compute: () => kernel('Conv3DBackpropInputV2', { dy, filter }, attrs), inputs: [dy, filter] };
    },
  },
  {
    name: 'Conv3DBackpropFilterV2, same shapes, stride 1 (stock right; dy copied fresh)',
    setup: () => {
      const [x, dy] = [uniform(X, 1), uniform(Y, 3)];
      const attrs = { ...conv, filterShape: FILTER };
      return {
        compute: () => tf.tidy(() => kernel('Conv3DBackpropFilterV2', { x, dy: fresh(dy) }, attrs)),
        inputs: [x, dy],
      };
    },
  },
  {
    name: 'MaxPool3D 2x2x2 stride 2, x 4x16x16x16x16 (stock wrong)',
    setup: () => {
      const x = uniform(Y, 4);
      return { compute: () => kernel('MaxPool3D', { x }, { ...pool, dataFormat: 'NDHWC' }), inputs: [x] };
    },
  },
  {
    name: 'MaxPool3DGrad 2x2x2 stride 2, same shapes (stock wrong)',
    setup: () => {
      const [input, dy] = [uniform(Y, 4), uniform(POOLED, 5)];
      const output = tf.maxPool3d(input as tf.Tensor5D, 2, 2, 'valid');
      return {
        compute: () => kernel('MaxPool3DGrad', { dy, input, output }, pool),
        inputs: [input, dy, output],
      };
    },
  },
];

const suite: Suite = {
  name: 'backend-3d',
  description: "The 3D kernels on WASM: tensorfold's vs stock tfjs-backend-wasm's, same run",
  backends: ['wasm'],
  async run(ctx: BenchContext) {
    for (const c of CASES) {
      const { compute, inputs } = c.setup();
      try {
        const timing = await timeAgainstStock(compute, {
          swap: true,
          rounds: ctx.quick ? 2 : 6,
          perRound: 3,
          readBack: false,
        });
        ctx.report({
          suite: 'backend-3d',
          case: c.name,
          unit: 'ms',
          value: timing.ours,
          peer: timing.stock,
          peerName: 'stock tfjs wasm kernel',
          higherIsBetter: false,
        });
      } finally {
        tf.dispose(inputs);
      }
    }
  },
};

export default suite;
