import * as tf from '@tensorflow/tfjs-core';
import type { LayerWeight } from '../engine/layer-weight.js';
import { Model } from '../engine/model.js';
import { withWeightBudget } from '../engine/weight-budget.js';
import { SerializationError } from '../errors.js';
import { create, isRegistered, type SerializedObject } from '../registry.js';
import { VERSION } from '../version.js';
import { byteSize, checkFinite, elementCount, validateWeightSpecs } from './manifest.js';
import { fromPythonic, toPythonic } from './pythonic.js';

/** The model file format tfjs-layers writes and reads. */
export const LAYERS_MODEL_FORMAT = 'layers-model';

/** Options of `saveModel` / `model.save`. */
export interface SaveOptions {
  /** Save the optimizer's state (Adam's moments...) so training can resume exactly. Default `false`. */
  includeOptimizer?: boolean;
}

/** Weight values plus the manifest entries describing them. */
interface EncodedWeights {
  data: ArrayBuffer;
  specs: tf.io.WeightsManifestEntry[];
}

/**
 * The model as TensorFlow.js layers-format artifacts: topology JSON (snake_case keys, as Keras
 * writes), weight specs and one buffer of weight data.
 */
export async function modelToArtifacts(
  model: Model,
  options: SaveOptions = {},
): Promise<tf.io.ModelArtifacts> {
  const weights = model.weights;
  const seen = new Set<string>();
  for (const w of weights) {
    if (seen.has(w.path)) {
      throw new SerializationError(
        `Two weights are both named "${w.path}"; give the layers unique names before saving.`,
      );
    }
    seen.add(w.path);
  }
  const encoded: EncodedWeights[] = [
    await tf.io.encodeWeights(weights.map((w) => ({ name: w.path, tensor: w.read() }))),
  ];
  let trainingConfig: tf.io.TrainingConfig | undefined;
  if (model.isCompiled) {
    trainingConfig = trainingConfigOf(model);
    if (options.includeOptimizer) {
      const state = await model.optimizer.getWeights();
      const named = state.map((s) => ({ name: renameVariable(s.name, weights, 'toPath'), tensor: s.tensor }));
      encoded.push(await tf.io.encodeWeights(named, 'optimizer'));
      tf.dispose(state.map((s) => s.tensor));
    }
  }
  const topology = toPythonic({ className: model.className, config: model.getConfig() }) as Record<
    string,
    unknown
  >;
  return {
    modelTopology: { ...topology, keras_version: `tensorfold ${VERSION}`, backend: 'tensor_flow.js' },
    format: LAYERS_MODEL_FORMAT,
    generatedBy: `tensorfold ${VERSION}`,
    convertedBy: null,
    weightSpecs: encoded.flatMap((e) => e.specs),
    weightData: tf.io.concatenateArrayBuffers(encoded.map((e) => e.data)),
    ...(trainingConfig ? { trainingConfig } : {}),
  };
}

function trainingConfigOf(model: Model): tf.io.TrainingConfig {
  const compiled = model.requireCompiled('save');
  const optimizer = compiled.optimizer;
  const losses = compiled.losses.map((l) => l.spec ?? l.name);
  const metricNames = compiled.metrics.map((m) => m.metric.name);
  const lossWeights = compiled.losses.map((l) => l.weight);
  return toPythonicTraining({
    optimizer_config: {
      class_name: optimizer.className,
      config: toPythonic(optimizer.getConfig()) as tf.serialization.ConfigDict,
    },
    loss: (losses.length === 1 ? losses[0] : losses) as string,
    metrics: metricNames,
    // tfjs-layers refuses a training config with loss_weights: written only when one is not 1.
    ...(lossWeights.some((w) => w !== 1) ? { loss_weights: lossWeights } : {}),
  });
}

function toPythonicTraining(config: Record<string, unknown>): tf.io.TrainingConfig {
  const loss = config.loss as string | SerializedObject | Array<string | SerializedObject>;
  const convert = (l: string | SerializedObject) => (typeof l === 'string' ? l : toPythonic(l));
  return {
    ...config,
    loss: Array.isArray(loss) ? loss.map(convert) : convert(loss),
  } as unknown as tf.io.TrainingConfig;
}

