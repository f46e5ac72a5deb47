import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, TrainingError } from '../errors.js';
import type { BatchSource, TensorContainer } from '../interfaces/dataset.js';
import { register } from '../registry.js';
import type { SaveOptions } from '../serialization/artifacts.js';
import { functionalConfig, functionalFromConfig } from '../serialization/model-config.js';
import { type ModelDestination, saveModel } from '../serialization/save-load.js';
import type { History, Logs } from '../training/callbacks.js';
import { type CompileArgs, type CompiledState, resolveCompileArgs } from '../training/compile.js';
import { type ModelBatch, toModelBatch } from '../training/data-adapter.js';
import { type EvaluateArgs, evaluate } from '../training/evaluate.js';
import { type FitArgs, fit } from '../training/fit.js';
import { MetricsState } from '../training/metrics-state.js';
import { type PredictArgs, predict } from '../training/predict.js';
import { defaultTestStep, defaultTrainStep, type StepLogs } from '../training/train-step.js';
import { buildGraph, checkInputs, type Graph, propagateShapes, runGraph } from './graph.js';
import { InputLayer } from './input-layer.js';
import { type CallOptions, Layer, type LayerInputs } from './layer.js';
import type { Shape } from './shape.js';
import { shapeList } from './shape.js';
import { type SummaryOptions, summary } from './summary.js';
import type { SymbolicTensor } from './symbolic.js';

/** Options of {@link model}. */
export interface ModelArgs {
  /** The model's inputs, from `input()`. */
  inputs: SymbolicTensor | SymbolicTensor[];
  /** The symbolic tensors the model computes. */
  outputs: SymbolicTensor | SymbolicTensor[];
  /** Default `model`, `model_1`, ... */
  name?: string;
}

/**
 * A functional model: a graph of layers from inputs to outputs, with Keras's training API. A model is
 * itself a layer, so it can be applied inside another model.
 *
 * @example
 * const x = input({ shape: [4] });
 * const h = dense({ units: 8, activation: 'relu' }).apply(x);
 * const y = dense({ units: 3, activation: 'softmax' }).apply(h);
 * const m = model({ inputs: x, outputs: y });
 * m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
 * await m.fit(xs, ys, { epochs: 10 });
 */
export class Model extends Layer {
  static override readonly className: string = 'Model';

  /** The symbolic inputs (from `input()`). */
  inputs: SymbolicTensor[] = [];
  /** The symbolic outputs. */
  outputs: SymbolicTensor[] = [];
  /** Set by a callback to end `fit` after the current batch. */
  stopTraining = false;
  /** The `History` of the last `fit`. */
  history: History | null = null;
  /**
   * Set by a callback in `onTrainBegin` to start `fit` at this (0-based) epoch instead of
   * `initialEpoch`, as a backup callback does to resume an interrupted run. `fit` resets it to null
   * before calling `onTrainBegin`.
   */
  resumeFromEpoch: number | null = null;

  protected graph: Graph = { nodes: [], layers: [] };
  private compiled: CompiledState | null = null;
  private metrics: MetricsState | null = null;

  constructor(args?: ModelArgs | { name?: string }) {
    super({ name: args?.name });
    if (args && 'inputs' in args && 'outputs' in args)
      this.setGraph(toList(args.inputs), toList(args.outputs));
    else if (args && ('inputs' in args || 'outputs' in args)) {
      throw new ConfigError('model() needs both inputs and outputs: model({inputs: x, outputs: y}).');
    }
  }

  /** Connects the model to a graph; used by the constructor and by `Sequential` as layers are added. */
  protected setGraph(inputs: SymbolicTensor[], outputs: SymbolicTensor[]): void {
    this.graph = buildGraph(inputs, outputs);
    this.inputs = inputs;
    this.outputs = outputs;
    this.setTrackedLayers(this.graph.layers.filter((layer) => !(layer instanceof InputLayer)));
    this.built = true;
  }

