/**
 * `pnpm --filter @tensorfold/bench predict-overhead-ab [rounds]`: where a `predict` pass of the MLP
 * 784-512-256-10 (issue 18's fair int8 row: the first 1000 MNIST test digits, batches of 32, WASM)
 * spends its wall time outside the products, float32 and its int8 copy (`quantizeForInference`) side
 * by side, and how much of it `predict`'s own loop could give back.
 *
 * Four variants a model, float32's and int8's interleaved, in alternating rounds (each round every
 * variant once, starting one variant later than the round before, so that each runs right after the
 * other model's: no variant inherits its own model's weights in the caches; one warm-up round; default
 * 41 rounds):
 * - `predict`: `model.predict(x)` as shipped, the product kernels (`_FusedMatMul`,
 *   `TensorfoldInt8DenseChain`) timed around each call by the wall clock and by the process's CPU
 *   time (every thread's: a pool's workers run inside the call; two reads of it, about 1-2 µs a call,
 *   3 calls a batch for float32, 1 for int8), so the pass splits into the products and the rest;
 * - `loop before`: a copy of `predict`'s loop as it is at main `69367b8` (tidy a batch, `tf.slice` a
 *   batch, `model.forward`, `tf.concat`) through the public API: the side to compare a changed loop
 *   with (an A/A check against `predict` while the loop is unchanged);
 * - `pre-sliced`: the same loop on batches sliced before the clock starts: the pass without `predict`'s
 *   slicing;
 * - `pre-sliced, logits`: the same on a copy of the model whose last layer has no softmax (same
 *   weights): the pass without slicing and without the softmax, an upper bound of what `predict`'s
 *   loop could shed (the rest is the layers' own calls and the engine's work around each kernel).
 *
 * Prints each variant's median wall and CPU time (quartiles in brackets), the products' wall and the
 * rest, and the int8 over float32 ratios: as measured, of the products alone, and with the shared
 * rest removed. `TENSORFOLD_WASM_THREADS=1` for one thread.
 */
import { initBackend } from '@tensorfold/backend';
import { quantizeForInference } from '@tensorfold/compress';
import { type Model, sequential, setSeed, tf } from '@tensorfold/core';
import { loadMnist } from '@tensorfold/data/node';
import { dense } from '@tensorfold/layers';
import { roundOrder } from './alternating-rounds.js';
import { medianAndQuartiles, medianOf } from './steadiness.js';

/** The product kernels of the two models. */
const PRODUCTS = new Set(['_FusedMatMul', 'TensorfoldInt8DenseChain']);
/** Wall and CPU milliseconds (the process's, every thread's) spent in the product kernels since the last reset. */
let productWall = 0;
let productCpu = 0;

/** Wraps the WASM product kernels in wall-clock timers (the kernels are synchronous). */
function timeProducts(): void {
  for (const config of tf.getKernelsForBackend('wasm')) {
    if (!PRODUCTS.has(config.kernelName)) continue;
    const inner = config.kernelFunc;
    tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        const cpu = process.cpuUsage();
        const start = performance.now();
        const out = inner(args);
        productWall += performance.now() - start;
        const used = process.cpuUsage(cpu);
        productCpu += (used.user + used.system) / 1000;
        return out;
      },
    });
  }
}

function mlp(lastActivation: 'softmax' | 'linear'): Model {
  return sequential({
    layers: [
      dense({ units: 512, activation: 'relu', inputShape: [784] }),
      dense({ units: 256, activation: 'relu' }),
      dense({ units: 10, activation: lastActivation }),
    ],
  });
}

/** `predict`'s loop at main `69367b8` (one input, one output), through the public API. */
function loopBefore(model: Model, x: tf.Tensor, batchSize: number): tf.Tensor {
  const samples = x.shape[0];
  const parts: tf.Tensor[] = [];
  for (let start = 0; start < samples; start += batchSize) {
    const size = Math.min(batchSize, samples - start);
    const out = tf.tidy(() =>
      model.forward(size === samples ? [x] : [tf.slice(x, [start], [size])], { training: false }),
    );
    parts.push(out[0]);
  }
  if (parts.length === 1) return parts[0];
  const joined = tf.concat(parts, 0);
  tf.dispose(parts);
  return joined;
}

/** The same loop on batches already sliced. */
function loopPresliced(model: Model, batches: tf.Tensor[]): tf.Tensor {
  const parts = batches.map((b) => tf.tidy(() => model.forward([b], { training: false })[0]));
  const joined = tf.concat(parts, 0);
  tf.dispose(parts);
  return joined;
}

interface Sample {
  wall: number;
  cpu: number;
  /** Wall milliseconds in the product kernels. */
  products: number;
  /** CPU milliseconds in the product kernels. */
  productsCpu: number;
}

