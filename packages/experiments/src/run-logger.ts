import { join } from 'node:path';
import {
  Callback,
  computeLosses,
  type Layer,
  type Logs,
  Model,
  type SymbolicTensor,
  tf,
} from '@tensorfold/core';
import { type EmbeddingsArgs, embeddingVectors, prepareEmbeddings } from './embedding-snapshot.js';
import { eventFileWriter } from './event-file.js';
import type { EventWriter } from './event-writer.js';
import { KERAS_GRAPH_PLUGIN, kerasModelJson, MODEL_GRAPH_PLUGIN, modelGraphOf } from './model-graph.js';
import { ProjectorWriter } from './projector-writer.js';

/** Options of {@link runLogger}. */
export interface RunLoggerArgs {
  /**
   * Write histograms of the weights (and of the gradients and activations, when `sample` is given) every
   * this many epochs; 0 writes none. Default 1.
   */
  histogramsEvery?: number;
  /** Also write the batch logs every this many batches (tags `batch_<name>`); 0 writes none. Default 0. */
  updateEvery?: number;
  /** Hyperparameters of the run, written as a Markdown table in the Text tab. */
  hparams?: Record<string, string | number | boolean>;
  /**
   * A small batch `{x, y}` the gradient and activation histograms are computed on (in inference mode for
   * activations). Default: none (weights only).
   */
  sample?: { x: tf.Tensor; y: tf.Tensor };
  /**
   * Images to show in the Images tab at the start: `[n, h, w, c]` in [0, 1], c = 1 or 3, encoded to PNG by
   * `encodePng` (pass `encode` from `fast-png`, say). Default: none.
   */
  images?: {
    tensor: tf.Tensor;
    encodePng: (image: { width: number; height: number; data: Uint8Array; channels: number }) => Uint8Array;
  };
  /**
   * Log a layer's vectors for the embedding projector after every `every` epochs: an Embedding layer's
   * weight, or any layer's activations on `inputs`, with a label per point. Written as TensorBoard's
   * projector reads them (`train/projector_config.pbtxt`, `train/embeddings/<layer>/<epoch>/tensors.tsv`
   * and `metadata.tsv`); `tensorfold board` shows them by PCA in 2-D and 3-D. Default: none.
   */
  embeddings?: EmbeddingsArgs;
}

/**
 * Writes a run as TensorBoard event files, as Keras's `TensorBoard` callback lays them out:
 * `logdir/train` holds the epoch logs (`epoch_loss`, `epoch_accuracy`...), the weight histograms, the
 * hyperparameters and the model's summary; `logdir/validation` holds the `val_` logs under the same
 * tags, so TensorBoard overlays training and validation. Each epoch's records are appended in one write.
 *
 * @example
 * await model.fit(x, y, { epochs: 10, validationSplit: 0.1, callbacks: [runLogger('runs/mlp')] });
 * // then: tensorboard --logdir runs
 */
export class RunLogger extends Callback {
  readonly logdir: string;
  private train!: EventWriter;
  private validation!: EventWriter;
  private readonly args: RunLoggerArgs;
  private step = 0;
  private projector?: { writer: ProjectorWriter; layer: Layer; labels?: string[] };

  constructor(logdir: string, args: RunLoggerArgs = {}) {
    super();
    this.logdir = logdir;
    this.args = args;
  }

  /** Opens the event files (a logdir that cannot be written fails here, before the first step). */
  override async onTrainBegin(): Promise<void> {
    // Bad embedding arguments fail before any file is made.
    const embeddings = this.args.embeddings && (await prepareEmbeddings(this.model, this.args.embeddings));
    this.train = (await eventFileWriter(join(this.logdir, 'train'))).writer;
    this.validation = (await eventFileWriter(join(this.logdir, 'validation'))).writer;
    const lines: string[] = [];
    const hparams = { ...(this.args.hparams ?? {}), ...paramsOf(this.params) };
    if (Object.keys(hparams).length > 0) {
      lines.push('| hyperparameter | value |', '| --- | --- |');
      for (const [k, v] of Object.entries(hparams)) lines.push(`| ${k} | ${v} |`);
      this.train.text('hparams', lines.join('\n'), 0);
    }
    const table = this.model.summary({ print: () => {} });
    this.train.text('model', `\`\`\`\n${table}\n\`\`\``, 0);
    this.writeGraph();
    if (embeddings)
      this.projector = { writer: await ProjectorWriter.open(join(this.logdir, 'train')), ...embeddings };
    if (this.args.images) this.writeImages(this.args.images);
    this.train.flush();
  }

