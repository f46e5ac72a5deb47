import type * as tf from '@tensorflow/tfjs-core';
import { ConfigError, ShapeError } from '../errors.js';
import { InputLayer } from './input-layer.js';
import type { CallOptions, Layer, LayerInputs } from './layer.js';
import { activityPenalty } from './layer.js';
import { formatShape, type Shape, shapeList } from './shape.js';
import type { Node, SymbolicTensor } from './symbolic.js';

/** The part of a functional graph between some inputs and outputs, in an order that can run. */
export interface Graph {
  /** Nodes in topological order (each after the nodes that feed it), input nodes included. */
  readonly nodes: Node[];
  /** Distinct layers in the order of their first node, input layers included. */
  readonly layers: Layer[];
}

/**
 * Walks back from `outputs` to `inputs` and orders the nodes so that every node comes after its
 * producers.
 * @throws ConfigError when an input is not from `input()`, an output cannot be reached from the
 *   inputs (the graph is disconnected), or names repeat.
 */
export function buildGraph(inputs: SymbolicTensor[], outputs: SymbolicTensor[]): Graph {
  if (inputs.length === 0) throw new ConfigError('A model needs at least one input (from input()).');
  if (outputs.length === 0) throw new ConfigError('A model needs at least one output.');
  for (const x of inputs) {
    if (!(x.sourceLayer instanceof InputLayer)) {
      throw new ConfigError(
        `Model inputs must come from input(), but "${x.name}" is the output of layer "${x.sourceLayer.name}". ` +
          'Pass the tensor that input() returned.',
      );
    }
  }
  const inputNodes = new Set(inputs.map((x) => x.node));
  const nodes: Node[] = [];
  const done = new Set<Node>();
  const inProgress = new Set<Node>();
  const visit = (node: Node, path: string[]) => {
    if (done.has(node)) return;
    if (inProgress.has(node)) throw new ConfigError(`The graph has a cycle through ${path.join(' -> ')}.`);
    inProgress.add(node);
    if (node.layer instanceof InputLayer && !inputNodes.has(node)) {
      throw new ConfigError(
        `Graph disconnected: the output depends on input "${node.layer.name}", which is not in the model's inputs ` +
          `[${inputs.map((x) => x.name).join(', ')}]. Add it to inputs.`,
      );
    }
    for (const t of node.inputTensors) visit(t.node, [...path, t.sourceLayer.name]);
    inProgress.delete(node);
    done.add(node);
    nodes.push(node);
  };
  for (const out of outputs) visit(out.node, [out.sourceLayer.name]);
  for (const x of inputs) if (!done.has(x.node)) nodes.unshift(x.node);

  const layers: Layer[] = [];
  for (const node of nodes) if (!layers.includes(node.layer)) layers.push(node.layer);
  const names = new Set<string>();
  for (const layer of layers) {
    if (names.has(layer.name)) {
      throw new ConfigError(
        `Two different layers in the model are named "${layer.name}". Layer names must be unique; rename one (name: '...').`,
      );
    }
    names.add(layer.name);
  }
  // Input nodes first, in the order of `inputs`, as Keras lists them.
  const ordered = [...inputs.map((x) => x.node), ...nodes.filter((n) => !inputNodes.has(n))];
  const orderedLayers = [
    ...inputs.map((x) => x.sourceLayer),
    ...layers.filter((l) => !(l instanceof InputLayer)),
  ];
  return { nodes: ordered, layers: orderedLayers };
}

/** Options of {@link runGraph}. */
export interface RunOptions {
  training: boolean;
  /** Receives activity-regularization penalties. */
  losses?: tf.Scalar[];
  /** Masks of the inputs. */
  masks?: Array<tf.Tensor | null>;
}

/** Result of {@link runGraph}: the outputs and their masks. */
export interface RunResult {
  outputs: tf.Tensor[];
  masks: Array<tf.Tensor | null>;
}

/**
 * Runs the graph on real tensors. Intermediate tensors are not disposed here; callers run this inside
 * `tidy` (training, predict) so they are freed together.
 */
