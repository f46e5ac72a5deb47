/**
 * The kernels that dominate a LeNet-5 training step on WASM (batch 64), timed on tensorfold's kernels
 * and on the stock tfjs-backend-wasm kernels in the same run (alternating rounds, medians; see
 * kernel-ab.ts; WASM runs kernels synchronously, so results are not read back). Where stock WASM has no kernel at all (Conv2DBackpropFilter), the peer is n/a and
 * the row records tensorfold's time only. Stock MaxPoolGrad is also wrong (it drops the gradient of
 * all-negative windows); it is timed anyway as the kernel tensorfold replaces. Kernels that run on
 * tensorfold's SIMD kernels are timed a second time against tensorfold with those turned off, and,
 * where the runtime has relaxed SIMD (the bench starts Node with it), their FMA build against their
 * plain SIMD build.
 */

import { simdKernelsFlavor } from '@tensorfold/backend/testing';
import { tf } from '@tensorfold/core';
import type { BenchContext, Suite } from '../harness.js';
import { type KernelTiming, timeAgainstNoFma, timeAgainstNoSimd, timeAgainstStock } from '../kernel-ab.js';

interface KernelCase {
  name: string;
  /** Whether tensorfold runs it on its SIMD kernels: then it is also timed with them turned off. */
  simd?: boolean;
  /** Builds the inputs once and returns the computation to time. */
  setup: () => { compute: () => tf.Tensor; inputs: tf.Tensor[] };
}

const uniform = (shape: number[], seed: number) => tf.randomUniform(shape, -1, 1, 'float32', seed);

/**
 * A new copy of `t` (one XNNPACK pass). XNNPACK keeps its packed copy of a matrix-product operand it
 * has seen; in training every `dy` is new, so a benchmark that reused one would time less work.
 */
const fresh = (t: tf.Tensor) => tf.add(t, 0);

function kernel(name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown>): tf.Tensor {
  return tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;
}

const CASES: KernelCase[] = [
  {
    name: 'Conv2DBackpropInput, 2nd conv (dy 64x10x10x16, filter 5x5x8x16)',
    setup: () => {
      const dy = uniform([64, 10, 10, 16], 1);
      const filter = uniform([5, 5, 8, 16], 2);
      const attrs = { inputShape: [64, 14, 14, 8], strides: [1, 1], pad: 'valid', dataFormat: 'NHWC' };
      return { compute: () => kernel('Conv2DBackpropInput', { dy, filter }, attrs), inputs: [dy, filter] };
    },
  },
  {
    simd: true,
    name: 'Conv2DBackpropFilter, 1st conv (x 64x28x28x1, filter 3x3x1x8, same; dy copied fresh)',
    setup: () => {
      const x = uniform([64, 28, 28, 1], 3);
      const dy = uniform([64, 28, 28, 8], 4);
      const attrs = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 1, 8] };
      return {
        compute: () => tf.tidy(() => kernel('Conv2DBackpropFilter', { x, dy: fresh(dy) }, attrs)),
        inputs: [x, dy],
      };
    },
  },
  {
    simd: true,
    name: 'Conv2DBackpropFilter, 2nd conv (x 64x14x14x8, filter 5x5x8x16, valid; dy copied fresh)',
    setup: () => {
      const x = uniform([64, 14, 14, 8], 5);
      const dy = uniform([64, 10, 10, 16], 6);
      const attrs = { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', filterShape: [5, 5, 8, 16] };
      return {
        compute: () => tf.tidy(() => kernel('Conv2DBackpropFilter', { x, dy: fresh(dy) }, attrs)),
        inputs: [x, dy],
      };
    },
  },
  {
    simd: true,
    name: 'MaxPoolGrad, 1st pool (64x28x28x8, 2x2)',
    setup: () => {
      const input = tf.relu(uniform([64, 28, 28, 8], 7));
      const output = tf.maxPool(input as tf.Tensor4D, 2, 2, 'valid');
      const dy = uniform([64, 14, 14, 8], 8);
      const attrs = { filterSize: 2, strides: 2, pad: 'valid' };
      return {
        compute: () => kernel('MaxPoolGrad', { dy, input, output }, attrs),
        inputs: [input, output, dy],
      };
    },
  },
  {
    name: 'Add of the 1st conv bias (64x28x28x8 + 8)',
    setup: () => {
      const x = uniform([64, 28, 28, 8], 12);
      const bias = uniform([8], 13);
      return { compute: () => tf.add(x, bias), inputs: [x, bias] };
    },
  },
  {
    name: 'copy of dy (64x28x28x8), part of the rows above',
    setup: () => {
      const dy = uniform([64, 28, 28, 8], 11);
      return { compute: () => fresh(dy), inputs: [dy] };
    },
  },
  {
    name: 'Sum over [0, 1, 2], 1st conv bias gradient (64x28x28x8)',
    setup: () => {
      const dy = uniform([64, 28, 28, 8], 9);
      return { compute: () => tf.sum(dy, [0, 1, 2]), inputs: [dy] };
    },
  },
  {
    name: 'Identity (clone of a saved activation, 64x28x28x8)',
    setup: () => {
      const x = uniform([64, 28, 28, 8], 10);
      return { compute: () => tf.clone(x), inputs: [x] };
    },
  },
  {
    simd: true,
    name: 'MaxPool, 1st pool (64x28x28x8, 2x2)',
    setup: () => {
      const x = tf.relu(uniform([64, 28, 28, 8], 14));
      return { compute: () => tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid'), inputs: [x] };
    },
  },
];

const suite: Suite = {
  name: 'backend-kernels',
  description:
    "LeNet-5's heaviest training kernels on WASM: tensorfold's vs stock tfjs-backend-wasm's, same run",
  backends: ['wasm'],
  async run(ctx: BenchContext) {
    for (const c of CASES) {
      const { compute, inputs } = c.setup();
      const options = { rounds: ctx.quick ? 2 : 8, perRound: 5, readBack: false };
      const report = (timing: KernelTiming, peerName: string, note?: string) =>
        ctx.report({
          suite: 'backend-kernels',
          case: c.name,
          unit: 'ms',
          value: timing.ours,
          peer: timing.stock,
          peerName,
          higherIsBetter: false,
          note: timing.stock === null ? note : undefined,
        });
      try {
        report(
          await timeAgainstStock(compute, { swap: true, ...options }),
          'stock tfjs wasm kernel',
          'stock WASM has no such kernel',
        );
        if (c.simd) report(await timeAgainstNoSimd(compute, options), 'tensorfold without its SIMD kernels');
        if (c.simd && simdKernelsFlavor() === 'fma')
          report(await timeAgainstNoFma(compute, options), 'tensorfold SIMD kernels without FMA');
      } finally {
        tf.dispose(inputs);
      }
    }
  },
};

export default suite;
