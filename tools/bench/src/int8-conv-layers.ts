/**
 * `pnpm --filter @tensorfold/bench int8-conv-layers [c1|c2][,...]`: LeNet-5's convolutions one at a
 * time on WASM, a batch of 32: the int8 kernel with its 2 x 2 max pool fused
 * (`TensorfoldInt8Conv2DMaxPool`, random levels) against the float32 layer (`fused.conv2d` with ReLU,
 * then `maxPool`), 30 warm-up calls each, then 14 blocks of 50 calls alternating the two sides;
 * microseconds a call, process CPU time (every thread) and wall clock, the fastest block and the
 * median. `TENSORFOLD_WASM_THREADS=1` for one thread.
 */
import { initBackend, packInt8Levels } from '@tensorfold/backend';
import { tf } from '@tensorfold/core';

/** LeNet-5's two convolutions: input `[batch, h, w, c]`, square kernel, filters, padding. */
const layers: Record<
  string,
  { x: [number, number, number, number]; f: number; n: number; padding: 'same' | 'valid' }
> = {
  c1: { x: [32, 28, 28, 1], f: 3, n: 8, padding: 'same' },
  c2: { x: [32, 14, 14, 8], f: 5, n: 16, padding: 'valid' },
};

/** Microseconds a call of `calls` calls: CPU time and wall clock. */
function block(call: () => void, calls: number): { cpu: number; wall: number } {
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < calls; i++) call();
  const wall = ((performance.now() - start) * 1000) / calls;
  const used = process.cpuUsage(cpu);
  return { cpu: (used.user + used.system) / calls, wall };
}

async function main() {
  await initBackend({ require: 'wasm' });
  for (const name of (process.argv[2] ?? 'c1,c2').split(',')) {
    const l = layers[name];
    const k = l.f * l.f * l.x[3];
    const levels = Array.from({ length: k * l.n }, (_, i) => ((i * 37) % 255) - 127);
    const w = tf.tensor(packInt8Levels(levels, k, l.n), [Math.ceil(l.n / 8), Math.ceil(k / 2), 8], 'int32');
    const scales = tf.fill([l.n], 0.01);
    const bias = tf.fill([l.n], 0.1);
    const x = tf.relu(tf.randomNormal(l.x)) as tf.Tensor4D; // [batch, h, w, c], non-negative as after a ReLU
    const filter = tf.randomNormal([l.f, l.f, l.x[3], l.n]) as tf.Tensor4D; // [fh, fw, in, out]
    const attrs = { activation: 'relu', kernelSize: [l.f, l.f], strides: [1, 1], padding: l.padding };
    const sides: Record<string, () => void> = {
      int8: () =>
        tf.dispose(
          tf.engine().runKernel('TensorfoldInt8Conv2DMaxPool', { x, w, scales, bias }, attrs as never),
        ),
      float32: () =>
        tf.dispose(
          tf.tidy(() =>
            tf.maxPool(
              tf.fused.conv2d({ x, filter, strides: 1, pad: l.padding, bias, activation: 'relu' }),
              2,
              2,
              'valid',
            ),
          ),
        ),
    };
    for (let i = 0; i < 30; i++) for (const call of Object.values(sides)) call();
    const times: Record<string, Array<{ cpu: number; wall: number }>> = { int8: [], float32: [] };
    for (let b = 0; b < 14; b++) {
      const side = b % 2 === 0 ? 'int8' : 'float32';
      times[side].push(block(sides[side], 50));
    }
    const sorted = (side: string, key: 'cpu' | 'wall') =>
      times[side].map((t) => t[key]).sort((p, q) => p - q);
    for (const side of Object.keys(sides)) {
      const [cpu, wall] = [sorted(side, 'cpu'), sorted(side, 'wall')];
      console.log(
        `${name} ${side}: ${cpu[0].toFixed(0)} us CPU a call (median ${cpu[3].toFixed(0)}), ${wall[0].toFixed(0)} us wall (median ${wall[3].toFixed(0)})`,
      );
    }
    tf.dispose([w, scales, bias, x, filter]);
  }
  process.exit(0);
}

main();