/** Optimizer state names use tfjs variable names (`dense/kernel_7/m`); files use weight paths (`dense/kernel/m`). */
function renameVariable(name: string, weights: LayerWeight[], direction: 'toPath' | 'toVariable'): string {
  for (const w of weights) {
    const [from, to] = direction === 'toPath' ? [w.variable.name, w.path] : [w.path, w.variable.name];
    if (name === from) return to;
    if (name.startsWith(`${from}/`)) return to + name.slice(from.length);
  }
  return name;
}

/** Options of `modelFromArtifacts` / `loadModel`. */
export interface LoadOptions {
  /** Fail when the file has weights the model does not use (default `true`). Missing weights always fail. */
  strict?: boolean;
  /** Compile with the saved training config when its optimizer and loss are registered. Default `true`. */
  compile?: boolean;
  /**
   * Load weights that hold NaN or infinite values (a model saved after training diverged), for
   * example to inspect them. Default `false`: such a file raises a {@link SerializationError} naming
   * the weight, since the model would only predict NaN.
   */
  allowNonFinite?: boolean;
}

/**
 * Rebuilds a model from layers-format artifacts (written by tensorfold, tfjs-layers, or Keras through
 * the TensorFlow.js converter). Before anything is allocated it checks the weights manifest (every
 * entry's name, shape, dtype; no duplicates), that the weight data has the bytes the manifest
 * describes, that the float weights are finite (unless `allowNonFinite`), and, while the layers are
 * built, that they claim no more weight values than the data holds. It checks every weight's presence
 * and shape before setting any.
 * @throws SerializationError naming the entry, field or weight at fault; nothing stays allocated.
 */
