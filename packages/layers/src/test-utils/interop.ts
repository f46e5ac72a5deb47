/**
 * Save/load interop with `@tensorflow/tfjs-layers` (a devDependency used only in tests): a model
 * saved by tensorfold loads in tfjs-layers and predicts the same, and the other way round.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { type Model, modelFromArtifacts, modelToArtifacts, tf } from '@tensorfold/core';
import { expect } from 'vitest';
import { maxAbsDiff } from './setup.js';

function asList<T>(x: T | T[]): T[] {
  return Array.isArray(x) ? x : [x];
}

/**
 * Saves `model` with tensorfold, loads it with tfjs-layers' `loadLayersModel`, and checks that
 * both predict `x` within `atol`. Returns the tfjs-layers model (the caller disposes it).
 */
export async function expectLoadsInTfjs(
  model: Model,
  x: tf.Tensor | tf.Tensor[],
  atol = 1e-5,
): Promise<tfl.LayersModel> {
  const artifacts = await modelToArtifacts(model);
  const theirs = await tfl.loadLayersModel(tf.io.fromMemory(artifacts));
  const ours = asList(model.predict(x) as tf.Tensor | tf.Tensor[]);
  const their = asList(theirs.predict(x) as tf.Tensor | tf.Tensor[]);
  expect(their.length).toBe(ours.length);
  for (const [i, o] of ours.entries()) {
    expect(
      await maxAbsDiff(o, their[i]),
      `output ${i} of the model loaded in tfjs-layers`,
    ).toBeLessThanOrEqual(atol);
  }
  tf.dispose([...ours, ...their]);
  return theirs;
}

/**
 * Saves a tfjs-layers model with a custom save handler, loads the artifacts with tensorfold, and
 * checks that both predict `x` within `atol`. Returns the tensorfold model.
 */
export async function expectLoadsFromTfjs(
  theirs: tfl.LayersModel,
  x: tf.Tensor | tf.Tensor[],
  atol = 1e-5,
): Promise<Model> {
  let saved: tf.io.ModelArtifacts | null = null;
  await theirs.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  expect(saved).not.toBeNull();
  const ours = await modelFromArtifacts(saved as unknown as tf.io.ModelArtifacts);
  const their = asList(theirs.predict(x) as tf.Tensor | tf.Tensor[]);
  const mine = asList(ours.predict(x) as tf.Tensor | tf.Tensor[]);
  expect(mine.length).toBe(their.length);
  for (const [i, o] of mine.entries()) {
    expect(
      await maxAbsDiff(o, their[i]),
      `output ${i} of the tfjs-layers model loaded in tensorfold`,
    ).toBeLessThanOrEqual(atol);
  }
  tf.dispose([...mine, ...their]);
  return ours;
}
