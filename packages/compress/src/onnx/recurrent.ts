/**
 * SimpleRNN, LSTM, GRU and the Bidirectional wrapper as ONNX's RNN, LSTM and GRU operators (opset 13
 * forms: time-major `X [steps, batch, features]`, `W [1, gates × units, features]`,
 * `R [1, gates × units, units]`, `B [1, 2 × gates × units]` = input biases then recurrent biases).
 *
 * - Gate order: Keras keeps the LSTM's gates as i, f, c, o and ONNX as i, o, f, c (reordered here);
 *   the GRU's z, r, h is the same in both. Keras's kernels are `[features, gates × units]`, ONNX's
 *   are their transposes.
 * - GRU: `resetAfter: true` (Keras 2+'s reset_after) is ONNX's `linear_before_reset = 1`, with the
 *   second bias row as the recurrent bias; `resetAfter: false` has no recurrent bias (zeros).
 * - `goBackwards` is `direction: reverse`. ONNX gives every step's output in time order, Keras's
 *   backward layer in processing order, so its sequence is reversed (and the Bidirectional wrapper's
 *   reversal back cancels it).
 * - Masks (`Embedding({maskZero})`, `Masking`): Keras skips a padded step (state carried over, its
 *   output the previous one), wherever it is; ONNX's `sequence_lens` only cuts the tail. So the real
 *   steps of each sequence are moved to its front first (a stable sort of the step indices by
 *   padding, TopK + GatherElements), the operator runs with `sequence_lens` = real steps, and each
 *   step's output is gathered back from the count of real steps seen so far (CumSum).
 */
import { ConfigError, type LayerWeight, tf } from '@tensorfold/core';
import type { Bidirectional, GRU, LSTM, RecurrentLayer } from '@tensorfold/layers';
import { activationName, type Builder, type Value } from './builder.js';
import { DataType } from './onnx-proto.js';

/** One recurrent layer's results: the output of every step in time order, and the last state. */
interface Run {
  /** `[batch, steps, units]`, step t at index t whatever the direction (null without `returnSequences`). */
  sequence: string | null;
  /** `[batch, units]`: the state after the whole (unpadded) sequence. */
  last: string;
}

/** ONNX names (with alpha and beta where the function takes them) of the activations ONNX's RNNs know. */
const RNN_ACTIVATIONS: Record<string, { name: string; alpha?: number; beta?: number }> = {
  tanh: { name: 'Tanh' },
  sigmoid: { name: 'Sigmoid' },
  relu: { name: 'Relu' },
  hardsigmoid: { name: 'HardSigmoid', alpha: 0.2, beta: 0.5 },
  linear: { name: 'Affine', alpha: 1, beta: 0 },
  softsign: { name: 'Softsign' },
  softplus: { name: 'Softplus' },
};

/**
 * The `activations` attribute, and `activation_alpha`/`activation_beta` holding a value only for
 * the functions that take one, in order (as ONNX Runtime reads them).
 */
function activationAttributes(specs: unknown[], where: string) {
  const names: string[] = [];
  const alphas: number[] = [];
  const betas: number[] = [];
  for (const spec of specs) {
    const key = activationName(spec).replace(/_/g, '').toLowerCase();
    const found = RNN_ACTIVATIONS[key];
    if (!found)
      throw new ConfigError(
        `${where} uses the activation "${activationName(spec)}", which ONNX's recurrent operators do not have; supported: tanh, sigmoid, relu, hardSigmoid, linear, softsign, softplus.`,
      );
    names.push(found.name);
    if (found.alpha !== undefined) alphas.push(found.alpha);
    if (found.beta !== undefined) betas.push(found.beta);
  }
  return {
    activations: { strings: names },
    ...(alphas.length > 0 ? { activation_alpha: { floats: alphas } } : {}),
    ...(betas.length > 0 ? { activation_beta: { floats: betas } } : {}),
  };
}

