/**
 * The models of `@tensorfold/models-classic`, described once for the CLI and the demo site. This entry
 * point (`@tensorfold/models-classic/descriptions`) loads no builder until `build` is called.
 *
 * The classic neurons (`task: 'classic-neuron'`) learn one sample at a time by their own rule, so their
 * `batchSize` is 1; their `build` takes `inputShape` (`[features]`), `numClasses` (the single-layer
 * perceptron) and the model's own options (`weights`, `bias`, `hiddenUnits`...).
 */
import type { ModelDescription } from '@tensorfold/core';

const packageName = '@tensorfold/models-classic';

/** Every model of this package. */
export const models: readonly ModelDescription[] = [
  {
    name: 'mlp',
    summary: 'Multilayer perceptron 784-512-256-10 with ReLU',
    task: 'classify-images',
    datasets: ['mnist', 'fashion-mnist'],
    defaults: { epochs: 3, batchSize: 128, learningRate: 1e-3 },
    packageName,
    source: 'seed 002 (ch. 2), seed 003 (feed-forward networks)',
    async build({ numClasses, inputShape }) {
      const { mlp } = await import('./mlp.js');
      return mlp({ outputUnits: numClasses, inputShape });
    },
  },
  {
    name: 'perceptron',
    summary: "Rosenblatt's perceptron, sign(w·x + w0), trained by the Hebbian (perceptron) rule",
    task: 'classic-neuron',
    datasets: ['fruit', 'and', 'or', 'nand', 'nor', 'xor', 'iris'],
    defaults: { epochs: 100, batchSize: 1, learningRate: 0.01 },
    packageName,
    source: 'seed 003, 2.1 to 2.3 (the fruit example)',
    async build(options) {
      const { Perceptron } = await import('./perceptron.js');
      return new Perceptron({
        inputSize: options.inputShape?.[0],
        weights: options.weights as number[] | undefined,
        bias: options.bias as number | undefined,
      });
    },
  },
  {
    name: 'adaline',
    summary: 'Adaline: linear neuron trained by the delta rule (LMS), classes by sign',
    task: 'classic-neuron',
    datasets: ['iris', 'fruit', 'and', 'or', 'nand', 'nor', 'xor'],
    defaults: { epochs: 30, batchSize: 1, learningRate: 0.001 },
    packageName,
    source: 'seed 003, 2.2.3 and 3.2.1',
    async build(options) {
      const { Adaline } = await import('./adaline.js');
      return new Adaline({
        weights: options.weights as number[] | undefined,
        bias: options.bias as number | undefined,
      });
    },
  },
  {
    name: 'madaline',
    summary: 'Madaline: two hidden Adalines and a fixed OR unit (v1 = v2 = b3 = 1/2), trained by MRI',
    task: 'classic-neuron',
    datasets: ['xor', 'and', 'or', 'nand', 'nor'],
    defaults: { epochs: 100, batchSize: 1, learningRate: 0.5 },
    packageName,
    source: 'seed 003, 3.2.2',
    async build(options) {
      const { Madaline } = await import('./madaline.js');
      return new Madaline({ hiddenUnits: options.hiddenUnits as number | undefined });
    },
  },
  {
    name: 'slp',
    summary: 'Single-layer perceptron: M perceptrons, one hyperplane per class',
    task: 'classic-neuron',
    datasets: ['iris'],
    defaults: { epochs: 100, batchSize: 1, learningRate: 0.01 },
    packageName,
    source: 'seed 003, 3.1.3 to 3.1.4',
    async build({ numClasses }) {
      const { SingleLayerPerceptron } = await import('./single-layer-perceptron.js');
      return new SingleLayerPerceptron({ outputs: numClasses });
    },
  },
];
