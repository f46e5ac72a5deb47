/**
 * Slice time on WASM with tensorfold's Slice (copies only the slice, from a view of the heap) against
 * the stock kernel (which first copies the whole input out of the heap), in the same run. The cases
 * are a batch of rows from a dataset held as one tensor, and one time step of a sequence batch.
 */
import * as tf from '@tensorflow/tfjs-core';
import { registerWasmKernels, unregisterWasmKernels } from '@tensorfold/backend';
import { type BenchContext, type Suite, timeIt } from '../harness.js';

const CASES = [
  {
    name: '32 rows of [10000, 28, 28, 1] (a batch of MNIST)',
    shape: [10000, 28, 28, 1],
    begin: [4000, 0, 0, 0],
    size: [32, -1, -1, -1],
  },
  {
    name: 'step 30 of [32, 60, 50] (one time step)',
    shape: [32, 60, 50],
    begin: [0, 30, 0],
    size: [-1, 1, -1],
  },
];

async function sliceMs(c: (typeof CASES)[number], quick: boolean): Promise<number> {
  const x = tf.randomUniform(c.shape, 0, 1, 'float32', 1);
  const timing = await timeIt(() => tf.slice(x, c.begin, c.size), {
    minRuns: quick ? 5 : 20,
    minTimeMs: quick ? 200 : 1000,
  });
  x.dispose();
  return timing.medianMs;
}

const suite: Suite = {
  name: 'backend-slice',
  description: 'slice ms, tensorfold WASM kernel vs stock, same run',
  backends: ['wasm'],
  async run(ctx: BenchContext) {
    for (const c of CASES) {
      unregisterWasmKernels();
      const stock = await sliceMs(c, ctx.quick);
      registerWasmKernels();
      const ours = await sliceMs(c, ctx.quick);
      ctx.report({
        suite: 'backend-slice',
        case: c.name,
        unit: 'ms',
        value: ours,
        peer: stock,
        peerName: 'stock tfjs wasm Slice',
        higherIsBetter: false,
      });
    }
  },
};

export default suite;