  /** Forgets the graph: no inputs, outputs or layers (a sequential model whose last layer was popped). */
  protected clearGraph(): void {
    this.graph = { nodes: [], layers: [] };
    this.inputs = [];
    this.outputs = [];
    this.setTrackedLayers([]);
  }

  /** Every layer of the model, input layers first (Keras order). */
  get layers(): Layer[] {
    return this.graph.layers;
  }

  /** Names of the inputs (the input layers' names), the keys for data given as an object. */
  get inputNames(): string[] {
    return this.inputs.map((x) => x.sourceLayer.name);
  }

  /** Names of the outputs (the producing layers' names), the keys for targets, losses and metrics. */
  get outputNames(): string[] {
    return this.outputs.map((o) => o.sourceLayer.name);
  }

  /** The graph's nodes in execution order (for serialization and tools). */
  get nodes(): Graph['nodes'] {
    return this.graph.nodes;
  }

  /** A layer by name or by index in {@link Model.layers}. */
  getLayer(nameOrIndex: string | number): Layer {
    const layer =
      typeof nameOrIndex === 'number'
        ? this.layers[nameOrIndex]
        : this.layers.find((l) => l.name === nameOrIndex);
    if (!layer) {
      throw new ConfigError(
        `Model "${this.name}" has no layer ${typeof nameOrIndex === 'number' ? `at index ${nameOrIndex}` : `named "${nameOrIndex}"`}. Its layers: ${this.layers.map((l) => l.name).join(', ')}.`,
      );
    }
    return layer;
  }

  /** Freezing (`false`) or unfreezing a model sets every layer in it, as Keras does. */
  override get trainable(): boolean {
    return super.trainable;
  }

  override set trainable(value: boolean) {
    super.trainable = value;
    for (const layer of this.layers) layer.trainable = value;
  }

  // ---------------------------------------------------------------- computing

  /** Runs the graph on real tensors (in the order of {@link Model.inputs}); returns one tensor per output. */
  forward(
    inputs: tf.Tensor[],
    options: { training: boolean; losses?: tf.Scalar[]; masks?: Array<tf.Tensor | null> },
  ): tf.Tensor[] {
    this.ensureReady(inputs);
    checkInputs(this.name, this.inputs, inputs);
    return runGraph(this.graph, this.inputs, this.outputs, inputs, options).outputs;
  }

  /** Hook for models that finish building on first data (sequential without an input shape). */
  protected ensureReady(_inputs?: tf.Tensor[]): void {
    if (this.inputs.length === 0) {
      throw new ConfigError(
        `Model "${this.name}" has no layers connected yet. Add layers, or build it from input() and outputs.`,
      );
    }
  }

  call(inputs: LayerInputs, options: CallOptions): LayerInputs {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    this.ensureReady(list);
    const masks =
      options.mask == null ? undefined : Array.isArray(options.mask) ? options.mask : [options.mask];
    const out = runGraph(this.graph, this.inputs, this.outputs, list, {
      training: options.training ?? false,
      losses: options.losses,
      masks,
    }).outputs;
    return out.length === 1 ? out[0] : out;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const shapes = propagateShapes(this.graph, this.inputs, this.outputs, shapeList(inputShape));
    return shapes.length === 1 ? shapes[0] : shapes;
  }

