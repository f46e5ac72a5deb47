/**
 * `loadForInference`: a saved model (float32, or quantized by `quantizeModel`) loaded straight onto
 * the int8 layers, so that a `--dtype int8` file runs on the integer kernels.
 */
import type { LoadOptions, Model, ModelDestination, tf } from '@tensorfold/core';
import { loadQuantized, readArtifacts } from '../quantize/load.js';
import { type QuantizeForInferenceOptions, quantizeForInference } from './quantize-for-inference.js';

/**
 * Options of {@link loadForInference}: `loadModel`'s (`strict`, `allowNonFinite`) and
 * `quantizeForInference`'s (`layers`, `minInputs`, `fold`, `chain`). The copy is not compiled: compile it to
 * call `evaluate`.
 */
export interface LoadForInferenceOptions extends Omit<LoadOptions, 'compile'>, QuantizeForInferenceOptions {}

/**
 * Loads a sequential model saved with any weight storage `quantizeModel` writes (or float32) and
 * returns its copy for integer inference (`quantizeForInference`: Int8Dense and Int8Conv2D on the
 * int8 kernels). For a per-channel int8 file the int8 layers get the file's own levels and scales:
 * decoding them and quantizing again per output channel gives the same levels (each channel's
 * largest level is 127). The layer classes must be registered (import `@tensorfold/layers`).
 *
 * @throws ConfigError as `quantizeForInference` does (a functional model, a named layer without an
 *   int8 form); SerializationError for unreadable files.
 */
export async function loadForInference(
  source: ModelDestination | tf.io.ModelArtifacts,
  options: LoadForInferenceOptions = {},
): Promise<Model> {
  const { layers, minInputs, fold, chain, ...load } = options;
  const float = await loadQuantized(await readArtifacts(source), { ...load, compile: false });
  try {
    return quantizeForInference(float, { layers, minInputs, fold, chain });
  } finally {
    float.dispose();
  }
}
