import { initBackend } from '@tensorfold/backend';
import { setThreadedKernelsEnabled, setFmaKernelsEnabled } from '@tensorfold/backend/testing';
import { tf } from '@tensorfold/core';
import { tensorfoldModel } from './training-models.js';
await initBackend({ require: 'wasm' });
const [net, rounds, fmaArg] = [process.argv[2] ?? 'mlp', Number(process.argv[3] ?? 25), process.argv[4] ?? 'fma'];
setFmaKernelsEnabled(fmaArg === 'fma');
const batch = net === 'mlp' ? 128 : 64;
const x = tf.randomUniform([batch, ...(net === 'mlp' ? [784] : [28, 28, 1])], 0, 1, 'float32', 1);
const y = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32', 2) as tf.Tensor1D, 10);
const model = tensorfoldModel(net as 'mlp');
for (let i = 0; i < 5; i++) await model.trainOnBatch(x, y);
const t: Record<string, number[]> = { one: [], pool: [] };
const c: Record<string, number[]> = { one: [], pool: [] };
for (let r = 0; r < rounds; r++) for (const side of (r % 2 ? ['one', 'pool'] : ['pool', 'one'])) {
  setThreadedKernelsEnabled(side === 'pool');
  const s = performance.now();
  const cs = process.cpuUsage();
  for (let i = 0; i < 4; i++) await model.trainOnBatch(x, y);
  t[side].push((performance.now() - s) / 4);
  const cu = process.cpuUsage(cs);
  c[side].push((cu.user + cu.system) / 4000);
}
const med = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
const min = (v: number[]) => Math.min(...v);
console.log(net, fmaArg, `process CPU ms per step median: pool ${med(c.pool).toFixed(2)} one ${med(c.one).toFixed(2)}; step ms median: pool ${med(t.pool).toFixed(2)} one ${med(t.one).toFixed(2)} ratio ${(med(t.one) / med(t.pool)).toFixed(2)}; min: pool ${min(t.pool).toFixed(2)} one ${min(t.one).toFixed(2)} ratio ${(min(t.one) / min(t.pool)).toFixed(2)}; samples/s pool ${(batch * 1000 / med(t.pool)).toFixed(0)} one ${(batch * 1000 / med(t.one)).toFixed(0)}`);
