/**
 * Training throughput (samples/s) of the MLP 784-512-256-10 (Adam, batch 128) and LeNet-5 (batch 64)
 * on MNIST-shaped data (random pixels and one-hot labels: a step's time does not depend on the
 * values), tensorfold's own stack (core + layers + optim) against `@tensorflow/tfjs-layers`, the same
 * network on the same backend in the same process.
 *
 * On WASM the peer runs twice: on stock tfjs-backend-wasm kernels (what a tfjs-layers user gets; it
 * cannot train LeNet-5, which lacks Conv2DBackpropFilter there) and on the kernels
 * `@tensorfold/backend` registers (the same kernels tensorfold runs on, so that ratio isolates
 * layers + optimizer + training loop). The sides alternate in rounds and each reports the median
 * round, so that load from other processes on a shared machine hits all of them alike.
 */
import { registerWasmKernels, unregisterWasmKernels } from '@tensorfold/backend';
import { tf } from '@tensorfold/core';
import type { BenchContext, Suite } from '../harness.js';
import { median } from '../kernel-ab.js';
import { type NetworkName, type Trainable, tensorfoldModel, tfjsLayersModel } from '../training-models.js';

interface Side {
  name: string;
  build: (network: NetworkName) => Trainable;
  /** Whether the side runs on stock tfjs-backend-wasm kernels. */
  stockKernels: boolean;
}

interface Network {
  name: NetworkName;
  label: string;
  inputShape: number[];
  batch: number;
}

const NETWORKS: Network[] = [
  { name: 'mlp', label: 'MLP 784-512-256-10, Adam, batch 128', inputShape: [784], batch: 128 },
  { name: 'lenet5', label: 'LeNet-5, Adam, batch 64', inputShape: [28, 28, 1], batch: 64 },
];

/** Median samples/s per side over interleaved rounds; null for a side that cannot train the network. */
async function measure(
  network: Network,
  sides: Side[],
  rounds: number,
  stepsPerRound: number,
): Promise<Map<string, number | null>> {
  const x = tf.randomUniform([network.batch, ...network.inputShape], 0, 1, 'float32', 1);
  const y = tf.oneHot(tf.randomUniform([network.batch], 0, 10, 'int32', 2) as tf.Tensor1D, 10);
  const useKernels = (stock: boolean) => (stock ? unregisterWasmKernels() : registerWasmKernels());
  const live = new Map<string, Trainable>();
  const rates = new Map<string, number[] | null>();
  try {
    for (const side of sides) {
      useKernels(side.stockKernels);
      const model = side.build(network.name);
      live.set(side.name, model);
      try {
        for (let i = 0; i < 3; i++) await model.trainOnBatch(x, y);
        rates.set(side.name, []);
      } catch {
        rates.set(side.name, null);
      }
    }
    for (let round = 0; round < rounds; round++) {
      for (const side of sides) {
        const perRound = rates.get(side.name);
        if (perRound == null) continue;
        useKernels(side.stockKernels);
        const model = live.get(side.name)!;
        const start = performance.now();
        for (let i = 0; i < stepsPerRound; i++) await model.trainOnBatch(x, y);
        perRound.push((stepsPerRound * network.batch) / ((performance.now() - start) / 1000));
      }
    }
  } finally {
    registerWasmKernels();
    for (const model of live.values()) model.dispose();
    tf.dispose([x, y]);
  }
  return new Map([...rates].map(([name, r]) => [name, r == null ? null : median(r)]));
}

const suite: Suite = {
  name: 'backend-training',
  description: 'MLP and LeNet-5 training samples/s: tensorfold (core + layers + optim) vs tfjs-layers',
  async run(ctx: BenchContext) {
    const wasm = ctx.backend === 'wasm';
    const sides: Side[] = [
      { name: 'tensorfold', build: tensorfoldModel, stockKernels: false },
      { name: 'tfjs-layers', build: tfjsLayersModel, stockKernels: false },
      ...(wasm ? [{ name: 'tfjs-layers on stock wasm', build: tfjsLayersModel, stockKernels: true }] : []),
    ];
    const [rounds, steps] = ctx.quick ? [2, 3] : [7, 8];
    for (const network of NETWORKS) {
      const rates = await measure(network, sides, rounds, steps);
      const ours = rates.get('tensorfold') ?? null;
      if (ours == null) throw new Error(`tensorfold could not train ${network.label} on ${ctx.backend}.`);
      if (wasm) {
        const stock = rates.get('tfjs-layers on stock wasm') ?? null;
        ctx.report({
          suite: 'backend-training',
          case: network.label,
          unit: 'samples/s',
          value: ours,
          peer: stock,
          peerName: 'tfjs-layers on stock wasm kernels',
          higherIsBetter: true,
          note: stock == null ? 'stock WASM cannot train it (no Conv2DBackpropFilter)' : undefined,
        });
      }
      ctx.report({
        suite: 'backend-training',
        case: network.label,
        unit: 'samples/s',
        value: ours,
        peer: rates.get('tfjs-layers') ?? null,
        peerName: wasm
          ? "tfjs-layers on @tensorfold/backend's wasm kernels"
          : `tfjs-layers on ${ctx.backend}`,
        higherIsBetter: true,
      });
    }
  },
};

export default suite;