/** The rows of `matrix [gates × units, cols]` with its gate blocks taken in `order`. */
function reorderGates(matrix: Float32Array, units: number, cols: number, order: number[]): Float32Array {
  const out = new Float32Array(matrix.length);
  const block = units * cols;
  order.forEach((gate, j) => {
    out.set(matrix.subarray(gate * block, (gate + 1) * block), j * block);
  });
  return out;
}

async function transposed(w: LayerWeight): Promise<Float32Array> {
  const t = tf.transpose(w.read());
  const data = Float32Array.from((await t.data()) as Float32Array);
  t.dispose();
  return data;
}

/** ONNX's W, R and B of a layer: `[1, G U, F]`, `[1, G U, U]`, `[1, 2 G U]`. */
async function onnxWeights(layer: RecurrentLayer, op: string) {
  const units = layer.units;
  const kernel = layer.kernel as LayerWeight;
  const [features, width] = kernel.read().shape;
  const gates = width / units;
  const order = op === 'LSTM' ? [0, 3, 1, 2] : Array.from({ length: gates }, (_, g) => g); // Keras ifco -> ONNX iofc
  const w = reorderGates(await transposed(kernel), units, features, order);
  const r = reorderGates(await transposed(layer.recurrentKernel as LayerWeight), units, units, order);
  // ONNX's B is [input biases, recurrent biases]: Keras's [G U] bias fills the first half (the
  // recurrent half stays zero), the GRU's reset-after bias [2, G U] both
  const keras = new Float32Array(2 * width);
  if (layer.bias) keras.set((await layer.bias.read().data()) as Float32Array);
  const bias = new Float32Array(2 * width);
  bias.set(reorderGates(keras.subarray(0, width), units, 1, order), 0);
  bias.set(reorderGates(keras.subarray(width), units, 1, order), width);
  return { w, r, bias, features, width };
}

/** `sequence [batch, steps, units]` read backwards in time. */
export function reverseTime(b: Builder, sequence: string, where: string): string {
  return b.node(
    'Slice',
    [
      sequence,
      b.int64s('minus_one', [-1]),
      b.int64s('int64_min', [-(2 ** 63)]),
      b.int64s('time_axis', [1]),
      b.int64s('minus_one', [-1]),
    ],
    `${where}_reverse`,
  );
}

/** The steps of each sequence of `x [batch, steps, f]` with its real ones (by `mask`) first, in order; and their counts. */
function compact(b: Builder, x: string, mask: string, where: string): { x: string; lengths: string } {
  const shape = b.node('Shape', [x], `${where}_shape`);
  const steps = b.node('Gather', [shape, b.int64Scalar('one', 1)], `${where}_steps`, { axis: { i: 0 } });
  const stepsK = b.node('Slice', [shape, b.int64s('one', [1]), b.int64s('two', [2])], `${where}_k`);
  const range = b.node('Range', [b.int64Scalar('zero', 0), steps, b.int64Scalar('one', 1)], `${where}_range`);
  const t = b.node('Cast', [range], `${where}_t`, { to: { i: DataType.FLOAT } }); // [steps]
  const stepsF = b.node('Cast', [steps], `${where}_steps_f`, { to: { i: DataType.FLOAT } });
  const one = b.floats('one', [], Float32Array.of(1));
  // key: t for a real step, t + steps for padding; sorted ascending, a stable partition
  const padding = b.node('Sub', [one, mask], `${where}_padding`); // [batch, steps]
  const key = b.node('Add', [t, b.node('Mul', [padding, stepsF], `${where}_shift`)], `${where}_key`);
  const [, order] = b.nodeOutputs('TopK', [key, stepsK], `${where}_order`, [true, true], {
    axis: { i: 1 },
    largest: { i: 0 },
    sorted: { i: 1 },
  });
  const index = b.node(
    'Expand',
    [b.node('Unsqueeze', [order, b.int64s('axis2', [2])], `${where}_order3`), shape],
    `${where}_index`,
  ); // [batch, steps, f]
  const lengths = b.node(
    'Cast',
    [b.node('ReduceSum', [mask, b.int64s('axis1', [1])], `${where}_count`, { keepdims: { i: 0 } })],
    `${where}_lengths`,
    { to: { i: DataType.INT32 } },
  ); // [batch]
  return { x: b.node('GatherElements', [x, index], `${where}_compact`, { axis: { i: 1 } }), lengths };
}