  override computeMask(inputs: LayerInputs, mask: CallOptions['mask']): CallOptions['mask'] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const masks = mask == null ? undefined : Array.isArray(mask) ? mask : [mask];
    if (!masks?.some((m) => m)) return null;
    // tidy keeps only tensors, so missing masks travel as scalar placeholders.
    const result = tf.tidy(() =>
      runGraph(this.graph, this.inputs, this.outputs, list, { training: false, masks }).masks.map(
        (m) => m ?? tf.scalar(0),
      ),
    );
    const cleaned = result.map((m) => {
      if (m.rank !== 0) return m;
      m.dispose();
      return null;
    });
    return cleaned.length === 1 ? cleaned[0] : cleaned;
  }

  override build(_inputShape: Shape | Shape[]): void {
    if (this.inputs.length === 0) throw new ConfigError(`Model "${this.name}" cannot build without layers.`);
  }

  // ---------------------------------------------------------------- training

  /**
   * Sets the optimizer, loss(es) and metrics for {@link Model.fit} and {@link Model.evaluate}.
   *
   * @example
   * model.compile({ optimizer: adam({ learningRate: 1e-3 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
   */
  compile(args: CompileArgs): void {
    if (this.outputNames.length === 0)
      throw new ConfigError(`Model "${this.name}" has no outputs to compile; add layers first.`);
    const compiled = resolveCompileArgs(
      args,
      this.outputNames,
      this.outputs.map((o) => o.shape),
    );
    this.metrics?.dispose();
    this.compiled = compiled;
    this.metrics = new MetricsState(compiled, this.outputNames);
  }

  /** Whether {@link Model.compile} has been called. */
  get isCompiled(): boolean {
    return this.compiled !== null;
  }

  /** The compiled optimizer. */
  get optimizer(): CompiledState['optimizer'] {
    return this.requireCompiled('optimizer').optimizer;
  }

  /** The compile state; throws a TrainingError telling the caller to compile first. */
  requireCompiled(action: string): CompiledState {
    if (!this.compiled) {
      throw new TrainingError(
        `Model "${this.name}" must be compiled before ${action}(): call model.compile({optimizer: 'adam', loss: '...', metrics: [...]}).`,
      );
    }
    return this.compiled;
  }

  /** The running loss and metric values of the current pass. */
  get metricsState(): MetricsState {
    this.metrics ??= new MetricsState(this.compiled, this.outputNames);
    return this.metrics;
  }

  /**
   * Trains the model.
   * - `fit(x, y, args)` with tensors (or arrays/maps of tensors for several inputs/outputs);
   * - `fit(dataset, args)` with a dataset or async iterable of `{xs, ys}` batches;
   * - `fit(x, args)` with inputs alone, for a model with its own `trainStep` (a GAN, a VAE).
   *
   * @returns the `History` of epoch logs.
   */
  fit(x: TensorContainer, y: TensorContainer, args?: FitArgs): Promise<History>;
  fit(dataset: BatchSource, args?: FitArgs): Promise<History>;
  /** Inputs alone: for a model that overrides `trainStep` (see {@link Model.hasCustomStep}). */
  fit(x: TensorContainer, args?: FitArgs): Promise<History>;
  fit(x: TensorContainer | BatchSource, y?: TensorContainer | FitArgs, args?: FitArgs): Promise<History> {
    if (isArgs(y)) return fit(this, x, undefined, y);
    return fit(this, x, y as TensorContainer | undefined, args);
  }

  /** Loss and metrics over the data, in inference mode: `{loss: 0.08, acc: 0.975}`. */
  evaluate(x: TensorContainer, y: TensorContainer, args?: EvaluateArgs): Promise<Logs>;
  evaluate(dataset: BatchSource, args?: EvaluateArgs): Promise<Logs>;
  /** Inputs alone: for a model that overrides `testStep` (see {@link Model.hasCustomStep}). */
  evaluate(x: TensorContainer, args?: EvaluateArgs): Promise<Logs>;
  evaluate(
    x: TensorContainer | BatchSource,
    y?: TensorContainer | EvaluateArgs,
    args?: EvaluateArgs,
  ): Promise<Logs> {
    if (isArgs(y)) return evaluate(this, x, undefined, y);
    return evaluate(this, x, y as TensorContainer | undefined, args);
  }

  /** Outputs for the inputs, computed in batches in inference mode. The caller disposes the result. */
  predict(x: TensorContainer, args?: PredictArgs): tf.Tensor | tf.Tensor[] {
    return predict(this, x, args);
  }

  /** One training step on one batch; returns the loss and metrics of that batch. */
  async trainOnBatch(x: TensorContainer, y: TensorContainer, sampleWeight?: tf.Tensor): Promise<Logs> {
    const batch = toModelBatch(this.inputNames, this.outputNames, x, y, sampleWeight);
    this.metricsState.reset();
    await this.runTrainStep(batch);
    return this.metricsState.read();
  }

  /**
   * One optimization step on one batch. Override it for a custom training loop (a GAN's alternating
   * updates, say): use `tf.variableGrads` and an optimizer's `applyGradients`, and return the values to
   * log as scalars or numbers; `fit` averages them over the epoch and passes them to callbacks.
   * The batch's tensors are disposed by the caller.
   */
  trainStep(batch: ModelBatch): Promise<StepLogs | undefined> | StepLogs | undefined {
    return defaultTrainStep(this, batch);
  }

  /**
   * Whether this model's class overrides {@link Model.trainStep} (`'train'`) or {@link Model.testStep}
   * (`'test'`); such a model may be fit or evaluated on inputs alone (`fit(x, {epochs})`), its step
   * deciding what it learns from, as Keras allows.
   */
  hasCustomStep(kind: 'train' | 'test'): boolean {
    return kind === 'train'
      ? this.trainStep !== Model.prototype.trainStep
      : this.testStep !== Model.prototype.testStep;
  }

  /** One evaluation step on one batch (override alongside {@link Model.trainStep} if needed). */
  testStep(batch: ModelBatch): void {
    defaultTestStep(this, batch);
  }

  /** Runs {@link Model.trainStep} and records what it returns. */
  async runTrainStep(batch: ModelBatch): Promise<void> {
    this.ensureReady(batch.xs);
    const logs = await this.trainStep(batch);
    if (logs) {
      for (const [name, value] of Object.entries(logs)) {
        this.metricsState.updateCustom(name, value, batch.size);
        if (typeof value !== 'number') value.dispose();
      }
    }
  }

  /** Runs {@link Model.testStep}. */
  runTestStep(batch: ModelBatch): void {
    this.ensureReady(batch.xs);
    this.testStep(batch);
  }

  // ---------------------------------------------------------------- serialization

  /** The functional config (layers, connections, inputs, outputs) in camelCase form. */
  override getConfig(): Record<string, unknown> {
    return functionalConfig(this);
  }

  /** Rebuilds a functional model (without weights) from {@link Model.getConfig}'s output. */
  static fromConfig(config: Record<string, unknown>): Model {
    return new Model(functionalFromConfig(config));
  }

  /**
   * Saves topology and weights in the TensorFlow.js layers format (see `saveModel`).
   * @example
   * await model.save('file://./runs/lenet'); // Node, after import '@tensorfold/core/node'
   */
  save(destination: ModelDestination, options?: SaveOptions): Promise<tf.io.SaveResult> {
    return saveModel(this, destination, options);
  }

  // ---------------------------------------------------------------- inspection and cleanup

  /**
   * A Keras-style table of layers, output shapes and parameter counts, with totals. Prints it
   * through `options.print` (default `console.log`) and returns it.
   */
  summary(options: SummaryOptions = {}): string {
    this.ensureReady();
    return summary(this, options);
  }

  override dispose(): void {
    super.dispose();
    this.metrics?.dispose();
    this.metrics = null;
  }
}

function toList<T>(x: T | T[]): T[] {
  return Array.isArray(x) ? x : [x];
}

function isArgs(value: unknown): value is FitArgs {
  return (
    value != null &&
    typeof value === 'object' &&
    !(value instanceof tf.Tensor) &&
    !Array.isArray(value) &&
    !looksLikeTensorMap(value)
  );
}

function looksLikeTensorMap(value: object): boolean {
  const values = Object.values(value);
  return values.length > 0 && values.every((v) => v instanceof tf.Tensor);
}

/**
 * A functional model from inputs to outputs.
 * @example
 * const m = model({ inputs: x, outputs: y });
 */
export function model(args: ModelArgs): Model {
  return new Model(args);
}

// Keras 2.4+ saves functional models as "Functional", TensorFlow.js as "Model".
register('layer', 'Model', (config) => Model.fromConfig(config), ['Functional']);
