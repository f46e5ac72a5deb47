/**
 * `node --experimental-wasm-relaxed-simd --conditions=@tensorfold/source --import tsx src/profile-dcgan.ts [steps] [--backend wasm]`
 *
 * Where a DCGAN training step's time goes (the `models-gan` bench's network: 28x28x1, latent 100, 128
 * filters, batch 64; one step trains the discriminator on 64 real and 64 generated images, then the
 * generator): runs `steps` profiled steps (`tf.profile`), keeps each kernel call's fastest time over
 * them (the machines we run on are shared: the minimum is the kernel's own cost) and prints the totals
 * per kernel and per call shape, next to the step's wall time.
 */
import { tf } from '@tensorfold/core';
import { dcgan } from '@tensorfold/models-gan';
import { adam } from '@tensorfold/optim';
import { useBackend } from './backends.js';
import { printKernelTotals, profileFastest } from './kernel-profile.js';
import { medianOf } from './steadiness.js';

async function main() {
  const args = process.argv.slice(2);
  const backendAt = args.indexOf('--backend');
  const backend = backendAt >= 0 ? args.splice(backendAt, 2)[1] : 'wasm';
  const steps = Number(args[0] ?? '5');
  console.log(`backend: ${await useBackend(backend)}`);
  const model = dcgan({ latentDim: 100, filters: 128, seed: 1 });
  const optimizers = [adam({ learningRate: 2e-4, beta1: 0.5 }), adam({ learningRate: 2e-4, beta1: 0.5 })];
  model.compile({
    generatorOptimizer: optimizers[0],
    discriminatorOptimizer: optimizers[1],
    labelSmoothing: 0.1,
  });
  const x = tf.randomUniform([64, 28, 28, 1], -1, 1, 'float32', 1); // [batch, 28, 28, 1]
  const batch = { xs: [x], ys: [], size: 64 };
  const step = async () => {
    await model.runTrainStep(batch);
    model.metricsState.reset();
  };
  for (let i = 0; i < 2; i++) await step();

  const { fastest } = await profileFastest(step, steps);
  const wall: number[] = [];
  for (let i = 0; i < steps; i++) {
    const start = performance.now();
    await step();
    wall.push(performance.now() - start);
  }
  model.dispose();
  for (const o of optimizers) o.dispose();
  x.dispose();

  console.log(
    `DCGAN step wall time (ms): min ${Math.min(...wall).toFixed(0)}, median ${medianOf(wall).toFixed(0)}`,
  );
  printKernelTotals(fastest, { rows: 12, digits: { total: 0, kernel: 1, call: 1 }, calls: 'calls' });
}

main();
