/**
 * matMul throughput (GFLOP/s) of the shapes a dense layer's forward and backward passes run, plus
 * batched and mode-n-product shapes, with tensorfold's WASM kernels against the stock
 * tfjs-backend-wasm kernels in the same run, alternating in rounds (see kernel-ab.ts). On
 * WebGPU and CPU tensorfold uses the stock kernels, so the two figures measure the same kernel.
 * Where relaxed SIMD runs (the bench starts Node with it), each case is timed a second time against
 * tensorfold with its SIMD kernels' FMA build off: there its own matMul kernel gives way to XNNPACK.
 * Where tensorfold's WASM thread pool runs (`TENSORFOLD_WASM_THREADS`, default every core up to 4), a
 * third time against tensorfold on the calling thread alone.
 */

import * as tf from '@tensorflow/tfjs-core';
import { wasmThreads } from '@tensorfold/backend';
import { simdKernelsFlavor } from '@tensorfold/backend/testing';
import type { BenchContext, Suite } from '../harness.js';
import { timeAgainstNoFma, timeAgainstOneThread, timeAgainstStock } from '../kernel-ab.js';

interface MatMulCase {
  name: string;
  a: number[];
  b: number[];
  transposeA: boolean;
  transposeB: boolean;
}

// The MLP 784-512-256-10 at batch 128: forward x.W, backward dy.W^T (input gradient) and x^T.dy
// (weight gradient); then batched products and a mode-n product (tensor-math's Tucker and CP).
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
  {
    name: 'batched 4x(256x256 . (256x256)^T)',
    a: [4, 256, 256],
    b: [4, 256, 256],
    transposeA: false,
    transposeB: true,
  },
  {
    name: 'mode-2 product: 1x(10x100) . 100x(100x100)',
    a: [1, 10, 100],
    b: [100, 100, 100],
    transposeA: false,
    transposeB: false,
  },
];

function flops(c: MatMulCase): number {
  const rows = c.transposeA ? c.a[c.a.length - 1] : c.a[c.a.length - 2];
  const inner = c.transposeA ? c.a[c.a.length - 2] : c.a[c.a.length - 1];
  const cols = c.transposeB ? c.b[c.b.length - 2] : c.b[c.b.length - 1];
  const batch = Math.max(c.a.length > 2 ? c.a[0] : 1, c.b.length > 2 ? c.b[0] : 1);
  return 2 * batch * rows * inner * cols;
}

/**
 * Median GFLOP/s of tensorfold's and the stock kernel over interleaved rounds; with `noFma`, of
 * tensorfold's with and without its FMA build instead.
 */
async function measure(
  c: MatMulCase,
  swap: boolean,
  rounds: number,
  against: 'stock' | 'no-fma' | 'one-thread' = 'stock',
) {
  const a = tf.randomUniform(c.a, -1, 1, 'float32', 1);
  const b = tf.randomUniform(c.b, -1, 1, 'float32', 2);
  try {
    const compute = () => tf.matMul(a, b, c.transposeA, c.transposeB);
    const timing =
      against === 'no-fma'
        ? await timeAgainstNoFma(compute, { rounds, perRound: 3 })
        : against === 'one-thread'
          ? await timeAgainstOneThread(compute, { rounds, perRound: 3 })
          : await timeAgainstStock(compute, { swap, rounds, perRound: 3 });
    const gflops = (ms: number) => flops(c) / (ms * 1e6);
    return { ours: gflops(timing.ours), stock: timing.stock === null ? null : gflops(timing.stock) };
  } finally {
    tf.dispose([a, b]);
  }
}

const suite: Suite = {
  name: 'backend-matmul',
  description: 'matMul GFLOP/s, tensorfold kernels vs stock tfjs kernels, same backend, same run',
  async run(ctx: BenchContext) {
    const wasm = ctx.backend === 'wasm';
    for (const c of CASES) {
      const { ours, stock } = await measure(c, wasm, ctx.quick ? 2 : 6);
      ctx.report({
        suite: 'backend-matmul',
        case: c.name,
        unit: 'GFLOP/s',
        value: ours,
        peer: stock,
        peerName: `stock tfjs ${ctx.backend} kernel`,
        higherIsBetter: true,
        note: wasm ? undefined : 'same kernel (tensorfold adds none here)',
      });
      if (wasm && simdKernelsFlavor() === 'fma') {
        const fma = await measure(c, wasm, ctx.quick ? 2 : 6, 'no-fma');
        ctx.report({
          suite: 'backend-matmul',
          case: c.name,
          unit: 'GFLOP/s',
          value: fma.ours,
          peer: fma.stock,
          peerName: 'tensorfold without FMA (XNNPACK for every product)',
          higherIsBetter: true,
        });
      }
      const threads = wasm ? wasmThreads() : 1;
      if (threads > 1) {
        const pool = await measure(c, wasm, ctx.quick ? 2 : 6, 'one-thread');
        ctx.report({
          suite: 'backend-matmul',
          case: c.name,
          unit: 'GFLOP/s',
          value: pool.ours,
          peer: pool.stock,
          peerName: `tensorfold on 1 thread (against ${threads})`,
          higherIsBetter: true,
        });
      }
    }
  },
};

export default suite;
