/** Loading models whose weights are quantized, including tensorfold's per-channel int8 files. */
import {
  ConfigError,
  type LoadOptions,
  loadModel,
  type Model,
  type ModelDestination,
  tf,
} from '@tensorfold/core';
import { dequantizeArtifacts } from './quantize.js';

/** Reads the artifacts behind a URL (`file://`, `indexeddb://`...) or an IO handler. */
export async function readArtifacts(
  source: ModelDestination | tf.io.ModelArtifacts,
): Promise<tf.io.ModelArtifacts> {
  if (typeof source !== 'string' && !isHandler(source)) return source;
  const handler = typeof source === 'string' ? tf.io.getLoadHandlers(source)[0] : source;
  if (!handler || typeof handler.load !== 'function')
    throw new ConfigError(
      `Cannot load a model from ${typeof source === 'string' ? `"${source}"` : 'this IO handler'}; in Node import '@tensorfold/core/node' for file:// paths.`,
    );
  return handler.load();
}

/**
 * Loads a model saved with any weight storage {@link quantizeArtifacts} writes: float16, uint8 and
 * uint16 go to `loadModel` as they are (tfjs decodes them); per-channel int8 weights are decoded to
 * float32 first. The layer classes must be registered (import `@tensorfold/layers`).
 */
export async function loadQuantized(
  source: ModelDestination | tf.io.ModelArtifacts,
  options: LoadOptions = {},
): Promise<Model> {
  const artifacts = await readArtifacts(source);
  const int8 = (artifacts.weightSpecs ?? []).some((s) => (s.quantization?.dtype as string) === 'int8');
  return loadModel(int8 ? dequantizeArtifacts(artifacts) : artifacts, options);
}

function isHandler(x: tf.io.IOHandler | tf.io.ModelArtifacts): x is tf.io.IOHandler {
  return (
    typeof (x as tf.io.IOHandler).load === 'function' || typeof (x as tf.io.IOHandler).save === 'function'
  );
}
