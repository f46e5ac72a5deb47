import { type Layer, type Model, type Shape, toPythonic, VERSION } from '@tensorfold/core';

/** The plugin TensorBoard's Graphs tab reads a Keras model from (the model's JSON config). */
export const KERAS_GRAPH_PLUGIN = 'graph_keras_model';
/** The plugin of the graph the board draws: layers with shapes and parameter counts ({@link ModelGraph}). */
export const MODEL_GRAPH_PLUGIN = 'tensorfold_model_graph';

/**
 * A model's layer graph as plain data, the form `@tensorfold/viz`'s `layerGraphDiagram` draws (its
 * `LayerGraph`): layers in graph order with their shapes and parameter counts, and the connections.
 */
export interface ModelGraph {
  name: string;
  layers: { name: string; className: string; inShapes: Shape[]; outShapes: Shape[]; params: number }[];
  /** `[producer index, consumer index]` into `layers`. */
  edges: [number, number][];
  totalParams: number;
  trainableParams: number;
}

/**
 * The layer graph of `model`: every layer of its nodes (inputs first, producers before consumers), each
 * connection once, the shapes in and out of each layer, and its parameter count.
 */
export function modelGraphOf(model: Model): ModelGraph {
  const index = new Map<Layer, number>();
  const graph: ModelGraph = {
    name: model.name,
    layers: [],
    edges: [],
    totalParams: model.weights.reduce((s, w) => s + w.size, 0),
    trainableParams: model.trainableWeights.reduce((s, w) => s + w.size, 0),
  };
  const add = (layer: Layer): number => {
    let i = index.get(layer);
    if (i === undefined) {
      i = graph.layers.length;
      index.set(layer, i);
      graph.layers.push({
        name: layer.name,
        className: layer.className,
        inShapes: [],
        outShapes: [],
        params: layer.built ? layer.countParams() : 0,
      });
    }
    return i;
  };
  if (model.nodes.length === 0) {
    // An unbuilt Sequential: a chain of layers without shapes.
    model.layers.forEach((layer, i) => {
      add(layer);
      if (i > 0) graph.edges.push([i - 1, i]);
    });
    return graph;
  }
  for (const node of model.nodes) {
    const to = add(node.layer);
    for (const t of node.inputTensors) {
      const from = add(t.sourceLayer);
      if (!graph.edges.some(([a, b]) => a === from && b === to)) graph.edges.push([from, to]);
      graph.layers[to].inShapes.push([...t.shape]);
    }
    for (const t of node.outputTensors) graph.layers[to].outShapes.push([...t.shape]);
  }
  return graph;
}

/**
 * The model's JSON as Keras's `model.to_json()` writes it (`class_name`, `config` with snake_case keys,
 * `keras_version`, `backend`), which TensorBoard's Graphs tab draws as the conceptual graph.
 */
export function kerasModelJson(model: Model): string {
  const topology = toPythonic({ className: model.className, config: model.getConfig() }) as object;
  return JSON.stringify({ ...topology, keras_version: `tensorfold ${VERSION}`, backend: 'tensor_flow.js' });
}
