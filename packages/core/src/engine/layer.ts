import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, ShapeError } from '../errors.js';
import type { Constraint } from '../interfaces/constraint.js';
import type { Initializer } from '../interfaces/initializer.js';
import type { Regularizer } from '../interfaces/regularizer.js';
import type { Random } from '../random/random.js';
import type { Serializable } from '../registry.js';
import { LayerWeight } from './layer-weight.js';
import { reserveName, snakeCase, uniqueName } from './naming.js';
import { formatShape, type Shape, shapeList } from './shape.js';
import { type CallKwargs, isSymbolic, Node, SymbolicTensor } from './symbolic.js';
import { chargeWeight } from './weight-budget.js';

/** Options every layer takes. */
export interface LayerArgs {
  /** Unique name in the model. Default: the snake_case class name, numbered (`dense`, `dense_1`, ...). */
  name?: string;
  /** Whether the optimizer may update this layer's weights. Default `true`; `false` freezes it. */
  trainable?: boolean;
  /**
   * Shape of one sample, without the batch dimension, e.g. `[28, 28, 1]`. Only meaningful on the first
   * layer of a `sequential` model, which then creates its input from it.
   */
  inputShape?: Shape;
  /** Like `inputShape` but with the batch dimension first (`null` when it varies). */
  batchInputShape?: Shape;
  /** Fixed batch size to combine with `inputShape`. Default: any batch size. */
  batchSize?: number;
  /** Data type of the input this layer creates when it is first in a model. Default `'float32'`. */
  dtype?: tf.DataType;
}

/** Per-call options passed to {@link Layer.call}. */
export interface CallOptions {
  /** Training mode: dropout drops, batch norm uses batch statistics. Default `false`. */
  training?: boolean;
  /** Mask of the input (from an `embedding` with `maskZero`), `[batch, timesteps]` booleans. */
  mask?: tf.Tensor | null | Array<tf.Tensor | null>;
  /**
   * Where losses added during the call go (activity regularization). Set by the training loop;
   * layers that call sub-layers pass it on.
   */
  losses?: tf.Scalar[];
  /** Layer-specific keyword arguments, e.g. `initialState` for recurrent layers. */
  [key: string]: unknown;
}

/** Expected rank/axis sizes of an input, checked on every call. */
export interface InputSpec {
  /** Exact rank. */
  ndim?: number;
  /** Minimum rank. */
  minNdim?: number;
  /** Maximum rank. */
  maxNdim?: number;
  /** Required sizes of some axes (negative axes count from the end). */
  axes?: Record<number, number>;
}

/** Options of {@link Layer.addWeight}. */
export interface AddWeightOptions {
  /** Default `true`. Batch-norm moving statistics are created with `false`. */
  trainable?: boolean;
  regularizer?: Regularizer | null;
  constraint?: Constraint | null;
  dtype?: tf.DataType;
}

/** A layer's inputs: one tensor or several. */
export type LayerInputs = tf.Tensor | tf.Tensor[];

/**
 * The base class of every layer and model.
 *
 * A layer holds its configuration from the constructor, creates its weights in {@link Layer.build}
 * (called once, with the input shape, the first time the layer is used), and computes in
 * {@link Layer.call}. {@link Layer.apply} is the public way to use a layer: on symbolic tensors it
 * records a node of a functional graph; on real tensors it computes.
 *
 * To write a layer: extend this class, set `static override readonly className`, create weights in
 * `build` with `addWeight`, implement `call` and `computeOutputShape`, return the constructor
 * options from `getConfig`, and `register('layer', className, (c) => new MyLayer(c))`.
 */
export abstract class Layer implements Serializable {
  /** The name this class is saved under (must match Keras/TensorFlow.js for interop). */
  static readonly className: string = 'Layer';

  readonly name: string;
  /** True once {@link Layer.build} has run. */
  built = false;
  /** Whether the layer passes input masks through (see {@link Layer.computeMask}). */
  supportsMasking = false;
  /** Checked against inputs on every call; set by subclasses. */
  inputSpec: InputSpec | InputSpec[] | null = null;
  /** Penalty on the layer's output added to the training loss. */
  activityRegularizer: Regularizer | null = null;
  /**
   * What the saved names of this layer's weights start with; default (null): the layer's name, as
   * in `dense/kernel`. Wrapper layers set it on the layer they wrap before building it, so saved
   * names match Keras and TensorFlow.js (`time_distributed/kernel`,
   * `bidirectional/forward_lstm/kernel`).
   */
  weightScope: string | null = null;
  /** The calls of this layer in functional graphs. */
  readonly inboundNodes: Node[] = [];
  /** Full input shape the layer was declared with (`[null, ...inputShape]`), if any. */
  readonly batchInputShape: Shape | null;
  /** Data type of inputs this layer creates when first in a model. */
  readonly dtype: tf.DataType;

