import { tf, Callback } from '@tensorfold/core';
import { adam } from '@tensorfold/optim';
import { loadMnist } from '@tensorfold/data/node';
import { lenet5 } from '@tensorfold/models-cnn';
import { useBackend } from './src/backends.js';
await useBackend('wasm');
const data = await loadMnist();
const { xs: x, ys: y } = (data as any).train ?? data;
const mode = process.argv[2];
const model = (lenet5 as any)({ numClasses: 10, inputShape: [28, 28, 1] });
model.compile({ optimizer: adam({ learningRate: 1e-3 }), loss: 'sparseCategoricalCrossentropy', metrics: mode === 'metric' || mode === 'cb' ? ['accuracy'] : [] });
class EveryBatch extends Callback { override onBatchEnd() {} }
const n = Math.floor(x.shape[0] / 64);
let t0 = 0;
if (mode === 'batches') {
  const bx = [], by = [];
  for (let i = 0; i < 40; i++) { bx.push(tf.slice(x, [i * 64], [64])); by.push(tf.slice(y, [i * 64], [64])); }
  for (let i = 0; i < 30; i++) await model.trainOnBatch(bx[i % 40], by[i % 40]);
  t0 = performance.now();
  for (let i = 0; i < n; i++) await model.trainOnBatch(bx[i % 40], by[i % 40]);
} else {
  t0 = performance.now();
  await model.fit(x, y, { epochs: 1, batchSize: 64, seed: 1, verbose: 0, callbacks: mode === 'cb' ? [new EveryBatch()] : [] });
}
console.log(mode, x.shape, y.dtype, 'ms per step', ((performance.now() - t0) / n).toFixed(3));
