/**
 * `tf.image.transform` time on WASM with tensorfold's Transform kernel (one JavaScript pass over the
 * heap, each pixel's source computed once for all channels) against the stock kernel (C++, which
 * recomputes the source per channel), in the same run. Stock gives wrong pixels for `'reflect'`; the
 * work is the same. Cases are augmentation batches: MNIST digits and CIFAR-sized colour images.
 */
import * as tf from '@tensorflow/tfjs-core';
import { registerWasmKernels, unregisterWasmKernels } from '@tensorfold/backend';
import { type BenchContext, type Suite, timeIt } from '../harness.js';

const CASES = [
  {
    name: '32 x [28, 28, 1], bilinear, constant',
    shape: [32, 28, 28, 1],
    interpolation: 'bilinear',
    fill: 'constant',
  },
  {
    name: '32 x [32, 32, 3], bilinear, reflect',
    shape: [32, 32, 32, 3],
    interpolation: 'bilinear',
    fill: 'reflect',
  },
  { name: '32 x [32, 32, 3], nearest, wrap', shape: [32, 32, 32, 3], interpolation: 'nearest', fill: 'wrap' },
] as const;

/** A rotation by `angle` about the image centre with a shift, as an output-to-input row. */
function rotation(angle: number, size: number, shift: number): number[] {
  const [cos, sin, c] = [Math.cos(angle), Math.sin(angle), (size - 1) / 2];
  return [cos, -sin, c - cos * c + sin * c + shift, sin, cos, c - sin * c - cos * c - shift, 0, 0];
}

async function transformMs(c: (typeof CASES)[number], quick: boolean): Promise<number> {
  const [batch, height] = c.shape;
  const images = tf.randomUniform([...c.shape], 0, 1, 'float32', 1);
  const transforms = tf.tensor2d(
    Array.from({ length: batch }, (_, i) => rotation(0.05 * i - 0.8, height, i % 5)),
  );
  const timing = await timeIt(
    () => tf.image.transform(images as tf.Tensor4D, transforms, c.interpolation, c.fill, 0),
    { minRuns: quick ? 5 : 20, minTimeMs: quick ? 200 : 1000 },
  );
  tf.dispose([images, transforms]);
  return timing.medianMs;
}

const suite: Suite = {
  name: 'backend-transform',
  description: 'tf.image.transform ms, tensorfold WASM kernel vs stock, same run',
  backends: ['wasm'],
  async run(ctx: BenchContext) {
    for (const c of CASES) {
      unregisterWasmKernels();
      const stock = await transformMs(c, ctx.quick);
      registerWasmKernels();
      const ours = await transformMs(c, ctx.quick);
      ctx.report({
        suite: 'backend-transform',
        case: c.name,
        unit: 'ms',
        value: ours,
        peer: stock,
        peerName: 'stock tfjs wasm Transform',
        higherIsBetter: false,
        note: c.fill === 'reflect' ? 'stock pixels wrong' : undefined,
      });
    }
  },
};

export default suite;
