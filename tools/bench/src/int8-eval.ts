/**
 * `pnpm --filter @tensorfold/bench int8-eval <saved model dir> [--dataset mnist|fashion-mnist] [--backend wasm]
 *   [--min-inputs N] [--chain false]` (the last two: `quantizeForInference`'s options; default its defaults)
 *
 * Integer inference of a trained model beside its float32 self, on the 10,000 test images: test
 * accuracy of both, how often they pick the same class, the largest difference of their outputs, and
 * the time of one pass over the test set (batches of 1000; float and int8 alternating, 3 rounds,
 * medians of the wall clock and of the process's CPU time). The int8 model is
 * `quantizeForInference(model)` of `@tensorfold/compress`.
 */
import { resolve } from 'node:path';
import { initBackend } from '@tensorfold/backend';
import { quantizeForInference } from '@tensorfold/compress';
import { loadModel, type Model, tf } from '@tensorfold/core';
import '@tensorfold/core/node';
import { loadFashionMnist, loadMnist } from '@tensorfold/data/node';
import '@tensorfold/layers';
import { medianOf as median } from './steadiness.js';

function option(args: string[], name: string, fallback: string): string {
  const at = args.indexOf(name);
  return at >= 0 ? args.splice(at, 2)[1] : fallback;
}

/** Predictions of `model` on `xs` in batches of 1000, and the time they took. */
async function pass(model: Model, xs: tf.Tensor): Promise<{ y: Float32Array; wall: number; cpu: number }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const parts: Float32Array[] = [];
  for (let i = 0; i < xs.shape[0]; i += 1000) {
    const batch = tf.slice(xs, i, Math.min(1000, xs.shape[0] - i));
    const y = model.predict(batch) as tf.Tensor;
    parts.push((await y.data()) as Float32Array);
    tf.dispose([batch, y]);
  }
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const y = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    y.set(p, at);
    at += p.length;
  }
  return { y, wall, cpu: (used.user + used.system) / 1000 };
}

const argMax = (y: Float32Array, i: number, classes: number) => {
  let best = 0;
  for (let c = 1; c < classes; c++) if (y[i * classes + c] > y[i * classes + best]) best = c;
  return best;
};

async function main() {
  const args = process.argv.slice(2);
  const dataset = option(args, '--dataset', 'mnist');
  const backend = option(args, '--backend', 'wasm') as 'wasm' | 'cpu' | 'webgpu';
  const minInputs = option(args, '--min-inputs', '');
  const chain = option(args, '--chain', 'true') !== 'false';
  const dir = args[0];
  if (!dir) throw new Error('Give the directory of a saved model.');
  await initBackend({ require: backend });
  const float = await loadModel(`file://${resolve(dir)}`);
  const int8 = quantizeForInference(float, {
    ...(minInputs === '' ? {} : { minInputs: Number(minInputs) }),
    chain,
  });
  const test = await (dataset === 'fashion-mnist' ? loadFashionMnist : loadMnist)({ split: 'test' });
  const inputShape = float.inputs[0].shape.slice(1) as number[];
  const xs = tf.reshape(test.xs, [test.count, ...inputShape]);
  const runs = {
    float: [] as Awaited<ReturnType<typeof pass>>[],
    int8: [] as Awaited<ReturnType<typeof pass>>[],
  };
  for (let r = 0; r < 3; r++) {
    runs.float.push(await pass(float, xs));
    runs.int8.push(await pass(int8, xs));
  }
  const [yf, yq] = [runs.float[0].y, runs.int8[0].y];
  const classes = yf.length / test.count;
  let rightF = 0;
  let rightQ = 0;
  let same = 0;
  let largest = 0;
  for (let i = 0; i < test.count; i++) {
    const [pf, pq] = [argMax(yf, i, classes), argMax(yq, i, classes)];
    rightF += Number(pf === test.labels[i]);
    rightQ += Number(pq === test.labels[i]);
    same += Number(pf === pq);
  }
  for (let i = 0; i < yf.length; i++) largest = Math.max(largest, Math.abs(yf[i] - yq[i]));
  const t = (side: 'float' | 'int8', key: 'wall' | 'cpu') => median(runs[side].map((run) => run[key]));
  const pct = (n: number) => `${((n / test.count) * 100).toFixed(2)}%`;
  console.log(`${dir} on ${dataset} test (${test.count} images), backend ${tf.getBackend()}:`);
  console.log(
    `  accuracy float32 ${pct(rightF)}, int8 ${pct(rightQ)}; same class ${same}/${test.count}; largest output difference ${largest.toExponential(2)}`,
  );
  console.log(
    `  one pass: wall ${t('float', 'wall').toFixed(0)} ms float vs ${t('int8', 'wall').toFixed(0)} ms int8 (${(t('float', 'wall') / t('int8', 'wall')).toFixed(2)}x); ` +
      `CPU ${t('float', 'cpu').toFixed(0)} vs ${t('int8', 'cpu').toFixed(0)} ms (${(t('float', 'cpu') / t('int8', 'cpu')).toFixed(2)}x)`,
  );
  tf.dispose(xs);
  test.dispose();
}

await main();