/**
 * The output of every original step from the outputs of the compacted run (`sequence [batch, steps,
 * units]`): after the real steps seen so far, zeros before the first (Keras's masked outputs).
 */
function expand(b: Builder, sequence: string, mask: string, backwards: boolean, where: string): string {
  const one = b.floats('one', [], Float32Array.of(1));
  const axis = b.int64Scalar('axis1', 1);
  // real steps processed once step t is done: from the start, or from the end when going backwards
  const seen = b.node('CumSum', [mask, axis], `${where}_seen`, backwards ? { reverse: { i: 1 } } : undefined);
  let position: string;
  if (backwards) {
    // ONNX's reverse run leaves the state after compacted steps len-1 .. j at output j = len - seen
    const lengths = b.node('ReduceSum', [mask, b.int64s('axis1', [1])], `${where}_len`, {
      keepdims: { i: 1 },
    });
    const shape = b.node('Shape', [mask], `${where}_mask_shape`);
    const last = b.node(
      'Sub',
      [
        b.node(
          'Cast',
          [b.node('Slice', [shape, b.int64s('one', [1]), b.int64s('two', [2])], `${where}_steps`)],
          `${where}_steps_f`,
          { to: { i: DataType.FLOAT } },
        ),
        one,
      ],
      `${where}_last`,
    );
    position = b.node('Min', [b.node('Sub', [lengths, seen], `${where}_j`), last], `${where}_position`);
  } else {
    position = b.node('Relu', [b.node('Sub', [seen, one], `${where}_j`)], `${where}_position`);
  }
  const index = b.node(
    'Expand',
    [
      b.node(
        'Unsqueeze',
        [b.node('Cast', [position], `${where}_index`, { to: { i: DataType.INT64 } }), b.int64s('axis2', [2])],
        `${where}_index3`,
      ),
      b.node('Shape', [sequence], `${where}_seq_shape`),
    ],
    `${where}_gather_index`,
  );
  const gathered = b.node('GatherElements', [sequence, index], `${where}_gather`, { axis: { i: 1 } });
  const started = b.node('Min', [seen, one], `${where}_started`); // 0 before the first real step
  return b.node(
    'Mul',
    [gathered, b.node('Unsqueeze', [started, b.int64s('axis2', [2])], `${where}_started3`)],
    `${where}_masked`,
  );
}

