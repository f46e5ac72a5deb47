/**
 * Runs a model's graph op by op in inference mode, to read a layer's output or to feed a value in place of
 * it; what Grad-CAM and filter visualization need and `predict` does not offer. Only the model's own
 * (top-level) layers can be named: a model nested as one layer counts as that one layer.
 */
import {
  ConfigError,
  InputLayer,
  type Layer,
  type Model,
  ShapeError,
  type SymbolicTensor,
  tf,
} from '@tensorfold/core';

/** The layer called `name`, or a ConfigError listing the model's layer names. */
export function findLayer(model: Model, name: string): Layer {
  const layer = model.layers.find((l) => l.name === name);
  if (!layer)
    throw new ConfigError(
      `Model "${model.name}" has no layer "${name}". Its layers: ${model.layers.map((l) => l.name).join(', ')}.`,
    );
  return layer;
}

/** The symbolic output of `layer` in `model` (its first call). */
export function layerOutput(layer: Layer): SymbolicTensor {
  const out = layer.output;
  if (Array.isArray(out))
    throw new ConfigError(`Layer "${layer.name}" has ${out.length} outputs; pick a layer with one.`);
  return out;
}

/**
 * Runs the graph from `x` (`[batch, h, w, c]`, the model's single input) and returns the values of
 * `targets`. With `replace`, the output of `replace.tensor` is not computed but taken as `replace.value`,
 * so a gradient can flow from the outputs back to it.
 */
export function runTo(
  model: Model,
  x: tf.Tensor,
  targets: SymbolicTensor[],
  replace?: { tensor: SymbolicTensor; value: tf.Tensor },
): tf.Tensor[] {
  if (model.inputs.length !== 1)
    throw new ConfigError(
      `Model "${model.name}" has ${model.inputs.length} inputs; these tools need one image input.`,
    );
  const values = new Map<number, tf.Tensor>([[model.inputs[0].id, x]]);
  const wanted = new Set(targets.map((t) => t.id));
  const done = () => [...wanted].every((id) => values.has(id));
  for (const node of model.nodes) {
    if (done()) break;
    if (node.layer instanceof InputLayer) continue;
    if (replace && node.outputTensors.some((t) => t.id === replace.tensor.id)) {
      values.set(replace.tensor.id, replace.value);
      continue;
    }
    const ins = node.inputTensors.map((t) => values.get(t.id) as tf.Tensor);
    const out = node.layer.call(ins.length === 1 ? ins[0] : ins, { training: false, ...node.kwargs });
    const outs = Array.isArray(out) ? out : [out];
    node.outputTensors.forEach((t, i) => {
      values.set(t.id, outs[i]);
    });
  }
  return targets.map((t) => values.get(t.id) as tf.Tensor);
}

/**
 * `image` as a batch of one `[1, h, w, c]` for `model`: accepts `[h, w, c]` or `[1, h, w, c]`; a size or
 * channel count the model does not take is a ShapeError saying what it expects and how to resize.
 */
export function asBatch(model: Model, image: tf.Tensor): tf.Tensor4D {
  const expected = model.inputs[0].shape.slice(1) as Array<number | null>;
  const shape = image.rank === 4 ? image.shape.slice(1) : image.shape;
  const fits =
    (image.rank === 3 || (image.rank === 4 && image.shape[0] === 1)) &&
    shape.length === expected.length &&
    shape.every((d, i) => expected[i] == null || expected[i] === d);
  if (!fits)
    throw new ShapeError(
      `Model "${model.name}" takes one image of [${expected.join(', ')}] (height, width, channels), got a tensor of [${image.shape.join(', ')}]. Resize it first: fitImage(image, model) resizes and converts channels.`,
    );
  return (image.rank === 4 ? image : tf.expandDims(image, 0)) as tf.Tensor4D;
}

/**
 * `image` (`[h, w, c]` or `[1, h, w, c]`, values kept) resized bilinearly to the model's input size and
 * converted to its channels (RGB to grayscale by the mean, grayscale to RGB by repetition): `[1, H, W, C]`.
 */
export function fitImage(image: tf.Tensor, model: Model): tf.Tensor4D {
  const [, h, w, c] = model.inputs[0].shape as Array<number | null>;
  if (h == null || w == null || c == null)
    throw new ConfigError(`Model "${model.name}" has no fixed input size to resize to.`);
  return tf.tidy(() => {
    let x = (image.rank === 3 ? tf.expandDims(image, 0) : image) as tf.Tensor4D;
    if (x.rank !== 4)
      throw new ShapeError(`An image is [height, width, channels], got [${image.shape.join(', ')}].`);
    x = tf.image.resizeBilinear(tf.cast(x, 'float32'), [h, w]);
    const have = x.shape[3];
    if (have !== c) {
      if (c === 1) x = tf.mean(x, 3, true);
      else if (have === 1) x = tf.tile(x, [1, 1, 1, c]);
      else
        throw new ShapeError(
          `Cannot convert ${have}-channel images to the model's ${c} channels; convert them first.`,
        );
    }
    return x;
  });
}