export function runGraph(
  graph: Graph,
  inputs: SymbolicTensor[],
  outputs: SymbolicTensor[],
  values: tf.Tensor[],
  options: RunOptions,
): RunResult {
  const tensors = new Map<number, tf.Tensor>();
  const masks = new Map<number, tf.Tensor | null>();
  inputs.forEach((x, i) => {
    tensors.set(x.id, values[i]);
    masks.set(x.id, options.masks?.[i] ?? null);
  });
  for (const node of graph.nodes) {
    if (node.layer instanceof InputLayer) continue;
    const ins = node.inputTensors.map((t) => tensors.get(t.id) as tf.Tensor);
    const inMasks = node.inputTensors.map((t) => masks.get(t.id) ?? null);
    const single = ins.length === 1;
    const x: LayerInputs = single ? ins[0] : ins;
    const mask: CallOptions['mask'] = single ? inMasks[0] : inMasks.some((m) => m) ? inMasks : null;
    const callOptions: CallOptions = {
      training: options.training,
      mask,
      losses: options.losses,
      ...node.kwargs,
    };
    const out = node.layer.call(x, callOptions);
    if (node.layer.activityRegularizer && options.losses) {
      options.losses.push(activityPenalty(node.layer.activityRegularizer, out));
    }
    const outs = Array.isArray(out) ? out : [out];
    if (outs.length !== node.outputTensors.length) {
      throw new ShapeError(
        `Layer "${node.layer.name}" returned ${outs.length} tensors but its computeOutputShape promised ${node.outputTensors.length}.`,
      );
    }
    const outMask = node.layer.computeMask(x, mask);
    outs.forEach((t, i) => {
      tensors.set(node.outputTensors[i].id, t);
      masks.set(node.outputTensors[i].id, Array.isArray(outMask) ? (outMask[i] ?? null) : (outMask ?? null));
    });
  }
  return {
    outputs: outputs.map((o) => tensors.get(o.id) as tf.Tensor),
    masks: outputs.map((o) => masks.get(o.id) ?? null),
  };
}

/** Output shapes of the graph for other input shapes (e.g. a different batch size). */
export function propagateShapes(
  graph: Graph,
  inputs: SymbolicTensor[],
  outputs: SymbolicTensor[],
  inputShapes: Shape[],
): Shape[] {
  const shapes = new Map<number, Shape>();
  inputs.forEach((x, i) => {
    shapes.set(x.id, inputShapes[i]);
  });
  for (const node of graph.nodes) {
    if (node.layer instanceof InputLayer) continue;
    const ins = node.inputTensors.map((t) => shapes.get(t.id) as Shape);
    const out = node.layer.computeOutputShape(ins.length === 1 ? ins[0] : ins);
    shapeList(out).forEach((s, i) => {
      shapes.set(node.outputTensors[i].id, s);
    });
  }
  return outputs.map((o) => shapes.get(o.id) as Shape);
}

/** Checks concrete inputs against the model's symbolic inputs. */
export function checkInputs(modelName: string, inputs: SymbolicTensor[], values: tf.Tensor[]): void {
  if (values.length !== inputs.length) {
    throw new ShapeError(
      `Model "${modelName}" has ${inputs.length} input(s) (${inputs.map((x) => x.name).join(', ')}) but got ${values.length} tensor(s). ` +
        'Pass one tensor per input, as an array in that order or an object keyed by input name.',
    );
  }
  inputs.forEach((x, i) => {
    const actual = values[i].shape;
    const expected = x.shape;
    const ok = expected.length === actual.length && expected.every((d, k) => d === null || d === actual[k]);
    if (!ok) {
      throw new ShapeError(
        `Input "${x.name}" of model "${modelName}" expects shape ${formatShape(expected)} but got ${formatShape([...actual])}. ` +
          (expected.length === actual.length + 1 && expected[expected.length - 1] === 1
            ? 'Add a channels axis of size 1 (reshape to [batch, ..., 1]).'
            : "Reshape the data to match, or build the model with the data's shape."),
      );
    }
  });
}
