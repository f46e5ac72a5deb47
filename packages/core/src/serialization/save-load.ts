import * as tf from '@tensorflow/tfjs-core';
import type { Model } from '../engine/model.js';
import { ConfigError, SerializationError } from '../errors.js';
import { type LoadOptions, modelFromArtifacts, modelToArtifacts, type SaveOptions } from './artifacts.js';

/** Where a model goes or comes from: a tfjs IO handler, or a URL such as `indexeddb://name`, `downloads://name`, `file://dir` (Node, after importing `@tensorfold/core/node`). */
export type ModelDestination = string | tf.io.IOHandler;

/**
 * Saves the model's topology and weights in the TensorFlow.js layers format.
 *
 * @example
 * await saveModel(model, 'indexeddb://my-model');                 // browser
 * await saveModel(model, 'file://./out/mnist');                   // Node, after import '@tensorfold/core/node'
 * const artifacts = await modelToArtifacts(model);                // in memory
 */
export async function saveModel(
  model: Model,
  destination: ModelDestination,
  options: SaveOptions = {},
): Promise<tf.io.SaveResult> {
  const handler = typeof destination === 'string' ? saveHandlerFor(destination) : destination;
  if (typeof handler.save !== 'function')
    throw new ConfigError('The IO handler given to save() cannot save (it has no save method).');
  return handler.save(await modelToArtifacts(model, options));
}

/**
 * Loads a layers-format model (saved by tensorfold, by `@tensorflow/tfjs-layers`, or converted from
 * Keras) from an IO handler, a URL, or in-memory artifacts. The layer classes it uses must be
 * registered, which importing `@tensorfold/layers` does.
 */
export async function loadModel(
  source: ModelDestination | tf.io.ModelArtifacts,
  options: LoadOptions = {},
): Promise<Model> {
  let artifacts: tf.io.ModelArtifacts;
  if (typeof source === 'string') {
    artifacts = await loadWith(loadHandlerFor(source));
  } else if (isIOHandler(source)) {
    artifacts = await loadWith(source);
  } else {
    artifacts = source;
  }
  return modelFromArtifacts(artifacts, options);
}

function isIOHandler(x: unknown): x is tf.io.IOHandler {
  return (
    typeof (x as tf.io.IOHandler).load === 'function' || typeof (x as tf.io.IOHandler).save === 'function'
  );
}

async function loadWith(handler: tf.io.IOHandler): Promise<tf.io.ModelArtifacts> {
  if (typeof handler.load !== 'function')
    throw new ConfigError('The IO handler given to load() cannot load (it has no load method).');
  return handler.load();
}

function saveHandlerFor(url: string): tf.io.IOHandler {
  const handlers = tf.io.getSaveHandlers(url);
  if (handlers.length === 0) throw new ConfigError(noHandlerMessage(url, 'save'));
  return handlers[0];
}

function loadHandlerFor(url: string): tf.io.IOHandler {
  const handlers = tf.io.getLoadHandlers(url);
  if (handlers.length === 0) throw new ConfigError(noHandlerMessage(url, 'load'));
  return handlers[0];
}

function noHandlerMessage(url: string, what: string): string {
  const hint = url.startsWith('file://')
    ? "In Node, import '@tensorfold/core/node' to enable file:// paths (or pass fileSystem(dir))."
    : 'Use indexeddb://, localstorage://, downloads://, http(s):// or an IO handler.';
  return `No way to ${what} a model at "${url}". ${hint}`;
}

/** An IO handler that keeps what is saved in memory (`handler.artifacts`) and loads it back. */
export function memoryIO(
  initial?: tf.io.ModelArtifacts,
): tf.io.IOHandler & { artifacts: tf.io.ModelArtifacts | null } {
  const handler = {
    artifacts: initial ?? null,
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      handler.artifacts = artifacts;
      return { modelArtifactsInfo: artifactsInfo(artifacts) };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      if (!handler.artifacts)
        throw new SerializationError('Nothing has been saved to this memory handler yet.');
      return handler.artifacts;
    },
  };
  return handler;
}

/** Sizes of saved artifacts, as tfjs reports them. */
export function artifactsInfo(artifacts: tf.io.ModelArtifacts): tf.io.ModelArtifactsInfo {
  const weightBytes = artifacts.weightData
    ? new tf.io.CompositeArrayBuffer(artifacts.weightData).byteLength
    : 0;
  return {
    dateSaved: new Date(),
    modelTopologyType: 'JSON',
    modelTopologyBytes: JSON.stringify(artifacts.modelTopology ?? null).length,
    weightSpecsBytes: JSON.stringify(artifacts.weightSpecs ?? []).length,
    weightDataBytes: weightBytes,
  };
}
