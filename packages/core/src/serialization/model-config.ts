import { InputLayer } from '../engine/input-layer.js';
import type { Layer } from '../engine/layer.js';
import type { Model } from '../engine/model.js';
import type { Sequential } from '../engine/sequential.js';
import type { SymbolicTensor } from '../engine/symbolic.js';
import { ConfigError, SerializationError } from '../errors.js';
import { create } from '../registry.js';

/** `[layerName, nodeIndex, tensorIndex, kwargs]`: one input of a node, as Keras writes it. */
type NodeRef = [string, number, number, Record<string, unknown>];

/** A layer entry of a functional model's config. */
interface LayerEntry {
  name: string;
  className: string;
  config: Record<string, unknown>;
  inboundNodes: NodeRef[][];
}

/** The config of a layer in the form `{className, config}`. */
export function layerEntry(layer: Layer): { className: string; config: Record<string, unknown> } {
  return { className: layer.className, config: layer.getConfig() };
}

/** A functional model's config: its layers, how they connect, its inputs and outputs. */
export function functionalConfig(model: Model): Record<string, unknown> {
  const nodeSet = new Set(model.nodes);
  const nodeIndex = (layer: Layer, node: SymbolicTensor['node']) =>
    layer.inboundNodes.filter((n) => nodeSet.has(n)).indexOf(node);
  const ref = (t: SymbolicTensor): [string, number, number] => [
    t.sourceLayer.name,
    nodeIndex(t.sourceLayer, t.node),
    t.tensorIndex,
  ];
  const layers: LayerEntry[] = model.layers.map((layer) => ({
    name: layer.name,
    className: layer.className,
    config: layer.getConfig(),
    inboundNodes: layer.inboundNodes
      .filter((n) => nodeSet.has(n) && !(layer instanceof InputLayer))
      .map((n) => n.inputTensors.map((t) => [...ref(t), serializableKwargs(n.kwargs)] as NodeRef)),
  }));
  return {
    name: model.name,
    layers,
    inputLayers: model.inputs.map(ref),
    outputLayers: model.outputs.map(ref),
  };
}

function serializableKwargs(kwargs: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(kwargs))
    if (v === null || ['number', 'string', 'boolean'].includes(typeof v)) out[k] = v;
  return out;
}

/** Builds the layers and graph of a functional config; returns what `new Model({inputs, outputs, name})` needs. */
export function functionalFromConfig(config: Record<string, unknown>): {
  inputs: SymbolicTensor[];
  outputs: SymbolicTensor[];
  name?: string;
} {
  const entries = config.layers as LayerEntry[] | undefined;
  if (!Array.isArray(entries))
    throw new SerializationError('A functional model config needs a "layers" list.');
  const created = new Map<string, Layer>();
  for (const entry of entries) {
    const className = entry.className;
    if (typeof className !== 'string')
      throw new SerializationError(`Layer entry "${entry.name}" has no class_name.`);
    created.set(
      entry.name,
      create<Layer>('layer', { className, config: { ...entry.config, name: entry.name } }),
    );
  }
  const tensorOf = ([name, node, tensor]: [string, number, number, ...unknown[]]):
    | SymbolicTensor
    | undefined => {
    const layer = created.get(name);
    if (!layer) throw new SerializationError(`The model config refers to an unknown layer "${name}".`);
    return layer.inboundNodes[node]?.outputTensors[tensor];
  };
  // Apply each layer's nodes in order; a node waits until every input it names exists.
  const pending = entries.map((e) => ({
    layer: created.get(e.name) as Layer,
    nodes: [...(e.inboundNodes ?? [])],
  }));
  let progress = true;
  while (progress) {
    progress = false;
    for (const item of pending) {
      while (item.nodes.length > 0) {
        const refs = item.nodes[0];
        const inputs = refs.map(tensorOf);
        if (inputs.some((t) => t === undefined)) break;
        const kwargs = (refs[0]?.[3] ?? {}) as Record<string, unknown>;
        item.layer.apply((inputs.length === 1 ? inputs[0] : inputs) as SymbolicTensor, kwargs);
        item.nodes.shift();
        progress = true;
      }
    }
  }
  const stuck = pending.filter((p) => p.nodes.length > 0).map((p) => p.layer.name);
  if (stuck.length > 0)
    throw new SerializationError(
      `The model config's graph cannot be rebuilt: layers ${stuck.join(', ')} have inputs that are never produced.`,
    );
  const resolveRefs = (refs: unknown, what: string) => {
    if (!Array.isArray(refs)) throw new SerializationError(`A functional model config needs "${what}".`);
    return refs.map((r) => {
      const t = tensorOf(r as [string, number, number]);
      if (!t)
        throw new SerializationError(
          `The model config's ${what} names a tensor that does not exist: ${JSON.stringify(r)}.`,
        );
      return t;
    });
  };
  return {
    inputs: resolveRefs(config.inputLayers, 'input_layers'),
    outputs: resolveRefs(config.outputLayers, 'output_layers'),
    name: typeof config.name === 'string' ? config.name : undefined,
  };
}

/** A sequential model's config: its name and its layers, the first carrying the input shape. */
export function sequentialConfig(model: Sequential): Record<string, unknown> {
  const layers = model.layers.map(layerEntry);
  const first = model.inputs[0];
  if (layers.length > 0 && first && layers[0].config.batchInputShape == null) {
    layers[0].config = { ...layers[0].config, batchInputShape: first.shape, dtype: first.dtype };
  }
  return { name: model.name, layers };
}

/** The layers of a sequential config (also the old Keras form, a bare list, and a leading InputLayer entry). */
export function sequentialLayersFromConfig(config: Record<string, unknown> | unknown[]): {
  layers: Layer[];
  name?: string;
} {
  const list = (Array.isArray(config) ? config : config.layers) as
    | Array<{ className: string; config: Record<string, unknown> }>
    | undefined;
  if (!Array.isArray(list)) throw new ConfigError('A sequential model config needs a "layers" list.');
  const layers = list.map((entry) => create<Layer>('layer', entry));
  const name = Array.isArray(config) ? undefined : (config.name as string | undefined);
  return { layers, name };
}