  private trainable_: boolean;
  private readonly ownWeights: LayerWeight[] = [];
  private readonly sublayers: Layer[] = [];
  private readonly ownGenerators: Random[] = [];

  constructor(args: LayerArgs = {}) {
    if (args.name != null) {
      if (typeof args.name !== 'string' || args.name.length === 0) {
        throw new ConfigError(`Layer name must be a non-empty string, got ${JSON.stringify(args.name)}.`);
      }
      this.name = args.name;
      reserveName(args.name);
    } else {
      this.name = uniqueName(snakeCase(this.className));
    }
    this.trainable_ = args.trainable ?? true;
    this.dtype = args.dtype ?? 'float32';
    if (args.batchInputShape != null) {
      this.batchInputShape = [...args.batchInputShape];
    } else if (args.inputShape != null) {
      if (!Array.isArray(args.inputShape)) {
        throw new ConfigError(
          `inputShape must be an array such as [28, 28, 1], got ${JSON.stringify(args.inputShape)}.`,
        );
      }
      this.batchInputShape = [args.batchSize ?? null, ...args.inputShape];
    } else {
      this.batchInputShape = null;
    }
  }

  /** The registered class name (`'Dense'`, `'Conv2D'`...). */
  get className(): string {
    return (this.constructor as typeof Layer).className;
  }

  /** Whether the optimizer may update the weights. Setting `false` freezes the layer (and its sub-layers). */
  get trainable(): boolean {
    return this.trainable_;
  }

  set trainable(value: boolean) {
    this.trainable_ = value;
  }

  // ---------------------------------------------------------------- building and weights

  /**
   * Creates the weights for inputs of `inputShape` (batch dimension first, possibly null).
   * Called once by the framework before the first call; the default creates nothing.
   */
  build(_inputShape: Shape | Shape[]): void {}

  /**
   * Creates a weight. Call it from {@link Layer.build}.
   * @param name short name, e.g. `'kernel'`; saved as `<layer name>/<name>`.
   * @param shape the weight's shape.
   * @param initializer makes the starting value.
   */
  protected addWeight(
    name: string,
    shape: number[],
    initializer: Initializer,
    options: AddWeightOptions = {},
  ): LayerWeight {
    if (shape.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new ShapeError(
        `Layer "${this.name}" cannot create weight "${name}" of shape ${formatShape(shape)}: every dimension must be a known non-negative integer. ` +
          'Give the model a full input shape (e.g. inputShape: [28, 28, 1]).',
      );
    }
    if (this.ownWeights.some((w) => w.name === name)) {
      throw new ConfigError(`Layer "${this.name}" already has a weight named "${name}".`);
    }
    chargeWeight(this.name, name, shape); // a model being loaded cannot claim more than its file holds
    const value = tf.tidy(() => {
      const v = initializer.apply(shape, options.dtype ?? 'float32');
      return options.dtype && v.dtype !== options.dtype ? tf.cast(v, options.dtype) : v;
    });
    const weight = new LayerWeight(
      name,
      `${this.weightScope ?? this.name}/${name}`,
      value,
      options.trainable ?? true,
      options.regularizer ?? undefined,
      options.constraint ?? undefined,
    );
    value.dispose();
    this.ownWeights.push(weight);
    return weight;
  }

  /** Makes `layer`'s weights part of this layer's weights (for wrappers and models). */
  protected trackLayer<T extends Layer>(layer: T): T {
    if (!this.sublayers.includes(layer)) this.sublayers.push(layer);
    return layer;
  }

  /** Replaces the tracked sub-layers (a model whose graph changed). */
  protected setTrackedLayers(layers: Layer[]): void {
    this.sublayers.length = 0;
    for (const layer of layers) this.trackLayer(layer);
  }