export async function modelFromArtifacts(
  artifacts: tf.io.ModelArtifacts,
  options: LoadOptions = {},
): Promise<Model> {
  let topology = artifacts.modelTopology as Record<string, unknown> | undefined;
  if (topology == null || typeof topology !== 'object' || topology instanceof ArrayBuffer) {
    throw new SerializationError(
      'The model file has no layers-model topology (modelTopology is missing or not JSON). Is it a graph model? Only layers models can be loaded.',
    );
  }
  if (topology.model_config != null) topology = topology.model_config as Record<string, unknown>;
  if (typeof topology.class_name !== 'string' || topology.config == null) {
    throw new SerializationError(
      'The model topology has no "class_name"/"config"; the model.json is corrupt or not a layers model.',
    );
  }
  const specs = validateWeightSpecs(artifacts.weightSpecs ?? []);
  const data = artifacts.weightData
    ? new tf.io.CompositeArrayBuffer(artifacts.weightData).slice()
    : new ArrayBuffer(0);
  const expectedBytes = specs.reduce((n, s) => n + byteSize(s), 0);
  if (data.byteLength !== expectedBytes) {
    throw new SerializationError(
      `The weight data has ${data.byteLength} bytes but the manifest describes ${expectedBytes}. A weight shard is truncated, missing or from another save; re-save the model.`,
    );
  }
  if (!options.allowNonFinite) checkFinite(data, specs);
  const spec = fromPythonic({ class_name: topology.class_name, config: topology.config }) as SerializedObject;
  // the layers may create at most the weight values the data holds (optimizer state aside)
  const modelValues = specs.filter((s) => s.group !== 'optimizer').reduce((n, s) => n + elementCount(s), 0);
  const variablesBefore = new Set(Object.keys(tf.engine().registeredVariables));
  let model: Model;
  try {
    model = withWeightBudget(modelValues, () => create<Model>('layer', spec));
  } catch (error) {
    // layers built before the failing one made weights that no model owns: free them
    for (const [name, variable] of Object.entries(tf.engine().registeredVariables))
      if (!variablesBefore.has(name)) variable.dispose();
    if (error instanceof SerializationError) throw error;
    throw new SerializationError(`Cannot rebuild the model from its config: ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    if (!(model instanceof Model))
      throw new SerializationError(`The topology describes a ${spec.className}, not a model.`);
    await loadWeightsInto(model, artifacts, specs, data, options);
  } catch (error) {
    (model as { dispose?: () => void }).dispose?.(); // a failed load leaves no weights behind
    throw error;
  }
  return model;
}

/** Checks names and shapes against the manifest, then decodes and sets the weights and compiles. */
async function loadWeightsInto(
  model: Model,
  artifacts: tf.io.ModelArtifacts,
  specs: tf.io.WeightsManifestEntry[],
  data: ArrayBuffer,
  options: LoadOptions,
): Promise<void> {
  if (model.inputs.length === 0)
    throw new SerializationError('The saved model has no input shape, so its weights cannot be created.');
  const modelSpecs = specs.filter((s) => s.group !== 'optimizer');
  const names = new Set(modelSpecs.map((s) => s.name));
  const strict = options.strict ?? true;
  // shapes only: nothing is decoded until names and shapes match
  const shapes = Object.fromEntries(modelSpecs.map((s) => [s.name, { shape: s.shape }]));
  assignWeights(model, shapes as unknown as tf.NamedTensorMap, names, strict, false);
  const values = tf.io.decodeWeights(data, specs);
  try {
    assignWeights(model, values, names, strict);
    if ((options.compile ?? true) && artifacts.trainingConfig) {
      await compileFromTrainingConfig(model, artifacts.trainingConfig, specs, values);
    }
  } finally {
    tf.dispose(Object.values(values));
  }
}

function assignWeights(
  model: Model,
  values: tf.NamedTensorMap,
  fileNames: Set<string>,
  strict: boolean,
  write = true,
): void {
  const weights = model.weights;
  const missing = weights.filter((w) => !fileNames.has(w.path)).map((w) => w.path);
  if (missing.length > 0) {
    throw new SerializationError(
      `The file lacks weights the model needs: ${missing.join(', ')}. The weights belong to a different model, or a shard is missing.`,
    );
  }
  const used = new Set(weights.map((w) => w.path));
  const extra = [...fileNames].filter((n) => !used.has(n));
  if (strict && extra.length > 0) {
    throw new SerializationError(
      `The file has weights the model does not use: ${extra.join(', ')}. Load with {strict: false} to ignore them.`,
    );
  }
  for (const w of weights) {
    const v = values[w.path];
    if (!tf.util.arraysEqual(v.shape, w.shape)) {
      throw new SerializationError(
        `Weight "${w.path}" has shape [${v.shape}] in the file but [${w.shape}] in the model; the file does not match its topology.`,
      );
    }
  }
  if (write) for (const w of weights) w.write(values[w.path]);
}

async function compileFromTrainingConfig(
  model: Model,
  config: tf.io.TrainingConfig,
  specs: tf.io.WeightsManifestEntry[],
  values: tf.NamedTensorMap,
): Promise<void> {
  const optimizerConfig = config.optimizer_config as unknown as
    | { class_name: string; config: Record<string, unknown> }
    | undefined;
  if (!optimizerConfig || !isRegistered('optimizer', optimizerConfig.class_name)) return;
  const lossSpecs = (Array.isArray(config.loss) ? config.loss : [config.loss]).map((l) =>
    typeof l === 'string' ? l : (fromPythonic(l) as SerializedObject),
  );
  const lossNames = lossSpecs.map((l) => (typeof l === 'string' ? l : l.className));
  if (!lossNames.every((n) => isRegistered('loss', n))) return;
  const metrics = Array.isArray(config.metrics)
    ? (config.metrics as string[]).filter(
        (m) => typeof m === 'string' && (isRegistered('metric', m) || /^acc(uracy)?$/i.test(m)),
      )
    : [];
  const optimizer = create('optimizer', {
    className: optimizerConfig.class_name,
    config: fromPythonic(optimizerConfig.config) as Record<string, unknown>,
  });
  model.compile({
    optimizer: optimizer as never,
    loss: lossSpecs.length === 1 ? (lossSpecs[0] as string) : (lossSpecs as string[]),
    metrics,
    lossWeights: Array.isArray(config.loss_weights) ? (config.loss_weights as number[]) : undefined,
  });
  const optimizerSpecs = specs.filter((s) => s.group === 'optimizer');
  if (optimizerSpecs.length > 0) {
    const weights = model.weights;
    await model.optimizer.setWeights(
      optimizerSpecs.map((s) => ({
        name: renameVariable(s.name, weights, 'toVariable'),
        tensor: values[s.name],
      })),
    );
  }
}
