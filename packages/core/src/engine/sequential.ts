import type * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../errors.js';
import { register } from '../registry.js';
import { sequentialConfig, sequentialLayersFromConfig } from '../serialization/model-config.js';
import { InputLayer } from './input-layer.js';
import type { Layer } from './layer.js';
import { Model } from './model.js';
import type { Shape } from './shape.js';
import type { SymbolicTensor } from './symbolic.js';

/** Options of {@link sequential}. */
export interface SequentialArgs {
  /** Layers in order. The first needs an `inputShape`, or the model builds on its first data. */
  layers?: Layer[];
  /** Default `sequential`, `sequential_1`, ... */
  name?: string;
}

/**
 * A plain stack of layers, each feeding the next: the model of most examples.
 *
 * @example
 * const m = sequential({
 *   layers: [
 *     conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }),
 *     maxPooling2d({ poolSize: 2 }),
 *     flatten(),
 *     dense({ units: 10, activation: 'softmax' }),
 *   ],
 * });
 * m.summary();
 */
export class Sequential extends Model {
  static override readonly className: string = 'Sequential';

  private readonly stack: Layer[] = [];
  /** Output of each layer of the stack, once connected. */
  private readonly stackOutputs: SymbolicTensor[] = [];
  private inputTensor: SymbolicTensor | null = null;

  constructor(args: SequentialArgs = {}) {
    super({ name: args.name });
    for (const layer of args.layers ?? []) this.add(layer);
  }

  /**
   * Appends a layer. The first layer's `inputShape` (or an explicit input layer) creates the model's
   * input; without one, the model is built on the first data it sees.
   */
  add(layer: Layer): void {
    if (layer instanceof InputLayer) {
      if (this.stack.length > 0 || this.inputTensor) {
        throw new ConfigError('An input layer can only be the first layer of a sequential model.');
      }
      this.inputTensor = layer.inboundNodes[0].outputTensors[0];
      return;
    }
    if (layer instanceof Model && layer.outputs.length > 1) {
      throw new ConfigError(
        `A model with ${layer.outputs.length} outputs cannot be a step of a sequential model; use the functional API.`,
      );
    }
    if (this.stack.includes(layer)) throw new ConfigError(`Layer "${layer.name}" is already in this model.`);
    if (this.stack.some((l) => l.name === layer.name)) {
      throw new ConfigError(
        `This model already has a layer named "${layer.name}"; layer names must be unique.`,
      );
    }
    if (!this.inputTensor && this.stack.length === 0 && layer.batchInputShape) {
      this.inputTensor = new InputLayer({
        batchInputShape: layer.batchInputShape,
        dtype: layer.dtype,
        name: `${layer.name}_input`,
      }).inboundNodes[0].outputTensors[0];
    }
    this.stack.push(layer);
    if (this.inputTensor) this.connect();
  }

  /** `{name, layers}`, the first layer carrying the input shape (TensorFlow.js layers format). */
  override getConfig(): Record<string, unknown> {
    return sequentialConfig(this);
  }

  /** Rebuilds a sequential model (without weights) from its config. */
  static override fromConfig(config: Record<string, unknown>): Sequential {
    return new Sequential(sequentialLayersFromConfig(config));
  }

  /** Removes and returns the last layer. */
  pop(): Layer {
    const layer = this.stack.pop();
    if (!layer) throw new ConfigError('pop() on an empty sequential model.');
    const output = this.stackOutputs.pop();
    if (output) {
      const nodeIndex = layer.inboundNodes.indexOf(output.node);
      if (nodeIndex === layer.inboundNodes.length - 1) layer.inboundNodes.pop();
    }
    if (this.stack.length === 0) this.clearGraph();
    else if (this.inputTensor)
      this.setGraph([this.inputTensor], [this.stackOutputs[this.stackOutputs.length - 1]]);
    return layer;
  }

  /** The input's name; before the model is built, the name its input will get. */
  override get inputNames(): string[] {
    return this.inputTensor ? super.inputNames : [`${this.name}_input`];
  }

  /** The output's name (the last layer's name), also before the model is built. */
  override get outputNames(): string[] {
    if (this.inputs.length > 0) return super.outputNames;
    return this.stack.length > 0 ? [this.stack[this.stack.length - 1].name] : [];
  }

  /** The layers in order (no input layer). */
  override get layers(): Layer[] {
    return [...this.stack];
  }

  /** Builds the graph from `inputShape` (with the batch dimension) when no layer declared one. */
  override build(inputShape: Shape | Shape[]): void {
    if (this.inputTensor) return;
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    this.inputTensor = new InputLayer({
      batchInputShape: [null, ...shape.slice(1)],
      name: `${this.name}_input`,
    }).inboundNodes[0].outputTensors[0];
    this.connect();
  }

  protected override ensureReady(inputs?: tf.Tensor[]): void {
    if (this.inputTensor && this.stack.length > 0) return;
    if (this.stack.length === 0)
      throw new ConfigError(`Sequential model "${this.name}" has no layers; add some first.`);
    if (!inputs) {
      throw new ConfigError(
        `Sequential model "${this.name}" does not know its input shape yet. Give the first layer an inputShape (e.g. inputShape: [784]) or call the model on data first.`,
      );
    }
    this.build(inputs[0].shape);
  }

  /** Applies the layers not yet connected to the output of the ones before them. */
  private connect(): void {
    const input = this.inputTensor as SymbolicTensor;
    for (let i = this.stackOutputs.length; i < this.stack.length; i++) {
      const layer = this.stack[i];
      const out = layer.apply(i === 0 ? input : this.stackOutputs[i - 1]);
      if (Array.isArray(out))
        throw new ConfigError(
          `Layer "${layer.name}" has several outputs; it cannot be a step of a sequential model.`,
        );
      this.stackOutputs.push(out);
    }
    this.setGraph([input], [this.stackOutputs[this.stackOutputs.length - 1]]);
  }
}

/** A sequential model (see {@link Sequential}). */
export function sequential(args: SequentialArgs = {}): Sequential {
  return new Sequential(args);
}

register('layer', 'Sequential', (config) => Sequential.fromConfig(config));