  override async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    for (const [key, value] of Object.entries(logs)) {
      if (key.startsWith('val_')) this.validation.scalar(`epoch_${key.slice(4)}`, value, epoch);
      else this.train.scalar(`epoch_${key}`, value, epoch);
    }
    const every = this.args.histogramsEvery ?? 1;
    if (every > 0 && (epoch + 1) % every === 0) await this.writeHistograms(epoch);
    if (this.projector && (epoch + 1) % (this.args.embeddings?.every ?? 1) === 0)
      await this.writeEmbedding(epoch);
    this.train.flush();
    this.validation.flush();
  }

  override onTrainEnd(): void {
    this.train.flush();
    this.validation.flush();
  }

  /** Counts batches across epochs (the global step of the batch logs). */
  protected nextStep(): number {
    return this.step++;
  }

  /** Writes one batch's logs under `batch_<name>`. */
  protected writeBatch(step: number, logs: Logs): void {
    for (const [key, value] of Object.entries(logs))
      if (key !== 'batch' && key !== 'size') this.train.scalar(`batch_${key}`, value, step);
  }

  /**
   * The model's graph, twice: as Keras's JSON under the `graph_keras_model` plugin (TensorBoard's Graphs
   * tab), and as layers with shapes and parameter counts (the board's diagram). A model whose config
   * cannot be written (a custom layer without getConfig) still gets the second.
   */
  private writeGraph(): void {
    try {
      this.train.pluginText(
        'keras',
        kerasModelJson(this.model),
        { name: KERAS_GRAPH_PLUGIN, content: '1' },
        0,
      );
    } catch {
      // no Keras JSON for this model; the diagram below does not need it
    }
    this.train.pluginText(
      'model_graph',
      JSON.stringify(modelGraphOf(this.model)),
      { name: MODEL_GRAPH_PLUGIN },
      0,
    );
  }

  private async writeEmbedding(epoch: number): Promise<void> {
    const { writer, layer, labels } = this.projector!;
    const { vectors, n, d } = await embeddingVectors(this.model, layer, this.args.embeddings?.inputs);
    await writer.write({ name: layer.name, step: epoch, vectors, n, d, ...(labels ? { labels } : {}) });
  }

  private async writeHistograms(epoch: number): Promise<void> {
    for (const weight of this.model.weights) {
      this.train.histogram(weight.path, await weight.read().data(), epoch);
    }
    const sample = this.args.sample;
    if (!sample) return;
    const grads = gradientsOn(this.model, sample.x, sample.y);
    for (const [name, g] of grads) {
      this.train.histogram(`${name}/gradient`, await g.data(), epoch);
      g.dispose();
    }
    for (const [name, a] of activationsOn(this.model, sample.x)) {
      this.train.histogram(`${name}/activation`, await a.data(), epoch);
      a.dispose();
    }
  }

  private writeImages(images: NonNullable<RunLoggerArgs['images']>): void {
    const { tensor, encodePng } = images;
    const [n, height, width, channels] = tensor.shape;
    const values = tensor.dataSync();
    for (let i = 0; i < n; i++) {
      const data = new Uint8Array(height * width * channels);
      for (let k = 0; k < data.length; k++)
        data[k] = Math.round(255 * Math.min(1, Math.max(0, values[i * data.length + k])));
      this.train.image(
        `images/${i}`,
        { png: encodePng({ width, height, data, channels }), height, width, channels },
        0,
      );
    }
  }
}

/** A RunLogger that also writes the batch logs every `updateEvery` batches. */
class BatchRunLogger extends RunLogger {
  constructor(
    logdir: string,
    args: RunLoggerArgs,
    private readonly every: number,
  ) {
    super(logdir, args);
  }

  override onBatchEnd(_batch: number, logs: Logs = {}): void {
    const step = this.nextStep();
    if (step % this.every === 0) this.writeBatch(step, logs);
  }
}

/**
 * A {@link RunLogger} for `fit`'s callbacks. Batch logs are asked for only with `updateEvery` (reading a
 * batch's metrics costs a device read per batch, which fit otherwise skips).
 */
export function runLogger(logdir: string, args: RunLoggerArgs = {}): RunLogger {
  const every = args.updateEvery ?? 0;
  return every > 0 ? new BatchRunLogger(logdir, args, every) : new RunLogger(logdir, args);
}

function paramsOf(params: { epochs: number; batchSize: number | null } | undefined): Record<string, number> {
  if (!params) return {};
  return { epochs: params.epochs, ...(params.batchSize ? { batch_size: params.batchSize } : {}) };
}

/** Gradients of the compiled loss on `x`, `y` for each trainable weight (by path). */
function gradientsOn(model: Model, x: tf.Tensor, y: tf.Tensor): Array<[string, tf.Tensor]> {
  const compiled = model.requireCompiled('fit');
  const weights = model.trainableWeights;
  const { grads, value } = tf.variableGrads(
    () => {
      const outputs = model.forward([x], { training: false });
      return computeLosses(compiled, model.outputNames, [y], outputs).total;
    },
    weights.map((w) => w.variable),
  );
  value.dispose();
  return weights.filter((w) => grads[w.variable.name]).map((w) => [w.path, grads[w.variable.name]]);
}

/** Each layer's output on `x` (inference mode), for layers with one output. */
function activationsOn(model: Model, x: tf.Tensor): Array<[string, tf.Tensor]> {
  const layers = model.layers.filter((l) => {
    try {
      return !Array.isArray(l.output) && l.name !== model.inputNames[0];
    } catch {
      return false;
    }
  });
  if (layers.length === 0) return [];
  const probe = new Model({ inputs: model.inputs, outputs: layers.map((l) => l.output as SymbolicTensor) });
  const outputs = probe.forward([x], { training: false });
  return layers.map((l, i) => [l.name, outputs[i]]);
}
