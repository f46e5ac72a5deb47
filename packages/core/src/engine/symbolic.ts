import type { DataType } from '@tensorflow/tfjs-core';
import type { Layer } from './layer.js';
import { formatShape, type Shape } from './shape.js';

let symbolicCounter = 0;

/**
 * A placeholder for a tensor in a functional model: it has a shape and dtype but no values. You get
 * one from `input()` or by applying a layer to another one; `model({inputs, outputs})` turns the
 * graph between them into a model.
 */
export class SymbolicTensor {
  readonly id = symbolicCounter++;

  constructor(
    readonly dtype: DataType,
    /** The shape with `null` for unknown dimensions (the batch dimension first). */
    readonly shape: Shape,
    /** The layer that produced it. */
    readonly sourceLayer: Layer,
    /** Which call of `sourceLayer` produced it (index into `sourceLayer.inboundNodes`). */
    readonly nodeIndex: number,
    /** Which output of that call it is. */
    readonly tensorIndex: number,
    readonly name: string,
  ) {}

  /** The node that produced this tensor. */
  get node(): Node {
    return this.sourceLayer.inboundNodes[this.nodeIndex];
  }

  get rank(): number {
    return this.shape.length;
  }

  toString(): string {
    return `SymbolicTensor(${this.name}, shape=${formatShape(this.shape)}, dtype=${this.dtype})`;
  }
}

/** Extra keyword arguments a layer was called with in the graph (saved with the model). */
export type CallKwargs = Record<string, unknown>;

/**
 * One call of a layer in a graph: which symbolic tensors went in, which came out. A layer applied
 * twice (a shared layer) has two nodes.
 */
export class Node {
  constructor(
    readonly layer: Layer,
    readonly inputTensors: SymbolicTensor[],
    public outputTensors: SymbolicTensor[],
    readonly kwargs: CallKwargs = {},
  ) {}

  /** The layers that produced this node's inputs (empty for an input layer's node). */
  get inboundLayers(): Layer[] {
    return this.inputTensors.map((t) => t.sourceLayer);
  }
}

/** Whether `x` (or any element of `x`) is symbolic. */
export function isSymbolic(x: unknown): x is SymbolicTensor | SymbolicTensor[] {
  if (x instanceof SymbolicTensor) return true;
  return Array.isArray(x) && x.length > 0 && x.every((t) => t instanceof SymbolicTensor);
}
