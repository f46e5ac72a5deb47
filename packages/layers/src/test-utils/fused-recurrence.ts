// What the fused-recurrence tests share, whatever backend runs the fused kernels (WASM or WebGPU).
import {
  FUSED_GRU,
  FUSED_GRU_RESET_BEFORE,
  FUSED_LSTM,
  FUSED_SIMPLE_RNN,
  type Layer,
  tf,
} from '@tensorfold/core';
import { GRU } from '../layers/recurrent/gru.js';
import { LSTM, type LSTMArgs } from '../layers/recurrent/lstm.js';
import type { RecurrentLayer } from '../layers/recurrent/recurrent-base.js';
import { SimpleRNN } from '../layers/recurrent/simple-rnn.js';
import { seededUniform } from './setup.js';

/** One configuration a fused recurrence is compared on. */
export interface FusedCase {
  name: string;
  args: Partial<LSTMArgs>;
  batch: number;
  steps: number;
  features: number;
  masked?: boolean;
  withStates?: boolean;
  /** Run in training mode (dropout on). */
  training?: boolean;
}

/** A layer with a fused kernel: how to make it (4 units unless `args` say) and its forward kernel's name. */
export interface FusedKind {
  name: string;
  make: (args: Partial<LSTMArgs>) => RecurrentLayer;
  forward: string;
}

/** The layers with fused kernels, and the name of each one's forward kernel. */
export const fusedKinds: readonly FusedKind[] = [
  { name: 'lstm', make: (args) => new LSTM({ units: 4, ...args } as LSTMArgs), forward: FUSED_LSTM },
  { name: 'simpleRNN', make: (args) => new SimpleRNN({ units: 4, ...args }), forward: FUSED_SIMPLE_RNN },
  {
    name: 'gru (resetAfter)',
    // A random recurrent bias, so that its gradient is tested too (the default starts at zero).
    make: (args) => new GRU({ units: 4, resetAfter: true, biasInitializer: 'randomNormal', ...args }),
    forward: FUSED_GRU,
  },
  {
    name: 'gru (reset before, the default)',
    make: (args) => new GRU({ units: 4, biasInitializer: 'randomNormal', ...args }),
    forward: FUSED_GRU_RESET_BEFORE,
  },
];

/**
 * Unregisters the kernels `names` on `backend` (the layers then take their op-by-op recurrences) and
 * returns the function that registers them again.
 */
export function unregisterKernels(backend: string, names: readonly string[]): () => void {
  const configs = names.map((name) => tf.getKernel(name, backend) as tf.KernelConfig);
  for (const config of configs) tf.unregisterKernel(config.kernelName, backend);
  return () => {
    for (const config of configs) tf.registerKernel(config);
  };
}

/** How many times `f` ran the fused forward kernel `name` on `backend`. */
export function countingFusedCalls(backend: string, name: string, f: () => void): number {
  const config = tf.getKernel(name, backend) as tf.KernelConfig;
  let count = 0;
  tf.unregisterKernel(name, backend);
  tf.registerKernel({
    ...config,
    kernelFunc: (args) => {
      count++;
      return config.kernelFunc(args);
    },
  });
  try {
    f();
  } finally {
    tf.unregisterKernel(name, backend);
    tf.registerKernel(config);
  }
  return count;
}

/** A [batch, steps] mask with padding at the end of some samples and in the middle of others. */
export function sampleMask(batch: number, steps: number): tf.Tensor {
  const values: boolean[] = [];
  for (let b = 0; b < batch; b++)
    for (let t = 0; t < steps; t++) values.push(b % 3 === 0 ? true : b % 3 === 1 ? t < 2 : t !== 1);
  return tf.tensor2d(values, [batch, steps], 'bool');
}

/**
 * Everything the layer computes on `x` (outputs, then final states with returnState) and the
 * gradients of a random projection of them with respect to x, the weights and the initial states.
 */
export function outputsAndGradients(layer: Layer, c: FusedCase, x: tf.Tensor): tf.Tensor[] {
  return tf.tidy(() => {
    const { units, stateCount } = layer as RecurrentLayer;
    const states = c.withStates
      ? Array.from({ length: stateCount }, (_, i) => seededUniform([c.batch, units], 5 + i))
      : undefined;
    const mask = c.masked ? sampleMask(c.batch, c.steps) : undefined;
    const loss = (input: tf.Tensor, initial: tf.Tensor[]) => {
      const out = layer.apply(input, {
        ...(c.training ? { training: true } : {}),
        ...(mask ? { mask } : {}),
        ...(initial.length > 0 ? { initialState: initial } : {}),
      } as never) as tf.Tensor | tf.Tensor[];
      const list = Array.isArray(out) ? out : [out];
      return {
        list,
        value: tf.addN(list.map((t, i) => tf.sum(tf.mul(t, seededUniform(t.shape, 10 + i))))) as tf.Scalar,
      };
    };
    const outputs = loss(x, states ?? []).list;
    const variables = [x, ...(states ?? [])].map((t) => tf.variable(t));
    const [xv, ...stateVariables] = variables as [tf.Variable, ...tf.Variable[]];
    const list = [xv, ...layer.trainableWeights.map((w) => w.read()), ...stateVariables];
    const { value, grads: named } = tf.variableGrads(() => loss(xv, stateVariables).value, list);
    const grads = list.map((v) => named[v.name] as tf.Tensor);
    value.dispose();
    tf.dispose(variables);
    return [...outputs, ...grads];
  });
}