  /**
   * Declares a random generator this layer draws from during training (dropout masks, noise), as
   * `addWeight` declares a weight: checkpoints save and restore its state along with the weights, so
   * that a resumed run draws the same numbers as an uninterrupted one. Call it in the constructor.
   * @returns `generator`, for chaining.
   */
  protected trackRandom(generator: Random): Random {
    if (!this.ownGenerators.includes(generator)) this.ownGenerators.push(generator);
    return generator;
  }

  /** The random generators of this layer and its tracked sub-layers, in a fixed order (see {@link Layer.trackRandom}). */
  get randomGenerators(): Random[] {
    const all = [...this.ownGenerators];
    for (const layer of this.sublayers)
      for (const g of layer.randomGenerators) if (!all.includes(g)) all.push(g);
    return all;
  }

  /** The layers this one contains (wrapped layers, or a model's layers). */
  get trackedLayers(): readonly Layer[] {
    return this.sublayers;
  }

  /**
   * Every weight: {@link Layer.trainableWeights} first, then {@link Layer.nonTrainableWeights}, the
   * order of Keras's `Layer.weights` and TensorFlow.js's `Layer.weights`/`LayersModel.weights`. So a
   * model with batch normalization lists every kernel, bias, gamma and beta before the moving
   * statistics, and a `getWeights()` list from `@tensorflow/tfjs-layers` fits `setWeights` here.
   * Freezing a layer moves its weights into the non-trainable part, so the order changes with
   * `trainable` (as it does in Keras and TensorFlow.js).
   */
  get weights(): LayerWeight[] {
    return dedupe([...this.trainableWeights, ...this.nonTrainableWeights]);
  }

  /**
   * The weights the optimizer updates: none when the layer (or an enclosing one) is frozen. Own
   * trainable weights in creation order, then those of each tracked sub-layer in turn.
   */
  get trainableWeights(): LayerWeight[] {
    if (!this.trainable) return [];
    const out = this.ownWeights.filter((w) => w.trainable);
    for (const layer of this.sublayers) out.push(...layer.trainableWeights);
    return dedupe(out);
  }

  /**
   * The weights the optimizer leaves alone (frozen layers, moving statistics). For a trainable layer:
   * its own non-trainable weights, then each sub-layer's non-trainable weights. For a frozen layer:
   * its own trainable-created weights, its own non-trainable ones, then each sub-layer's
   * {@link Layer.weights} (Keras's order).
   */
  get nonTrainableWeights(): LayerWeight[] {
    if (this.trainable) {
      const out = this.ownWeights.filter((w) => !w.trainable);
      for (const layer of this.sublayers) out.push(...layer.nonTrainableWeights);
      return dedupe(out);
    }
    const out = [
      ...this.ownWeights.filter((w) => w.trainable),
      ...this.ownWeights.filter((w) => !w.trainable),
    ];
    for (const layer of this.sublayers) out.push(...layer.weights);
    return dedupe(out);
  }

  /** Copies of the weight values, in the order of {@link Layer.weights} (trainable first). The caller disposes them. */
  getWeights(): tf.Tensor[] {
    return this.weights.map((w) => tf.clone(w.read()));
  }

  /**
   * Sets every weight, in the order of {@link Layer.weights}. Checks all shapes before changing any,
   * so a wrong list changes nothing.
   */
  setWeights(values: tf.Tensor[]): void {
    const weights = this.weights;
    if (values.length !== weights.length) {
      throw new ShapeError(
        `Layer "${this.name}" has ${weights.length} weights (${weights.map((w) => w.name).join(', ')}) but setWeights got ${values.length} values.`,
      );
    }
    weights.forEach((w, i) => {
      if (!tf.util.arraysEqual(values[i].shape, w.shape)) {
        throw new ShapeError(
          `Weight ${i} of layer "${this.name}" ("${w.path}") has shape ${formatShape(w.shape)} but the value given has shape ${formatShape(values[i].shape)}.`,
        );
      }
    });
    for (const [i, w] of weights.entries()) w.write(values[i]);
  }

  /** Total number of scalars in the weights. */
  countParams(): number {
    if (!this.built) {
      throw new ConfigError(
        `Layer "${this.name}" is not built yet, so it has no weights to count. Call it on data or give the model an inputShape.`,
      );
    }
    return this.weights.reduce((n, w) => n + w.size, 0);
  }

  /** Penalties of weight regularizers (scalars, new tensors). */
  regularizationLosses(): tf.Scalar[] {
    const out: tf.Scalar[] = [];
    for (const w of this.weights) if (w.regularizer) out.push(w.regularizer.apply(w.read()));
    return out;
  }

