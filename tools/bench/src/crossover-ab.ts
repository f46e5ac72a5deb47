/**
 * `pnpm --filter @tensorfold/bench crossover-ab [rounds]`
 *
 * Same-run A/B of the WASM pool's float product (every product forced onto it) against the calling
 * thread alone (the pool off), on the products of MLP 784-512-256-10 inference (`predict` batches of
 * 32, and 256 / 1000) and training (batch 128: forward, weight gradient, input gradient), LeNet-5's
 * dense layers at batch 64 and issue 22's 512x512x512. Prints each side's median ms per call, the
 * ratio (> 1: the pool wins) and whether the default routing sends the product to the pool.
 * Then the float MLP 784-512-256-10's inference on 1000 rows in batches of 32 (dense layers as fused
 * products with bias and relu, untrained random weights) under the default routing against the rule
 * before it (every product from `THREADED_MIN_MULTIPLY_ADDS` multiply-adds on the pool), same run.
 * Needs 2+ threads (`TENSORFOLD_WASM_THREADS` unset or 2).
 */
import { wasmThreads } from '@tensorfold/backend';
import {
  setThreadedMatMulMinimum,
  THREADED_MIN_MULTIPLY_ADDS,
  threadedMatMulRoutes,
} from '@tensorfold/backend/testing';
import { tf } from '@tensorfold/core';
import { useBackend } from './backends.js';
import { timeAgainstOneThread } from './kernel-ab.js';
import { mlpPredictPass } from './mlp-predict-pass.js';
import { medianOf } from './steadiness.js';
import { runSwitchAb } from './switch-ab.js';
import { timedMs } from './timed-call.js';

interface Product {
  name: string;
  a: number[];
  b: number[];
  transposeA?: boolean;
  transposeB?: boolean;
}

const PRODUCTS: Product[] = [
  { name: 'infer b32 [32,784]x[784,512]', a: [32, 784], b: [784, 512] },
  { name: 'infer b32 [32,512]x[512,256]', a: [32, 512], b: [512, 256] },
  { name: 'infer b64 [64,784]x[784,512]', a: [64, 784], b: [784, 512] },
  { name: 'infer b256 [256,784]x[784,512]', a: [256, 784], b: [784, 512] },
  { name: 'infer b1000 [1000,784]x[784,512]', a: [1000, 784], b: [784, 512] },
  { name: 'train fwd [128,784]x[784,512]', a: [128, 784], b: [784, 512] },
  { name: 'train dW [128,784]^T x [128,512]', a: [128, 784], b: [128, 512], transposeA: true },
  { name: 'train dX [128,512] x [784,512]^T', a: [128, 512], b: [784, 512], transposeB: true },
  { name: 'train fwd [128,512]x[512,256]', a: [128, 512], b: [512, 256] },
  { name: 'train dW [128,512]^T x [128,256]', a: [128, 512], b: [128, 256], transposeA: true },
  { name: 'train dX [128,256] x [512,256]^T', a: [128, 256], b: [512, 256], transposeB: true },
  { name: 'lenet fwd [64,400]x[400,120]', a: [64, 400], b: [400, 120] },
  { name: 'lenet dW [64,400]^T x [64,120]', a: [64, 400], b: [64, 120], transposeA: true },
  { name: 'lenet dX [64,120] x [400,120]^T', a: [64, 120], b: [400, 120], transposeB: true },
  { name: 'issue 22 [512,512]x[512,512]', a: [512, 512], b: [512, 512] },
];

async function main() {
  const rounds = Number(process.argv[2] ?? '8');
  console.log(`backend: ${await useBackend('wasm')}`);
  if (wasmThreads() < 2) {
    console.log('crossover-ab: 1 thread, nothing to compare');
    return;
  }
  console.log('| product | pool (ms) | 1 thread (ms) | ratio | pool by default |\n|---|---|---|---|---|');
  for (const p of PRODUCTS) {
    const a = tf.randomUniform(p.a, -1, 1, 'float32', 1);
    const b = tf.randomUniform(p.b, -1, 1, 'float32', 2);
    const routed = threadedMatMulRoutes(a.shape, b.shape, p.transposeA ?? false, p.transposeB ?? false);
    setThreadedMatMulMinimum(0);
    try {
      const timing = await timeAgainstOneThread(() => tf.matMul(a, b, p.transposeA, p.transposeB), {
        rounds,
        perRound: 10,
        readBack: false,
      });
      const pool = timing.ours;
      const one = timing.stock ?? Number.NaN;
      console.log(
        `| ${p.name} | ${pool.toFixed(3)} | ${one.toFixed(3)} | ${(one / pool).toFixed(2)} | ${routed} |`,
      );
    } finally {
      setThreadedMatMulMinimum();
      tf.dispose([a, b]);
    }
  }
}

/** The MLP's inference, 1000 rows in batches of 32, under the default routing and the one before it. */
async function inferenceAb(rounds: number) {
  const x = tf.randomUniform([1000, 784], 0, 1, 'float32', 30) as tf.Tensor2D; // [rows, 784]
  const mlp = mlpPredictPass(x, { softmax: false });
  // on: the default routing (now); off: every product from THREADED_MIN_MULTIPLY_ADDS on the pool (before)
  const routeNow = (now: boolean) => setThreadedMatMulMinimum(now ? undefined : THREADED_MIN_MULTIPLY_ADDS);
  const times = await runSwitchAb(routeNow, async () => (await timedMs(() => mlp.run())).wall, {
    rounds,
    steps: 1,
    warmupRounds: 1,
    first: 'on',
  });
  mlp.dispose();
  x.dispose();
  const now = medianOf(times.on);
  const before = medianOf(times.off);
  console.log(
    `\nMLP inference, 1000 rows in batches of 32 (median of ${rounds} rounds): now ${now.toFixed(1)} ms, ` +
      `before ${before.toFixed(1)} ms, ratio ${(before / now).toFixed(2)}`,
  );
}

await main();
if (wasmThreads() >= 2) await inferenceAb(Number(process.argv[2] ?? '8') * 2);
