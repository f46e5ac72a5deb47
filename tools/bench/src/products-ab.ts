/**
 * `pnpm --filter @tensorfold/bench products-ab [rounds] [--any]`
 *
 * Same-process A/B of the padded SIMD products (@tensorfold/backend's mat-mul-padded.ts; off: XNNPACK
 * with explicit transposes) on the small products of the MLP 784-512-256-10 at batch 128 and of
 * LeNet-5's dense layers at batch 64, each as its training step runs it (forward with bias, weight
 * gradient `h^T . dy`, input gradient `dy . W^T`): `rounds` rounds (default 30, after one warm-up)
 * of 100 calls per side, the side run first alternating. Prints each product's median process CPU
 * microseconds per call (the products run on one thread; CPU time is what other processes' load
 * moves least) on each side and the ratio (> 1: the padded path is faster). `--any` waives the
 * path's rule of enough multiply-adds per copied element (mat-mul-padded.ts), which keeps LeNet-5's
 * products on XNNPACK: the numbers that set it. Aligned products (the input gradients but LeNet-5's
 * last) are never the padded path's: their ratio shows the noise.
 */
import { setPaddedMatMulEnabled } from '@tensorfold/backend/testing';
import { tf } from '@tensorfold/core';
import { useBackend } from './backends.js';
import { medianOf as median } from './steadiness.js';
import { runSwitchAb } from './switch-ab.js';

interface Product {
  name: string;
  a: number[];
  b: number[];
  bias?: number;
  transposeA?: boolean;
  transposeB?: boolean;
}

const PRODUCTS: Product[] = [
  { name: 'mlp forward [128,256]x[256,10]+b', a: [128, 256], b: [256, 10], bias: 10 },
  { name: 'mlp dW [128,256]^T x [128,10]', a: [128, 256], b: [128, 10], transposeA: true },
  { name: 'mlp dX [128,10] x [256,10]^T', a: [128, 10], b: [256, 10], transposeB: true },
  { name: 'lenet forward [64,120]x[120,84]+b', a: [64, 120], b: [120, 84], bias: 84 },
  { name: 'lenet dW [64,120]^T x [64,84]', a: [64, 120], b: [64, 84], transposeA: true },
  { name: 'lenet dX [64,84] x [120,84]^T', a: [64, 84], b: [120, 84], transposeB: true },
  { name: 'lenet dX [64,10] x [84,10]^T', a: [64, 10], b: [84, 10], transposeB: true },
];

/** Calls per side per round. */
const CALLS = 100;

/** The process's CPU time (ms): the products run on one thread, and other processes' load barely moves it. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

async function main() {
  const args = process.argv.slice(2);
  const any = args.includes('--any');
  const rounds = Number(args.find((a) => a !== '--any') ?? '30');
  console.log(`backend: ${await useBackend('wasm')}`);
  console.log('| product | padded (us) | before (us) | ratio |\n|---|---|---|---|');
  for (const p of PRODUCTS) {
    const a = tf.randomUniform(p.a, -1, 1, 'float32', 1);
    const b = tf.randomUniform(p.b, -1, 1, 'float32', 2);
    const bias = p.bias != null ? tf.randomUniform([p.bias], -1, 1, 'float32', 3) : undefined;
    const run = () =>
      tf.tidy(() =>
        bias != null
          ? tf.fused.matMul({ a, b, bias, transposeA: p.transposeA, transposeB: p.transposeB })
          : tf.matMul(a, b, p.transposeA, p.transposeB),
      );
    // CPU microseconds a call, per round
    const times = await runSwitchAb(
      (on) => setPaddedMatMulEnabled(on, any),
      async (calls) => {
        const start = cpuMs();
        for (let i = 0; i < calls; i++) run().dispose();
        return ((cpuMs() - start) / calls) * 1000;
      },
      { rounds, steps: CALLS, warmupRounds: 1, first: 'on' },
    );
    setPaddedMatMulEnabled(true);
    tf.dispose([a, b, ...(bias != null ? [bias] : [])]);
    const on = median(times.on);
    const off = median(times.off);
    console.log(`| ${p.name} | ${on.toFixed(1)} | ${off.toFixed(1)} | ${(off / on).toFixed(2)} |`);
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