  // ---------------------------------------------------------------- computing

  /** The computation. `inputs` has the layout {@link Layer.computeOutputShape} expects. */
  abstract call(inputs: LayerInputs, options: CallOptions): LayerInputs;

  /** The output shape for inputs of `inputShape`. Default: unchanged. */
  computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  /** The mask of the output. Default: the input mask when {@link Layer.supportsMasking}, else none. */
  computeMask(_inputs: LayerInputs, mask: CallOptions['mask']): CallOptions['mask'] {
    return this.supportsMasking ? (mask ?? null) : null;
  }

  /** Data type of the output (default: float32). */
  computeOutputDType(_inputDTypes: tf.DataType[]): tf.DataType {
    return 'float32';
  }

  /**
   * Uses the layer. On symbolic tensors (from `input()` or another layer's `apply`) it adds a node to
   * the graph and returns symbolic outputs; on real tensors it builds the layer if needed and computes.
   *
   * @example
   * const x = input({ shape: [784] });
   * const y = dense({ units: 10 }).apply(x); // symbolic
   * const out = dense({ units: 10 }).apply(tf.zeros([2, 784])); // a Tensor [2, 10]
   */
  apply(inputs: SymbolicTensor, kwargs?: CallKwargs): SymbolicTensor;
  apply(inputs: SymbolicTensor[], kwargs?: CallKwargs): SymbolicTensor | SymbolicTensor[];
  apply(inputs: tf.Tensor, kwargs?: CallOptions): tf.Tensor;
  apply(inputs: tf.Tensor[], kwargs?: CallOptions): tf.Tensor | tf.Tensor[];
  apply(
    inputs: SymbolicTensor | SymbolicTensor[] | LayerInputs,
    kwargs: CallOptions = {},
  ): SymbolicTensor | SymbolicTensor[] | LayerInputs {
    if (isSymbolic(inputs)) return this.applySymbolic(inputs, kwargs);
    if (
      Array.isArray(inputs)
        ? inputs.some((t) => t instanceof SymbolicTensor)
        : inputs instanceof SymbolicTensor
    ) {
      throw new ConfigError(`Layer "${this.name}" got a mix of symbolic and real tensors; pass one kind.`);
    }
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const shapes = list.map((t) => t.shape as Shape);
    this.checkInputSpec(shapes);
    this.ensureBuilt(Array.isArray(inputs) ? shapes : shapes[0]);
    const out = this.call(inputs, kwargs);
    if (this.activityRegularizer && kwargs.losses) {
      kwargs.losses.push(activityPenalty(this.activityRegularizer, out));
    }
    return out;
  }

  /** Builds the layer for `inputShape` unless it is built already. */
  ensureBuilt(inputShape: Shape | Shape[]): void {
    if (this.built) return;
    this.build(inputShape);
    this.built = true;
  }

