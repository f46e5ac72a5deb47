/**
 * The oracle harness: a tensorfold layer and the same layer built in `@tensorflow/tfjs-layers`
 * (a devDependency, used only here) get the same weights and inputs; their outputs and the
 * gradients of a random projection of the outputs with respect to inputs and weights must agree.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { type CallOptions, type Layer, tf } from '@tensorfold/core';
import { expect } from 'vitest';
import { maxAbsDiff } from './setup.js';

/** Options of {@link compareWithTfjs}. */
export interface OracleOptions {
  /** Training mode for both layers. Default false. */
  training?: boolean;
  /** Largest allowed absolute difference of outputs and gradients. Default 1e-5. */
  atol?: number;
  /** Compare gradients too. Default true. */
  gradients?: boolean;
  /** Which inputs get gradient comparisons (indices). Default: all float inputs. */
  inputGradients?: number[];
  /** Extra call options for the tensorfold layer (mask, initialState...). */
  ourCallOptions?: CallOptions;
  /** Extra call options for the tfjs-layers layer. */
  theirCallOptions?: Record<string, unknown>;
  /**
   * Config keys not compared besides `dtype`. getConfig must otherwise return exactly tfjs-layers'
   * keys. (`dtype` is written by core's base `getConfig` always, as Keras does, and by tfjs-layers
   * only when it was given; each side reads the other's configs either way.)
   */
  ignoreConfigKeys?: string[];
  /** Seed of the output projection. */
  seed?: number;
}

function asList<T>(x: T | T[]): T[] {
  return Array.isArray(x) ? x : [x];
}

type AnyLayer = {
  apply(inputs: tf.Tensor | tf.Tensor[], kwargs?: Record<string, unknown>): unknown;
  trainableWeights: Array<{ read(): tf.Tensor }>;
};

function lossAndGrads(
  layer: AnyLayer,
  inputs: tf.Tensor[],
  multiple: boolean,
  kwargs: Record<string, unknown>,
  projections: tf.Tensor[],
  inputIndices: number[],
  weightVariables: tf.Variable[],
): { outputs: tf.Tensor[]; grads: tf.Tensor[] } {
  if (weightVariables.length === 0 && inputIndices.length === 0) {
    const out = tf.tidy(() =>
      asList(layer.apply(multiple ? inputs : inputs[0], kwargs) as tf.Tensor | tf.Tensor[]).map((o) =>
        tf.clone(o),
      ),
    );
    return { outputs: out, grads: [] };
  }
  const inputVars = inputs.map((x, i) => (inputIndices.includes(i) ? tf.variable(x, true) : null));
  let outputs: tf.Tensor[] = [];
  const { value, grads } = tf.variableGrads(() => {
    const xs = inputs.map((x, i) => inputVars[i] ?? x);
    const out = asList(layer.apply(multiple ? xs : xs[0], kwargs) as tf.Tensor | tf.Tensor[]);
    outputs = out.map((o) => tf.keep(tf.clone(o)));
    return tf.addN(out.map((o, i) => tf.sum(tf.mul(o, projections[i])))) as tf.Scalar;
  }, [...weightVariables, ...inputVars.filter((v): v is tf.Variable => v !== null)]);
  value.dispose();
  const ordered = [
    ...weightVariables.map((v) => grads[v.name]),
    ...inputVars.filter((v): v is tf.Variable => v !== null).map((v) => grads[v.name]),
  ];
  for (const v of inputVars) v?.dispose();
  return { outputs, grads: ordered };
}

/**
 * Builds `ours` and `theirs` on `inputs`, copies our weights into theirs, and checks that outputs
 * and gradients agree within `atol`, and that both `getConfig`s have the same keys.
 */
export async function compareWithTfjs(
  ours: Layer,
  theirs: tfl.layers.Layer,
  inputs: tf.Tensor | tf.Tensor[],
  options: OracleOptions = {},
): Promise<void> {
  const { training = false, atol = 1e-5, gradients = true, seed = 11 } = options;
  const multiple = Array.isArray(inputs);
  const inputList = asList(inputs);
  const ourKwargs = { training, ...options.ourCallOptions };
  const theirKwargs = { training, ...options.theirCallOptions };

  // Build both, then give tfjs-layers our weights.
  tf.dispose(ours.apply(inputs as tf.Tensor, ourKwargs) as tf.Tensor);
  tf.dispose(theirs.apply(inputs as tf.Tensor, theirKwargs) as tf.Tensor);
  const ourWeights = ours.getWeights();
  expect(theirs.weights.length, 'tfjs-layers has a different number of weights').toBe(ourWeights.length);
  theirs.setWeights(ourWeights);
  tf.dispose(ourWeights);

  const ignored = new Set(['dtype', ...(options.ignoreConfigKeys ?? [])]);
  const keys = (c: object) =>
    Object.keys(c)
      .filter((k) => !ignored.has(k))
      .sort();
  expect(keys(ours.getConfig()), 'getConfig keys differ from tfjs-layers').toEqual(keys(theirs.getConfig()));

  const inputIndices = gradients
    ? (options.inputGradients ??
      inputList.map((x, i) => (x.dtype === 'float32' ? i : -1)).filter((i) => i >= 0))
    : [];
  // Output shapes, from an inference-mode call (a training call would move batch-norm statistics on one side only).
  const probe = asList(
    ours.apply(inputs as tf.Tensor, { ...ourKwargs, training: false }) as tf.Tensor | tf.Tensor[],
  );
  const projections = probe.map((o, i) => tf.randomUniform(o.shape, -1, 1, 'float32', seed + i));
  tf.dispose(probe);

  const ourVars = gradients ? ours.trainableWeights.map((w) => w.variable) : [];
  const theirVars = gradients ? theirs.trainableWeights.map((w) => w.read() as tf.Variable) : [];
  expect(theirVars.length, 'tfjs-layers has a different number of trainable weights').toBe(ourVars.length);
  const a = lossAndGrads(
    ours as unknown as AnyLayer,
    inputList,
    multiple,
    ourKwargs,
    projections,
    inputIndices,
    ourVars,
  );
  const b = lossAndGrads(
    theirs as unknown as AnyLayer,
    inputList,
    multiple,
    theirKwargs,
    projections,
    inputIndices,
    theirVars,
  );

  const problems: string[] = [];
  expect(a.outputs.length, 'number of outputs').toBe(b.outputs.length);
  for (const [i, o] of a.outputs.entries()) {
    expect(o.shape, `shape of output ${i}`).toEqual(b.outputs[i].shape);
    const d = await maxAbsDiff(o, b.outputs[i]);
    if (!(d <= atol)) problems.push(`output ${i} differs by ${d}`);
  }
  const names = [
    ...ours.trainableWeights.map((w) => `grad of ${w.path}`),
    ...inputIndices.map((i) => `grad of input ${i}`),
  ];
  for (const [i, g] of a.grads.entries()) {
    const h = b.grads[i];
    if (g == null || h == null) {
      problems.push(`${names[i]}: ${g == null ? 'ours' : 'theirs'} is missing`);
      continue;
    }
    const d = await maxAbsDiff(g, h);
    if (!(d <= atol)) problems.push(`${names[i]} differs by ${d}`);
  }
  tf.dispose([...projections, ...a.outputs, ...b.outputs, ...a.grads, ...b.grads]);
  expect(problems, `${ours.className} vs tfjs-layers (training: ${training})`).toEqual([]);
}
