/**
 * tensorfold's direct convolution kernels on WASM (conv-by-simd.ts, filter-gradient-by-rows.ts)
 * against the paths they replaced (XNNPACK's convolution, the pool's patches, the input gradient's
 * full correlation, kernels.wat's filter gradient), same run, alternating in rounds (kernel-ab.ts):
 * LeNet-5's convolutions at batch 64 and two VGG-style layers at batch 32. On the thread count the
 * suite runs with (`TENSORFOLD_WASM_THREADS`; both sides use the pool where their path does).
 */
import * as tf from '@tensorflow/tfjs-core';
import { wasmThreads } from '@tensorfold/backend';
import { convPasses } from '../conv-passes.js';
import type { BenchContext, Suite } from '../harness.js';
import { timeAgainstNoDirect } from '../kernel-ab.js';

type Shape4 = [number, number, number, number];

/** A convolution: input, filter, padding; its forward (bias, relu), input and filter gradients are timed. */
interface Layer {
  name: string;
  x: Shape4;
  filter: Shape4;
  pad: 'valid' | 'same';
}

const LAYERS: Layer[] = [
  {
    name: 'LeNet-5 conv 1 (64x28x28x1, 3x3 to 8, same)',
    x: [64, 28, 28, 1],
    filter: [3, 3, 1, 8],
    pad: 'same',
  },
  {
    name: 'LeNet-5 conv 2 (64x14x14x8, 5x5 to 16, valid)',
    x: [64, 14, 14, 8],
    filter: [5, 5, 8, 16],
    pad: 'valid',
  },
  {
    name: 'VGG-style (32x28x28x16, 3x3 to 16, same)',
    x: [32, 28, 28, 16],
    filter: [3, 3, 16, 16],
    pad: 'same',
  },
  {
    name: 'VGG-style (32x14x14x16, 3x3 to 32, same)',
    x: [32, 14, 14, 16],
    filter: [3, 3, 16, 32],
    pad: 'same',
  },
];

const suite: Suite = {
  name: 'backend-direct-conv',
  description: 'WASM direct convolution kernels against the paths they replaced, same run (ms per call)',
  backends: ['wasm'],
  async run(ctx: BenchContext) {
    const threads = wasmThreads();
    for (const layer of LAYERS) {
      const x = tf.randomUniform(layer.x, -1, 1, 'float32', 1) as tf.Tensor4D;
      const filter = tf.randomUniform(layer.filter, -1, 1, 'float32', 2) as tf.Tensor4D;
      const bias = tf.randomUniform([layer.filter[3]], -1, 1, 'float32', 3);
      const yShape = tf.backend_util.computeConv2DInfo(layer.x, layer.filter, 1, 1, layer.pad).outShape;
      const dy = tf.randomUniform(yShape, -1, 1, 'float32', 4) as tf.Tensor4D;
      try {
        for (const [kernel, compute] of convPasses({ x, filter, bias, dy, pad: layer.pad })) {
          const timing = await timeAgainstNoDirect(compute, {
            rounds: ctx.quick ? 4 : 15,
            perRound: 5,
            readBack: false,
          });
          ctx.report({
            suite: 'backend-direct-conv',
            case: `${layer.name} ${kernel}`,
            unit: 'ms',
            value: timing.ours,
            peer: timing.stock,
            peerName: `without the direct kernels (${threads} thread${threads > 1 ? 's' : ''})`,
            higherIsBetter: false,
          });
        }
      } finally {
        tf.dispose([x, filter, bias, dy]);
      }
    }
  },
};

export default suite;