  private applySymbolic(
    inputs: SymbolicTensor | SymbolicTensor[],
    kwargs: CallKwargs,
  ): SymbolicTensor | SymbolicTensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const shapes = list.map((t) => t.shape);
    this.checkInputSpec(shapes);
    const inputShape = Array.isArray(inputs) ? shapes : shapes[0];
    this.ensureBuilt(inputShape);
    const outputShape = this.computeOutputShape(inputShape);
    const dtype = this.computeOutputDType(list.map((t) => t.dtype));
    const outShapes = shapeList(outputShape);
    const nodeIndex = this.inboundNodes.length;
    const node = new Node(this, list, [], { ...kwargs });
    this.inboundNodes.push(node);
    node.outputTensors = outShapes.map(
      (shape, i) =>
        new SymbolicTensor(
          dtype,
          shape,
          this,
          nodeIndex,
          i,
          `${this.name}${nodeIndex > 0 ? `_${nodeIndex}` : ''}${outShapes.length > 1 ? `:${i}` : ''}`,
        ),
    );
    const multipleOutputs = Array.isArray(outputShape) && Array.isArray(outputShape[0]);
    return multipleOutputs ? node.outputTensors : node.outputTensors[0];
  }

  /** Checks input shapes against {@link Layer.inputSpec}; throws a ShapeError naming the layer. */
  protected checkInputSpec(shapes: Shape[]): void {
    if (!this.inputSpec) return;
    const specs = Array.isArray(this.inputSpec) ? this.inputSpec : [this.inputSpec];
    if (specs.length > 1 && specs.length !== shapes.length) {
      throw new ShapeError(`Layer "${this.name}" expects ${specs.length} inputs but got ${shapes.length}.`);
    }
    shapes.forEach((shape, i) => {
      const spec = specs.length === 1 ? specs[0] : specs[i];
      const where = `Layer "${this.name}" (${this.className})`;
      const rank = shape.length;
      if (spec.ndim != null && rank !== spec.ndim) {
        throw new ShapeError(
          `${where} expects inputs of rank ${spec.ndim} but got shape ${formatShape(shape)} (rank ${rank}). ` +
            (spec.ndim === 4
              ? 'Images go in as [batch, height, width, channels]: reshape grayscale data to add a channels axis of 1.'
              : 'Reshape the input or add a reshape/flatten layer before this one.'),
        );
      }
      if (spec.minNdim != null && rank < spec.minNdim) {
        throw new ShapeError(
          `${where} expects inputs of rank at least ${spec.minNdim} but got ${formatShape(shape)}.`,
        );
      }
      if (spec.maxNdim != null && rank > spec.maxNdim) {
        throw new ShapeError(
          `${where} expects inputs of rank at most ${spec.maxNdim} but got ${formatShape(shape)}.`,
        );
      }
      for (const [axisText, size] of Object.entries(spec.axes ?? {})) {
        const axis = Number(axisText) < 0 ? rank + Number(axisText) : Number(axisText);
        if (shape[axis] !== null && shape[axis] !== size) {
          throw new ShapeError(
            `${where} was built for inputs with ${size} features on axis ${axis} but got shape ${formatShape(shape)}. ` +
              'Use a new layer for inputs of a different size.',
          );
        }
      }
    });
  }

  // ---------------------------------------------------------------- graph access

  /** The symbolic output of the layer's first call in a graph (for building feature-extraction models). */
  get output(): SymbolicTensor | SymbolicTensor[] {
    const node = this.firstNode('output');
    return node.outputTensors.length === 1 ? node.outputTensors[0] : node.outputTensors;
  }

  /** The symbolic input of the layer's first call in a graph. */
  get input(): SymbolicTensor | SymbolicTensor[] {
    const node = this.firstNode('input');
    return node.inputTensors.length === 1 ? node.inputTensors[0] : node.inputTensors;
  }

  /** The output shape of the layer's first call in a graph. */
  get outputShape(): Shape | Shape[] {
    const node = this.firstNode('outputShape');
    return node.outputTensors.length === 1
      ? node.outputTensors[0].shape
      : node.outputTensors.map((t) => t.shape);
  }

  private firstNode(what: string): Node {
    const node = this.inboundNodes[0];
    if (!node) {
      throw new ConfigError(
        `Layer "${this.name}" has no ${what} yet: it has not been connected in a model. Apply it to the output of input() or add it to a sequential model with an inputShape.`,
      );
    }
    return node;
  }

  // ---------------------------------------------------------------- serialization and cleanup

  /** The options that rebuild this layer (camelCase, JSON values). Subclasses add theirs to `super.getConfig()`. */
  getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = { name: this.name, trainable: this.trainable };
    if (this.batchInputShape != null) config.batchInputShape = this.batchInputShape;
    config.dtype = this.dtype;
    return config;
  }

  /** Frees the weights (and those of tracked sub-layers). The layer is unusable afterwards. */
  dispose(): void {
    for (const w of this.ownWeights) w.dispose();
    for (const layer of this.sublayers) layer.dispose();
  }

  toString(): string {
    return `${this.className}(${this.name})`;
  }
}

/** `weights` without repeats (a layer shared by two sub-layers), first occurrence kept. */
function dedupe(weights: LayerWeight[]): LayerWeight[] {
  return [...new Set(weights)];
}

/**
 * Keras's activity regularization: the penalty of the output averaged over the batch.
 * Returns a scalar (a new tensor).
 */
export function activityPenalty(regularizer: Regularizer, output: LayerInputs): tf.Scalar {
  return tf.tidy(() => {
    const outs = Array.isArray(output) ? output : [output];
    let total = tf.scalar(0);
    for (const o of outs) {
      const batch = o.shape[0] ?? 1;
      total = tf.add(total, tf.div(regularizer.apply(o), batch));
    }
    return total as tf.Scalar;
  });
}
