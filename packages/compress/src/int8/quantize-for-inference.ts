/**
 * `quantizeForInference`: a copy of a trained sequential model whose Dense and Conv2D layers compute
 * in integers (int8 weights, int8 activations quantized on the fly, int32 sums).
 */
import { ConfigError, create, type Layer, type Model, type SerializedObject, tf } from '@tensorfold/core';
import type { Int8Conv2D } from './int8-conv2d.js';
import type { Int8Dense } from './int8-dense.js';

/** Options of {@link quantizeForInference}. */
export interface QuantizeForInferenceOptions {
  /**
   * Names of the layers to replace. Default: every Dense layer and every Conv2D layer that the int8
   * convolution covers (channels last, no dilation); the others stay float.
   */
  layers?: string[];
  /**
   * Layers not named in `layers` whose outputs each sum fewer inputs than this (a Dense's input
   * size, a Conv2D's kernel height x width x input channels) stay float32: quantizing their inputs
   * costs about as much as their product, and the float kernels are faster there (LeNet-5's first
   * convolution, 9 inputs: 0.74x on WASM, BENCHMARKS.md). Default 32.
   */
  minInputs?: number;
}

/** Why a Conv2D (config) cannot become an Int8Conv2D, or null when it can. */
function convProblem(config: Record<string, unknown>): string | null {
  if ((config.dataFormat ?? 'channelsLast') !== 'channelsLast') return 'it is channels-first';
  const dilation = config.dilationRate;
  if ((Array.isArray(dilation) ? dilation : [dilation ?? 1]).some((d) => d !== 1)) return 'it is dilated';
  if (config.padding !== 'valid' && config.padding !== 'same')
    return `its padding is ${String(config.padding)}`;
  return null;
}

/** The spec of the int8 layer that replaces `spec`, or a reason why it cannot. */
function replacement(spec: SerializedObject): SerializedObject | string {
  const c = spec.config as Record<string, unknown>;
  const common = {
    name: c.name,
    activation: c.activation,
    useBias: c.useBias,
    ...(c.batchInputShape ? { batchInputShape: c.batchInputShape } : {}),
  };
  if (spec.className === 'Dense') return { className: 'Int8Dense', config: { ...common, units: c.units } };
  if (spec.className === 'Conv2D') {
    const problem = convProblem(c);
    if (problem) return `Int8Conv2D does not cover it: ${problem}`;
    return {
      className: 'Int8Conv2D',
      config: {
        ...common,
        filters: c.filters,
        kernelSize: c.kernelSize,
        strides: c.strides,
        padding: c.padding,
      },
    };
  }
  return `it is a ${spec.className}; only Dense and Conv2D layers have int8 forms`;
}

/** How many inputs each output of a Dense or Conv2D sums: its kernel's size over its last axis. */
function inputsPerOutput(layer: Layer): number {
  const weights = layer.getWeights();
  const kernel = weights[0];
  const inputs = kernel ? kernel.size / kernel.shape[kernel.rank - 1] : 0;
  tf.dispose(weights);
  return inputs;
}

/**
 * A copy of a sequential model for integer inference: each Dense becomes an `Int8Dense` and each
 * Conv2D an `Int8Conv2D` (per-output-channel int8 weights, as `quantizeModel(..., {dtype: 'int8'})`
 * stores them; activations quantized per row or per image as they arrive; int32 sums), on the
 * kernels `@tensorfold/backend` registers for WASM (SIMD), WebGPU and CPU, and tensor ops elsewhere.
 * The other layers (pooling, batch norm, activations, softmax) stay float, and so do layers with
 * fewer than `minInputs` inputs per output unless named. The copy is for inference:
 * its int8 layers do not train.
 *
 * @throws ConfigError for a functional model, an unbuilt one, or a layer in `options.layers` that is
 *   missing or has no int8 form (the message says why).
 */
export function quantizeForInference(model: Model, options: QuantizeForInferenceOptions = {}): Model {
  if (model.className !== 'Sequential')
    throw new ConfigError(
      `quantizeForInference rebuilds sequential models; "${model.name}" is a ${model.className}.`,
    );
  const config = model.getConfig() as { name: string; layers: SerializedObject[] };
  const wanted = options.layers;
  for (const name of wanted ?? []) {
    const spec = config.layers.find((s) => (s.config as { name?: string }).name === name);
    if (!spec)
      throw new ConfigError(
        `quantizeForInference: the model has no layer "${name}"; its layers: ${config.layers.map((s) => (s.config as { name: string }).name).join(', ')}.`,
      );
    const r = replacement(spec);
    if (typeof r === 'string') throw new ConfigError(`quantizeForInference cannot replace "${name}": ${r}.`);
  }
  const minInputs = options.minInputs ?? 32;
  if (!Number.isFinite(minInputs) || minInputs < 0)
    throw new ConfigError(`quantizeForInference: minInputs must be a number >= 0, got ${minInputs}.`);
  const replaced = config.layers.map((spec, i) => {
    if (wanted && !wanted.includes((spec.config as { name: string }).name)) return null;
    const r = replacement(spec);
    if (typeof r === 'string') return null;
    if (!wanted && inputsPerOutput(model.layers[i]) < minInputs) return null;
    return r;
  });
  const layers = config.layers.map((spec, i) => replaced[i] ?? spec);
  const rebuilt = create<Model>('layer', { className: 'Sequential', config: { name: config.name, layers } });
  rebuilt.layers.forEach((layer: Layer, i: number) => {
    if (!layer.built)
      throw new ConfigError(
        `quantizeForInference needs a built model ("${model.name}" has no input shape yet): give its first layer an inputShape or call model.build([null, ...shape]).`,
      );
    const values = model.layers[i].getWeights();
    if (replaced[i]) (layer as Int8Dense | Int8Conv2D).setFloatWeights(values[0], values[1]);
    else layer.setWeights(values);
    tf.dispose(values);
  });
  return rebuilt;
}
