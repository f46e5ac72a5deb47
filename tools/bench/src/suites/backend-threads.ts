/**
 * Where tensorfold's WASM thread pool starts to pay: square products n x n x n from 48 to 256, on
 * the pool (every product on it, whatever its size) against the calling thread alone, same run,
 * alternating in rounds (kernel-ab.ts). The smallest n whose ratio stays above 1 is the crossover
 * that `THREADED_MIN_MULTIPLY_ADDS` (mat-mul-by-threads.ts) should follow. Then LeNet-5's second
 * convolution (batch 64) forward, its input gradient and its filter gradient, on the pool against
 * XNNPACK (and the one-thread SIMD filter gradient) on the calling thread. Needs
 * `TENSORFOLD_WASM_THREADS` unset (every core, up to 4) or 2 and more; reports nothing on 1 thread.
 */
import * as tf from '@tensorflow/tfjs-core';
import { wasmThreads } from '@tensorfold/backend';
import { setThreadedMatMulMinimum, THREADED_MIN_MULTIPLY_ADDS } from '@tensorfold/backend/testing';
import { convPasses } from '../conv-passes.js';
import type { BenchContext, Suite } from '../harness.js';
import { timeAgainstOneThread } from '../kernel-ab.js';

const SIZES = [48, 64, 96, 128, 160, 192, 256];

const suite: Suite = {
  name: 'backend-threads',
  description:
    'matMul n^3 GFLOP/s and LeNet-5 convolutions on the WASM thread pool against one thread, same run (the crossover)',
  backends: ['wasm'],
  async run(ctx: BenchContext) {
    const threads = wasmThreads();
    if (threads < 2) {
      console.log('backend-threads: the WASM thread pool is off (1 thread): nothing to compare.');
      return;
    }
    setThreadedMatMulMinimum(0);
    try {
      for (const n of SIZES) {
        const a = tf.randomUniform([n, n], -1, 1, 'float32', 1);
        const b = tf.randomUniform([n, n], -1, 1, 'float32', 2);
        try {
          const timing = await timeAgainstOneThread(() => tf.matMul(a, b), {
            rounds: ctx.quick ? 4 : 12,
            perRound: 10,
            readBack: false,
          });
          const gflops = (ms: number | null) => (ms == null ? null : (2 * n ** 3) / (ms * 1e6));
          ctx.report({
            suite: 'backend-threads',
            case: `${n}x${n} . ${n}x${n}`,
            unit: 'GFLOP/s',
            value: gflops(timing.ours)!,
            peer: gflops(timing.stock),
            peerName: `tensorfold on 1 thread (against ${threads})`,
            higherIsBetter: true,
            note: n ** 3 >= THREADED_MIN_MULTIPLY_ADDS ? 'on the pool by default' : 'one thread by default',
          });
        } finally {
          tf.dispose([a, b]);
        }
      }
    } finally {
      setThreadedMatMulMinimum();
    }
    // LeNet-5's second convolution at batch 64: x [64, 14, 14, 8], filter [5, 5, 8, 16], 'valid'.
    const x = tf.randomUniform([64, 14, 14, 8], -1, 1, 'float32', 3) as tf.Tensor4D;
    const filter = tf.randomUniform([5, 5, 8, 16], -1, 1, 'float32', 4) as tf.Tensor4D;
    const bias = tf.randomUniform([16], -1, 1, 'float32', 5);
    const dy = tf.randomUniform([64, 10, 10, 16], -1, 1, 'float32', 6) as tf.Tensor4D;
    try {
      for (const [pass, compute] of convPasses({ x, filter, bias, dy, pad: 'valid' })) {
        const timing = await timeAgainstOneThread(compute, {
          rounds: ctx.quick ? 4 : 12,
          perRound: 5,
          readBack: false,
        });
        ctx.report({
          suite: 'backend-threads',
          case: `LeNet-5 conv 2 ${pass}`,
          unit: 'ms',
          value: timing.ours,
          peer: timing.stock,
          peerName: `tensorfold on 1 thread (against ${threads})`,
          higherIsBetter: false,
        });
      }
    } finally {
      tf.dispose([x, filter, bias, dy]);
    }
  },
};

export default suite;
