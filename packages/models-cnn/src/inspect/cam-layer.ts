/**
 * Which layer Grad-CAM weighs: on a branching graph (residual adds, inception concatenations) the last layer
 * with image output in graph order may sit on one branch only, and its heatmap would then show a part of
 * what the model sees. The default is the last image layer that every path from the input to the class
 * output passes through (the last "cut" of the graph), as Keras's Grad-CAM examples pick `conv5_block3_out`
 * or `mixed10`; a pooling layer after it is passed over for the finer map before it (`block5_conv3` of VGG16,
 * not `block5_pool`).
 */
import { ConfigError, InputLayer, type Layer, type Model, type SymbolicTensor } from '@tensorfold/core';
import { findLayer, layerOutput } from './graph-run.js';

/**
 * Whether `output` can be computed from the model's input without `cut`'s values: a forward sweep over the
 * nodes in graph order that marks what the input reaches, leaving `cut` unmarked.
 */
function reachableWithout(model: Model, output: SymbolicTensor, cut?: SymbolicTensor): boolean {
  const live = new Set<number>(model.inputs.map((x) => x.id));
  for (const node of model.nodes) {
    if (node.layer instanceof InputLayer) continue;
    if (!node.inputTensors.some((t) => live.has(t.id))) continue;
    for (const t of node.outputTensors) if (t.id !== cut?.id) live.add(t.id);
  }
  return live.has(output.id);
}

/** Whether `tensor` lies on every path from the model's input to `output` (so `output` depends only on it). */
export function isCut(model: Model, tensor: SymbolicTensor, output: SymbolicTensor): boolean {
  return reachableWithout(model, output) && !reachableWithout(model, output, tensor);
}

/** Whether `output` depends on `tensor` at all (some path from `tensor` leads to it). */
export function feeds(model: Model, tensor: SymbolicTensor, output: SymbolicTensor): boolean {
  if (tensor.id === output.id) return true;
  const live = new Set<number>([tensor.id]);
  for (const node of model.nodes)
    if (node.inputTensors.some((t) => live.has(t.id))) for (const t of node.outputTensors) live.add(t.id);
  return live.has(output.id);
}

function isImageLayer(layer: Layer): boolean {
  return !(layer instanceof InputLayer) && !Array.isArray(layer.output) && layer.output.shape.length === 4;
}

/**
 * The layer {@link gradCam} explains: `layerName` when given (checked: it must have image output
 * `[batch, h, w, c]` and feed the model's first output), else the last layer with image output that every
 * path from the input to the first output passes through, not counting pooling layers (unless only pooling
 * layers are).
 *
 * @throws ConfigError for an unknown name (listing the layers), a layer without image output, a layer the
 *   output does not depend on, or a graph where no single image layer carries everything to the output
 *   (branches merged only after pooling: name one of the image layers it lists).
 */
export function gradCamLayer(model: Model, layerName?: string): Layer {
  const output = model.outputs[0];
  const imageLayers = model.layers.filter(isImageLayer);
  if (layerName !== undefined) {
    const layer = findLayer(model, layerName);
    const target = layerOutput(layer);
    if (target.shape.length !== 4)
      throw new ConfigError(
        `Grad-CAM needs a layer with image output [batch, h, w, c]; "${layer.name}" gives [${target.shape.join(', ')}]. Pick one of: ${imageLayers.map((l) => l.name).join(', ')}.`,
      );
    if (!feeds(model, target, output))
      throw new ConfigError(
        `The output of model "${model.name}" does not depend on layer "${layer.name}", so its Grad-CAM would be empty. Pick a layer on the way to the output.`,
      );
    return layer;
  }
  if (imageLayers.length === 0)
    throw new ConfigError(
      `Model "${model.name}" has no layer with image output ([batch, h, w, c]) to explain.`,
    );
  const cuts = [...imageLayers].reverse().filter((l) => isCut(model, layerOutput(l), output));
  const layer = cuts.find((l) => !/Pooling/.test(l.className)) ?? cuts[0];
  if (!layer)
    throw new ConfigError(
      `No single layer with image output of model "${model.name}" carries everything its output depends on (its branches meet only after pooling); name one with layerName: ${imageLayers.map((l) => l.name).join(', ')}.`,
    );
  return layer;
}