async function main(): Promise<void> {
  await initBackend({ require: 'wasm' });
  timeProducts();
  const rounds = Number(process.argv[2] ?? process.env.PREDICT_AB_ROUNDS ?? 41);
  const batchSize = 32;
  setSeed(1);
  const float = mlp('softmax');
  const floatLogits = mlp('linear');
  floatLogits.setWeights(float.getWeights());
  const int8 = quantizeForInference(float);
  const int8Logits = quantizeForInference(floatLogits);
  const test = await loadMnist({ split: 'test', limit: 1000 });
  const x = tf.reshape(test.xs, [1000, 784]); // [1000, 784]
  test.dispose();
  const batches: tf.Tensor[] = [];
  for (let start = 0; start < 1000; start += batchSize)
    batches.push(tf.slice(x, [start], [Math.min(batchSize, 1000 - start)])); // [32, 784]
  // float32 and int8 interleaved: with the rounds' rotation every variant then runs right after the
  // other model's (whose weights took the caches), none after its own model's, so none is favoured.
  const steps: Array<[string, (m: Model, logits: Model) => tf.Tensor]> = [
    ['predict', (m) => m.predict(x, { batchSize }) as tf.Tensor],
    ['loop before', (m) => loopBefore(m, x, batchSize)],
    ['pre-sliced', (m) => loopPresliced(m, batches)],
    ['pre-sliced, logits', (_, logits) => loopPresliced(logits, batches)],
  ];
  const variants: Array<[string, () => tf.Tensor]> = steps.flatMap(([v, run]) => [
    [`float32 ${v}`, () => run(float, floatLogits)],
    [`int8 ${v}`, () => run(int8, int8Logits)],
  ]);
  const samples = new Map<string, Sample[]>(variants.map(([k]) => [k, []]));
  const before = tf.memory().numTensors;
  for (let r = 0; r < rounds + 1; r++)
    for (const i of roundOrder(variants.length, r)) {
      const [k, run] = variants[i];
      productWall = 0;
      productCpu = 0;
      const cpu = process.cpuUsage();
      const start = performance.now();
      const y = run();
      await y.data();
      y.dispose();
      const wall = performance.now() - start;
      const used = process.cpuUsage(cpu);
      if (r > 0)
        samples.get(k)?.push({
          wall,
          cpu: (used.user + used.system) / 1000,
          products: productWall,
          productsCpu: productCpu,
        });
    }
  if (tf.memory().numTensors !== before) throw new Error('predict-overhead-ab leaked tensors');
  const threads = process.env.TENSORFOLD_WASM_THREADS ?? 'default';
  console.log(
    `${rounds} rounds, TENSORFOLD_WASM_THREADS=${threads}; medians [quartiles], ms a pass of 1000 images`,
  );
  const med = (k: string, f: keyof Sample) => medianOf((samples.get(k) ?? []).map((s) => s[f]));
  for (const [k] of [...variants].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const s = samples.get(k) ?? [];
    console.log(
      `${k.padEnd(28)} wall ${medianAndQuartiles(
        s.map((v) => v.wall),
        2,
      )}  CPU ${medianAndQuartiles(
        s.map((v) => v.cpu),
        2,
      )}  products wall ${med(k, 'products').toFixed(2)} / CPU ${med(k, 'productsCpu').toFixed(2)}, rest wall ${medianOf(s.map((v) => v.wall - v.products)).toFixed(2)} / CPU ${medianOf(s.map((v) => v.cpu - v.productsCpu)).toFixed(2)}`,
    );
  }
  for (const [v] of steps) {
    const f = `float32 ${v}`;
    const q = `int8 ${v}`;
    console.log(
      `int8 over float32, ${v}: wall ${(med(f, 'wall') / med(q, 'wall')).toFixed(3)}x, CPU ${(med(f, 'cpu') / med(q, 'cpu')).toFixed(3)}x, products alone wall ${(med(f, 'products') / med(q, 'products')).toFixed(3)}x, CPU ${(med(f, 'productsCpu') / med(q, 'productsCpu')).toFixed(3)}x`,
    );
  }
  // int8's whole rest (everything outside its product kernel) taken off both passes
  for (const [clock, pass, products] of [
    ['wall', 'wall', 'products'],
    ['CPU', 'cpu', 'productsCpu'],
  ] as const) {
    const rest = medianOf((samples.get('int8 predict') ?? []).map((v) => v[pass] - v[products]));
    console.log(
      `${clock}: predict with int8's whole rest (${rest.toFixed(2)} ms) taken off both sides: ${((med('float32 predict', pass) - rest) / (med('int8 predict', pass) - rest)).toFixed(3)}x`,
    );
  }
  tf.dispose(batches);
  x.dispose();
  process.exit(0);
}

main();
