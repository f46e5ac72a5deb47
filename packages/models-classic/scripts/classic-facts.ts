/**
 * Measures the facts the README and BENCHMARKS.md state about the classic models: how often MRI
 * converges on XOR (bipolar and 0/1 inputs), how often a 2-2-1 mlp learns XOR, the counts of linearly
 * separable functions and the time the check takes, how fast Adaline separates Iris setosa from
 * versicolor, and what the single-layer perceptron does on the three species.
 *
 * Run from the repository root:
 *   node --conditions=@tensorfold/source --import tsx packages/models-classic/scripts/classic-facts.ts
 */
import '@tensorflow/tfjs-backend-cpu';
import { setSeed, tf } from '@tensorfold/core';
import { loadIris } from '@tensorfold/data/node';
import { adam } from '@tensorfold/optim';
import { Adaline, linearSeparability, Madaline, mlp, SingleLayerPerceptron } from '../src/index.js';

await tf.setBackend('cpu');

const xor01 = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
];
const xorBipolar = xor01.map((r) => r.map((v) => 2 * v - 1));
const xorY = [0, 1, 1, 0];

for (const [name, x] of [
  ['bipolar', xorBipolar],
  ['0/1', xor01],
] as const) {
  let converged = 0;
  const epochs: number[] = [];
  for (let seed = 0; seed < 100; seed++) {
    const r = new Madaline().fit(x, xorY, { seed });
    if (r.converged) {
      converged++;
      epochs.push(r.epochs);
    }
  }
  const mean = epochs.reduce((a, b) => a + b, 0) / Math.max(1, epochs.length);
  console.log(
    `Madaline MRI on XOR (${name} inputs), seeds 0-99, 100 epochs max: ${converged}/100 converged, mean ${mean.toFixed(1)} epochs`,
  );
}

{
  const xs = tf.tensor2d(xor01);
  const ys = tf.tensor2d(xorY.map((v) => [v]));
  const learned: number[] = [];
  for (let seed = 0; seed < 10; seed++) {
    setSeed(seed);
    const model = mlp({
      inputShape: [2],
      hiddenUnits: [2],
      outputUnits: 1,
      activation: 'tanh',
      outputActivation: 'sigmoid',
    });
    model.compile({
      optimizer: adam({ learningRate: 0.1 }),
      loss: 'binaryCrossentropy',
      metrics: ['accuracy'],
    });
    const h = await model.fit(xs, ys, { epochs: 300, batchSize: 4, shuffle: false, verbose: 0 });
    if (h.history.accuracy.at(-1) === 1) learned.push(seed);
    model.dispose();
  }
  tf.dispose([xs, ys]);
  console.log(
    `mlp 2-2-1 (tanh, sigmoid, Adam 0.1, 300 full-batch epochs) on XOR: learned with seeds [${learned}] of 0-9`,
  );
}

for (const n of [1, 2, 3, 4]) {
  const start = performance.now();
  let count = 0;
  for (let f = 0; f < 2 ** (2 ** n); f++) {
    if (linearSeparability(Array.from({ length: 2 ** n }, (_, r) => (f >> r) & 1)).separable) count++;
  }
  console.log(
    `linearSeparability: ${count} of ${2 ** (2 ** n)} functions of ${n} inputs are separable (${((performance.now() - start) / 1000).toFixed(2)} s)`,
  );
}

const iris = await loadIris();
const x = (await iris.xs.array()) as number[][];
const ids = Array.from(await iris.ys.data());
iris.dispose();
const two = ids.flatMap((c, i) => (c < 2 ? [i] : []));
const x2 = two.map((i) => x[i]);
const y2 = two.map((i) => (ids[i] === 0 ? 1 : -1));
for (const learningRate of [0.001, 0.01]) {
  const a = new Adaline();
  const r = a.fit(x2, y2, { learningRate, epochs: 30 });
  const first = r.history.findIndex((h) => h.mistakes === 0) + 1;
  console.log(
    `Adaline, Iris setosa vs versicolor, rate ${learningRate}, seed 42: 100% from epoch ${first}; after 30 epochs accuracy ${a.evaluate(x2, y2).accuracy}, mse ${r.history.at(-1)?.mse.toFixed(4)}`,
  );
}
{
  const s = new SingleLayerPerceptron({ outputs: 3 });
  const r = s.fit(x, ids, { learningRate: 0.01, epochs: 100 });
  const e = s.evaluate(x, ids);
  console.log(
    `SingleLayerPerceptron, Iris 3 species, rate 0.01, 100 epochs: neurons converged [${r.neuronConverged}], neuron accuracy [${e.neuronAccuracy.map((v) => v.toFixed(3))}], accuracy ${e.accuracy.toFixed(3)}, strict ${e.strictAccuracy.toFixed(3)}, ambiguous ${e.ambiguous}/150`,
  );
}
