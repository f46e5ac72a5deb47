/**
 * Forward + backward time of tensorfold's layers against `@tensorflow/tfjs-layers`, the same layer
 * with the same weights on the same backend in the same run: conv2d, lstm (batch 32, 60 steps,
 * 5 features, 50 units) and batchNormalization, plus the LSTM's inference time.
 *
 * The two sides run in alternating rounds (median over rounds), so load from other processes and
 * garbage collection fall on both alike.
 *
 * `pnpm --filter @tensorfold/bench bench layers --backend wasm`
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { type Layer, tf } from '@tensorfold/core';
import { batchNormalization, conv2d, lstm } from '@tensorfold/layers';
import { runAlternating } from '../alternating-rounds.js';
import type { BenchContext, Suite } from '../harness.js';
import { medianOf as median } from '../steadiness.js';
import { timedCalls } from '../timed-call.js';

interface Variables {
  read(): tf.Tensor;
}

/**
 * One training step's worth of work for a layer inside a network: the loss `Σ y` and its gradients
 * for every trainable weight and for the input (which a hidden layer must pass back).
 */
function forwardBackward(
  apply: (x: tf.Tensor) => tf.Tensor,
  input: tf.Variable | null,
  variables: tf.Variable[],
  x: tf.Tensor,
): () => tf.Tensor[] {
  return () => {
    const { value, grads } = tf.variableGrads(
      () => tf.sum(apply(input ?? x)) as tf.Scalar,
      input ? [...variables, input] : variables,
    );
    return [value, ...Object.values(grads)];
  };
}

type Step = () => tf.Tensor | tf.Tensor[];

/** Runs `step` and waits for and frees everything it returned. */
async function settle(step: Step): Promise<void> {
  const out = [step()].flat();
  for (const t of out) await t.data();
  tf.dispose(out);
}

/**
 * Milliseconds per step of `ours` and `theirs`, timed in alternating rounds of `steps` steps
 * (runAlternating: ours first in even rounds, theirs in odd ones); the median over rounds.
 */
async function alternate(ours: Step, theirs: Step, rounds: number, steps: number): Promise<[number, number]> {
  const sides = [ours, theirs].map((step) => ({
    round: async (n: number) => (await timedCalls(n, () => settle(step))).wall / n,
  }));
  // Warm-up: two rounds of one step each, ours then theirs in both (not runAlternating's warm-up,
  // which would swap the second round's order), as these figures have always been measured.
  for (let i = 0; i < 2; i++) for (const side of sides) await side.round(1);
  const { rounds: times } = await runAlternating(sides, { rounds, steps, warmupRounds: 0 });
  return [median(times[0]), median(times[1])];
}

interface Case {
  name: string;
  input: () => tf.Tensor;
  ours: () => Layer;
  theirs: () => tfl.layers.Layer;
  training: boolean;
  /** Also time the layer as a network's first layer (no input gradient). */
  firstLayer?: boolean;
}

const cases: Case[] = [
  {
    name: 'conv2d 3x3 same relu, 32x28x28x8 -> 16',
    input: () => tf.randomUniform([32, 28, 28, 8], -1, 1, 'float32', 1),
    ours: () => conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }),
    theirs: () => tfl.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }),
    training: true,
    firstLayer: true,
  },
  {
    name: 'lstm 32x60x5 -> 50',
    input: () => tf.randomUniform([32, 60, 5], -1, 1, 'float32', 2),
    ours: () => lstm({ units: 50 }),
    theirs: () =>
      tfl.layers.lstm({ units: 50, recurrentActivation: 'sigmoid', recurrentInitializer: 'glorotUniform' }),
    training: true,
  },
  {
    name: 'batchNormalization training, 32x28x28x16',
    input: () => tf.randomUniform([32, 28, 28, 16], -1, 3, 'float32', 3),
    ours: () => batchNormalization(),
    theirs: () => tfl.layers.batchNormalization(),
    training: true,
  },
];

async function runCase(ctx: BenchContext, c: Case): Promise<void> {
  const x = c.input();
  const ours = c.ours();
  const theirs = c.theirs();
  tf.dispose(ours.apply(x) as tf.Tensor);
  tf.dispose(theirs.apply(x) as tf.Tensor);
  const weights = ours.getWeights();
  theirs.setWeights(weights);
  tf.dispose(weights);
  const kwargs = { training: c.training };
  const [rounds, steps] = ctx.quick ? [3, 2] : [9, 5];
  const ourVariables = ours.trainableWeights.map((w) => w.variable);
  const theirVariables = theirs.trainableWeights.map(
    (w) => (w as unknown as Variables).read() as tf.Variable,
  );
  const variants: Array<[string, boolean]> = [
    ['fwd+bwd', true],
    ...(c.firstLayer ? [['fwd+bwd as first layer (no input gradient)', false] as [string, boolean]] : []),
  ];
  for (const [label, withInput] of variants) {
    const input = withInput ? tf.variable(x) : null;
    const oursStep = forwardBackward((v) => ours.apply(v, kwargs) as tf.Tensor, input, ourVariables, x);
    const theirsStep = forwardBackward((v) => theirs.apply(v, kwargs) as tf.Tensor, input, theirVariables, x);
    const [value, peer] = await alternate(oursStep, theirsStep, rounds, steps);
    ctx.report({
      suite: 'layers',
      case: `${c.name} ${label}`,
      unit: 'ms',
      value,
      peer,
      peerName: 'tfjs-layers',
      higherIsBetter: false,
    });
    input?.dispose();
  }

  if (c.name.startsWith('lstm')) {
    const [value, peer] = await alternate(
      () => ours.apply(x) as tf.Tensor,
      () => theirs.apply(x) as tf.Tensor,
      rounds,
      steps,
    );
    ctx.report({
      suite: 'layers',
      case: `${c.name} inference`,
      unit: 'ms',
      value,
      peer,
      peerName: 'tfjs-layers',
      higherIsBetter: false,
    });
  }
  ours.dispose();
  theirs.dispose();
  tf.dispose(x);
}

const suite: Suite = {
  name: 'layers',
  description: 'forward + backward time of conv2d, lstm and batchNormalization against tfjs-layers',
  async run(ctx) {
    for (const c of cases) await runCase(ctx, c);
  },
};

export default suite;
