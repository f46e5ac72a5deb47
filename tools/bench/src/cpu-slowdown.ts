/**
 * How many times slower the CPU backend trains than WASM: LeNet-5 (the compact one of seed 004, Adam,
 * batch 64) on random MNIST-shaped data, process CPU time per `trainOnBatch`, the two backends
 * alternating in rounds (so load from other processes hits both alike), median round of each.
 * The number `@tensorfold/backend` quotes when it falls back to the CPU (`src/cpu-advice.ts`).
 *
 * `pnpm --filter @tensorfold/bench exec node --conditions=@tensorfold/source --import tsx src/cpu-slowdown.ts [rounds]`
 */
import { useBackend } from '@tensorfold/backend';
import { tf } from '@tensorfold/core';
import { medianOf as median } from './steadiness.js';
import { tensorfoldModel } from './training-models.js';

const rounds = Number(process.argv[2] ?? 3);
const steps = { wasm: 10, cpu: 1 };
const perStep: Record<'wasm' | 'cpu', number[]> = { wasm: [], cpu: [] };

for (let round = 0; round < rounds; round++) {
  for (const name of ['wasm', 'cpu'] as const) {
    await useBackend(name);
    const x = tf.randomUniform([64, 28, 28, 1], 0, 1, 'float32', 1);
    const y = tf.oneHot(tf.randomUniform([64], 0, 10, 'int32', 2), 10);
    const model = tensorfoldModel('lenet5');
    await model.trainOnBatch(x, y); // warm-up: kernels compiled, weights built
    const start = process.cpuUsage();
    for (let i = 0; i < steps[name]; i++) await model.trainOnBatch(x, y);
    const used = process.cpuUsage(start);
    perStep[name].push((used.user + used.system) / 1000 / steps[name]);
    model.dispose();
    tf.dispose([x, y]);
  }
}
const wasm = median(perStep.wasm);
const cpu = median(perStep.cpu);
console.log(`LeNet-5, Adam, batch 64, ms of process CPU time per step (median of ${rounds} rounds):`);
console.log(`wasm ${wasm.toFixed(1)}  cpu ${cpu.toFixed(1)}  cpu/wasm ${(cpu / wasm).toFixed(0)}x`);
console.log(
  `rounds: wasm ${perStep.wasm.map((v) => v.toFixed(1)).join(', ')}; cpu ${perStep.cpu.map((v) => v.toFixed(1)).join(', ')}`,
);
