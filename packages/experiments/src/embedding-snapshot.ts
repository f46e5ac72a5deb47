import { ConfigError, DataError, type Layer, Model, type SymbolicTensor, tf } from '@tensorfold/core';

/** What {@link RunLoggerArgs.embeddings} asks for: one layer's vectors, logged for the projector. */
export interface EmbeddingsArgs {
  /**
   * The layer's name. Without `inputs`, the layer must be an Embedding layer: its `embeddings` weight is
   * logged, one row per token; with `inputs`, its outputs on them (flattened per sample).
   */
  layer: string;
  /** A sample of inputs `[n, ...]` (a few hundred) whose activations at `layer` are projected. Default: none. */
  inputs?: tf.Tensor;
  /**
   * One label per point (per input, or per row of the weight): class ids (`[n]`, or one-hot `[n, k]`), or
   * strings. Written as `metadata.tsv`; the board colours points by it. Default: none.
   */
  labels?: tf.Tensor | ArrayLike<number> | readonly string[];
  /** Names of the class ids in `labels` (`classNames[id]` is written). Default: the ids. */
  classNames?: readonly string[];
  /** Write the embedding every this many epochs (after the epoch). Default 1. */
  every?: number;
}

/** Inputs are run through the model in batches of this many (bounds the activations' memory). */
const BATCH = 256;

/** Checks `args` against `model` before training; returns the layer and the labels as strings. */
export async function prepareEmbeddings(
  model: Model,
  args: EmbeddingsArgs,
): Promise<{ layer: Layer; labels?: string[] }> {
  const layer = model.layers.find((l) => l.name === args.layer);
  if (!layer)
    throw new ConfigError(
      `runLogger embeddings: the model has no layer "${args.layer}"; its layers are ${model.layers.map((l) => l.name).join(', ')}.`,
    );
  if ((args.every ?? 1) < 1 || !Number.isInteger(args.every ?? 1))
    throw new ConfigError(
      `runLogger embeddings: every must be a whole number of epochs >= 1, got ${args.every}.`,
    );
  let points: number;
  if (args.inputs) {
    points = args.inputs.shape[0];
    outputOf(layer); // fails now for a layer without a single output
  } else {
    points = embeddingWeight(layer).shape[0];
  }
  if (args.labels === undefined) return { layer };
  const labels = await labelStrings(args.labels, args.classNames);
  if (labels.length !== points)
    throw new DataError(
      `runLogger embeddings: ${labels.length} labels for ${points} points (${args.inputs ? 'inputs' : `rows of ${args.layer}'s weight`}); give one label per point.`,
    );
  return { layer, labels };
}

/** The vectors to log now: `[n, d]` row-major. */
export async function embeddingVectors(
  model: Model,
  layer: Layer,
  inputs: tf.Tensor | undefined,
): Promise<{ vectors: Float32Array; n: number; d: number }> {
  if (!inputs) {
    const weight = embeddingWeight(layer);
    const [n, d] = weight.shape;
    return { vectors: (await weight.read().data()) as Float32Array, n, d };
  }
  const probe = new Model({ inputs: model.inputs, outputs: [outputOf(layer)] });
  const n = inputs.shape[0];
  const parts: Float32Array[] = [];
  let d = 0;
  for (let start = 0; start < n; start += BATCH) {
    const size = Math.min(BATCH, n - start);
    const flat = tf.tidy(() => {
      const batch = tf.slice(inputs, [start], [size]);
      const [out] = probe.forward([batch], { training: false }); // [size, ...]
      return tf.reshape(out, [size, -1]); // [size, d]
    });
    d = flat.shape[1] as number;
    parts.push((await flat.data()) as Float32Array);
    flat.dispose();
  }
  const vectors = new Float32Array(n * d);
  parts.reduce((offset, p) => {
    vectors.set(p, offset);
    return offset + p.length;
  }, 0);
  return { vectors, n, d };
}

function outputOf(layer: Layer): SymbolicTensor {
  let output: SymbolicTensor | SymbolicTensor[];
  try {
    output = layer.output;
  } catch (error) {
    throw new ConfigError(
      `runLogger embeddings: layer "${layer.name}" has no output in the model's graph (${(error as Error).message}).`,
    );
  }
  if (Array.isArray(output))
    throw new ConfigError(
      `runLogger embeddings: layer "${layer.name}" has ${output.length} outputs; pick a layer with one.`,
    );
  return output;
}

function embeddingWeight(layer: Layer) {
  const weight = layer.weights.find((w) => w.name === 'embeddings' && w.shape.length === 2);
  if (!weight)
    throw new ConfigError(
      `runLogger embeddings: layer "${layer.name}" (${layer.className}) has no 2-D "embeddings" weight (an Embedding layer's); pass inputs to log its activations on them instead.`,
    );
  return weight;
}

async function labelStrings(
  labels: NonNullable<EmbeddingsArgs['labels']>,
  classNames: readonly string[] | undefined,
): Promise<string[]> {
  let ids: number[];
  if (labels instanceof tf.Tensor) {
    if (labels.rank === 2) {
      const arg = tf.argMax(labels, 1); // one-hot [n, k] -> [n]
      ids = Array.from(await arg.data());
      arg.dispose();
    } else ids = Array.from(await labels.data());
  } else {
    const list = Array.from(labels as ArrayLike<number | string>);
    if (list.some((l) => typeof l === 'string')) return list.map(String);
    ids = list as number[];
  }
  return ids.map((id) => {
    if (!classNames) return String(id);
    const name = classNames[id];
    if (name === undefined)
      throw new DataError(
        `runLogger embeddings: label ${id} has no class name (${classNames.length} given).`,
      );
    return name;
  });
}
