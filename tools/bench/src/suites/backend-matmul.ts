/**
 * matMul throughput (GFLOP/s) of the shapes a dense layer's forward and backward passes run, with
 * tensorfold's WASM kernels against the stock tfjs-backend-wasm kernels in the same run. On WebGPU and
 * CPU tensorfold uses the stock kernels, so the two figures measure the same kernel.
 */

import * as tf from '@tensorflow/tfjs-core';
import { registerWasmKernels, unregisterWasmKernels } from '@tensorfold/backend';
import { type BenchContext, type Suite, timeIt } from '../harness.js';

interface MatMulCase {
  name: string;
  a: number[];
  b: number[];
  transposeA: boolean;
  transposeB: boolean;
}

// The MLP 784-512-256-10 at batch 128: forward x.W, backward dy.W^T (input gradient) and x^T.dy (weight gradient).
const CASES: MatMulCase[] = [
  { name: '128x784 . 784x512 (forward)', a: [128, 784], b: [784, 512], transposeA: false, transposeB: false },
  {
    name: '128x512 . (784x512)^T (input gradient)',
    a: [128, 512],
    b: [784, 512],
    transposeA: false,
    transposeB: true,
  },
  {
    name: '(128x784)^T . 128x512 (weight gradient)',
    a: [128, 784],
    b: [128, 512],
    transposeA: true,
    transposeB: false,
  },
  { name: '512x512 . 512x512', a: [512, 512], b: [512, 512], transposeA: false, transposeB: false },
  { name: 'batched 8x(64x64 . 64x64)', a: [8, 64, 64], b: [8, 64, 64], transposeA: false, transposeB: false },
];

function flops(c: MatMulCase): number {
  const rows = c.transposeA ? c.a[c.a.length - 1] : c.a[c.a.length - 2];
  const inner = c.transposeA ? c.a[c.a.length - 2] : c.a[c.a.length - 1];
  const cols = c.transposeB ? c.b[c.b.length - 2] : c.b[c.b.length - 1];
  const batch = c.a.length > 2 ? c.a[0] : 1;
  return 2 * batch * rows * inner * cols;
}

async function gflops(c: MatMulCase, quick: boolean): Promise<number> {
  const a = tf.randomUniform(c.a, -1, 1, 'float32', 1);
  const b = tf.randomUniform(c.b, -1, 1, 'float32', 2);
  const timing = await timeIt(() => tf.matMul(a, b, c.transposeA, c.transposeB), {
    minRuns: quick ? 3 : 10,
    minTimeMs: quick ? 200 : 1000,
  });
  tf.dispose([a, b]);
  return flops(c) / (timing.medianMs * 1e6);
}

const suite: Suite = {
  name: 'backend-matmul',
  description: 'matMul GFLOP/s, tensorfold kernels vs stock tfjs kernels, same backend, same run',
  async run(ctx: BenchContext) {
    for (const c of CASES) {
      let stock: number;
      let ours: number;
      if (ctx.backend === 'wasm') {
        unregisterWasmKernels();
        stock = await gflops(c, ctx.quick);
        registerWasmKernels();
        ours = await gflops(c, ctx.quick);
      } else {
        ours = await gflops(c, ctx.quick);
        stock = ours;
      }
      ctx.report({
        suite: 'backend-matmul',
        case: c.name,
        unit: 'GFLOP/s',
        value: ours,
        peer: stock,
        peerName: `stock tfjs ${ctx.backend} kernel`,
        higherIsBetter: true,
        note: ctx.backend === 'wasm' ? undefined : 'same kernel (tensorfold adds none here)',
      });
    }
  },
};

export default suite;