/** Runs one recurrent layer on `x [batch, steps, features]` (with its mask, if any). */
async function run(b: Builder, layer: RecurrentLayer, x: Value, where: string): Promise<Run> {
  const op = { LSTM: 'LSTM', GRU: 'GRU', SimpleRNN: 'RNN' }[layer.className];
  if (!op)
    throw new ConfigError(
      `${where} wraps a ${layer.className}; exportOnnx converts SimpleRNN, LSTM and GRU layers.`,
    );
  if (layer.returnState)
    throw new ConfigError(
      `${where} returns its states (returnState: true); exportOnnx exports the layer's output only: set returnState false, or export a model whose outputs do not use the states.`,
    );
  const { w, r, bias, features, width } = await onnxWeights(layer, op);
  const units = layer.units;
  let input = x.name;
  let lengths = '';
  if (x.mask) ({ x: input, lengths } = compact(b, x.name, x.mask, where));
  const timeMajor = b.node('Transpose', [input], `${where}_time_major`, { perm: { ints: [1, 0, 2] } });
  const recurrent = layer as LSTM | GRU;
  const specs =
    op === 'LSTM'
      ? [recurrent.recurrentActivation, layer.activation, layer.activation]
      : op === 'GRU'
        ? [recurrent.recurrentActivation, layer.activation]
        : [layer.activation];
  const attributes = {
    hidden_size: { i: units },
    direction: { s: layer.goBackwards ? 'reverse' : 'forward' },
    ...activationAttributes(
      specs.map((a) => a.className),
      where,
    ),
    ...(op === 'GRU' ? { linear_before_reset: { i: (layer as GRU).resetAfter ? 1 : 0 } } : {}),
  };
  const outputs = b.nodeOutputs(
    op,
    [
      timeMajor,
      b.floats(`${where}_W`, [1, width, features], w),
      b.floats(`${where}_R`, [1, width, units], r),
      b.floats(`${where}_B`, [1, 2 * width], bias),
      lengths,
    ],
    where,
    op === 'LSTM' ? [layer.returnSequences, true, false] : [layer.returnSequences, true],
    attributes,
  );
  const last = b.node('Reshape', [outputs[1], b.int64s('shape', [-1, units])], `${where}_last`); // [1, B, U] -> [B, U]
  if (!layer.returnSequences) return { sequence: null, last };
  // [steps, 1, batch, units] -> [batch, steps, units]
  const squeezed = b.node('Squeeze', [outputs[0], b.int64s('axis1', [1])], `${where}_y`);
  let sequence = b.node('Transpose', [squeezed], `${where}_batch_major`, { perm: { ints: [1, 0, 2] } });
  if (x.mask) sequence = expand(b, sequence, x.mask, layer.goBackwards, where);
  return { sequence, last };
}

/** A SimpleRNN, LSTM or GRU layer: its output as Keras gives it, carrying the mask on with `returnSequences`. */
export async function convertRecurrent(
  b: Builder,
  layer: RecurrentLayer,
  x: Value,
  where: string,
): Promise<Value> {
  const result = await run(b, layer, x, where);
  if (result.sequence == null) return { name: result.last, layout: 'plain', rank: 2 };
  const name = layer.goBackwards ? reverseTime(b, result.sequence, where) : result.sequence;
  return { name, layout: 'plain', rank: 3, mask: x.mask };
}

/** A Bidirectional wrapper: both directions, the backward one put back in time order, merged. */
export async function convertBidirectional(
  b: Builder,
  layer: Bidirectional,
  x: Value,
  where: string,
): Promise<Value> {
  if (layer.mergeMode == null)
    throw new ConfigError(
      `Bidirectional "${where}" has mergeMode null (two outputs); exportOnnx needs one output: use 'concat', 'sum', 'mul' or 'ave'.`,
    );
  const forward = await run(b, layer.forwardLayer, x, `${where}_forward`);
  const backward = await run(b, layer.backwardLayer, x, `${where}_backward`);
  const sequences = layer.forwardLayer.returnSequences;
  let a = forward.last;
  let c = backward.last;
  if (forward.sequence != null && backward.sequence != null) {
    // Keras: a layer's output is reversed when it goes backwards, and the wrapper reverses the backward one
    a = layer.forwardLayer.goBackwards ? reverseTime(b, forward.sequence, where) : forward.sequence;
    c = layer.backwardLayer.goBackwards ? backward.sequence : reverseTime(b, backward.sequence, where);
  }
  let merged: string;
  if (layer.mergeMode === 'concat') merged = b.node('Concat', [a, c], where, { axis: { i: -1 } });
  else if (layer.mergeMode === 'sum') merged = b.node('Add', [a, c], where);
  else if (layer.mergeMode === 'mul') merged = b.node('Mul', [a, c], where);
  else
    merged = b.node(
      'Mul',
      [b.node('Add', [a, c], where), b.floats('half', [], Float32Array.of(0.5))],
      `${where}_ave`,
    );
  return sequences
    ? { name: merged, layout: 'plain', rank: 3, mask: x.mask }
    : { name: merged, layout: 'plain', rank: 2 };
}
