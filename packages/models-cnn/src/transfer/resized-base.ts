/**
 * A pretrained base in front of which images of another size or channel count are made to fit, as Keras users
 * put a `Resizing` layer between `keras.Input` and a base trained on another size.
 */
import {
  create,
  InputLayer,
  input,
  type Layer,
  type Model,
  ShapeError,
  type SymbolicTensor,
  serialize,
} from '@tensorfold/core';
import { Constant, conv2d, resizing } from '@tensorfold/layers';

/** The new graph: its input, the copy of the base's features, and each base layer's copy. */
export interface ResizedBase {
  /** `[batch, ...inputShape]`: the images of the new task. */
  inputs: SymbolicTensor;
  /** The copied base's output at its cut layer. */
  features: SymbolicTensor;
  /** The copies, by the base layer they copy (same names, weights and trainable flags). */
  copies: Map<Layer, Layer>;
}

/**
 * Builds `input_images` of `inputShape` (`[height, width, channels]`), then `input_resizing` (bilinear, Keras's
 * half-pixel resize) when the height or width differ from the base's, then `input_channels` when the channels
 * differ: a frozen 1x1 convolution that repeats one gray channel into each of the base's (gray to RGB) or
 * averages the channels into one (RGB to gray). Then it copies the base's layers up to `cut` onto that input,
 * with their names and current weights: the base keeps its own graph and weights.
 *
 * @throws ShapeError when `inputShape` is not `[h, w, c]`, or when neither side has one channel (3 to 4
 *   channels: convert the images first).
 */
export function resizedBase(base: Model, cut: Layer, inputShape: readonly number[]): ResizedBase {
  const [height, width, channels] = base.inputs[0].shape.slice(1) as number[]; // the base's [h, w, c]
  if (inputShape.length !== 3 || !inputShape.every((d) => Number.isInteger(d) && d > 0))
    throw new ShapeError(
      `featureExtractor: inputShape must be [height, width, channels] of positive integers, got [${inputShape.join(', ')}].`,
    );
  const [h, w, c] = inputShape;
  if (c !== channels && c !== 1 && channels !== 1)
    throw new ShapeError(
      `The base "${base.name}" takes ${channels}-channel images and yours have ${c}; only 1 to ${channels} or ${c} to 1 channels is converted here. Convert the images first.`,
    );
  const inputs = input({ shape: [h, w, c], name: 'input_images' });
  let x: SymbolicTensor = inputs; // [batch, h, w, c]
  if (h !== height || w !== width)
    x = resizing({ height, width, name: 'input_resizing' }).apply(x) as SymbolicTensor; // [batch, height, width, c]
  if (c !== channels)
    x = conv2d({
      filters: channels,
      kernelSize: 1,
      useBias: false,
      trainable: false,
      // 1 -> n: each output channel is the gray value; n -> 1: the mean of the n channels.
      kernelInitializer: new Constant({ value: c === 1 ? 1 : 1 / c }),
      name: 'input_channels',
    }).apply(x) as SymbolicTensor; // [batch, height, width, channels]

  const values = new Map<number, SymbolicTensor>([[base.inputs[0].id, x]]);
  const copies = new Map<Layer, Layer>();
  for (const node of base.nodes) {
    if (node.layer instanceof InputLayer) continue;
    const ins = node.inputTensors.map((t) => values.get(t.id));
    if (ins.some((t) => t === undefined)) continue; // not on the path from the input
    let copy = copies.get(node.layer);
    const fresh = copy === undefined;
    if (!copy) {
      copy = create<Layer>('layer', serialize(node.layer) as NonNullable<ReturnType<typeof serialize>>);
      copies.set(node.layer, copy);
    }
    const args = ins as SymbolicTensor[];
    const out = args.length === 1 ? copy.apply(args[0], node.kwargs) : copy.apply(args, node.kwargs);
    if (fresh) {
      copy.setWeights(node.layer.getWeights());
      copy.trainable = node.layer.trainable;
    }
    const outs = (Array.isArray(out) ? out : [out]) as SymbolicTensor[];
    node.outputTensors.forEach((t, i) => {
      values.set(t.id, outs[i]);
    });
    if (node.layer === cut) break;
  }
  const cutOutput = cut.output;
  const features = Array.isArray(cutOutput) ? undefined : values.get(cutOutput.id);
  if (!features)
    throw new ShapeError(
      `Layer "${cut.name}" of "${base.name}" is not reached from its input; name another.`,
    );
  return { inputs, features, copies };
}
