/**
 * Layers over sequences `[batch, steps, channels]` that are not recurrent: Conv1D (valid, same,
 * causal), max and average pooling, global pooling (the average skips masked steps, as Keras's).
 * ONNX's Conv and pooling read `[batch, channels, steps]`, so each op is wrapped in two Transposes.
 */

import type { Layer } from '@tensorfold/core';
import { ConfigError } from '@tensorfold/core';
import { activate, type Builder, type Value, values, weightsOf } from './builder.js';
import type { AttributeValue } from './onnx-proto.js';

const first = (x: unknown, fallback: number): number =>
  Array.isArray(x) ? Number(x[0]) : typeof x === 'number' ? x : fallback;

const toChannelsFirst = (b: Builder, x: string, where: string) =>
  b.node('Transpose', [x], `${where}_ncw`, { perm: { ints: [0, 2, 1] } }); // [batch, channels, steps]
const toStepsFirst = (b: Builder, x: string, where: string) =>
  b.node('Transpose', [x], `${where}_nwc`, { perm: { ints: [0, 2, 1] } }); // [batch, steps, channels]

function padding1d(mode: unknown): Record<string, AttributeValue> {
  return mode === 'same' ? { auto_pad: { s: 'SAME_UPPER' } } : { pads: { ints: [0, 0] } };
}

/** Conv1D: `kernel [k, in, filters]` as ONNX's `[filters, in, k]`; causal padding as a left Pad. */
export async function convertConv1D(
  b: Builder,
  layer: Layer,
  config: Record<string, unknown>,
  x: Value,
  where: string,
): Promise<Value> {
  if (config.dataFormat === 'channelsFirst')
    throw new ConfigError(`Conv1D "${where}" is channelsFirst; exportOnnx takes channelsLast layers.`);
  const w = weightsOf(layer);
  const [k, cin, cout] = w.kernel.shape;
  const stride = first(config.strides, 1);
  const dilation = first(config.dilationRate, 1);
  let input = toChannelsFirst(b, x.name, where);
  let padding = padding1d(config.padding);
  if (config.padding === 'causal') {
    const left = dilation * (k - 1);
    input = b.node('Pad', [input, b.int64s(`${where}_pads`, [0, 0, left, 0, 0, 0])], `${where}_causal`);
    padding = padding1d('valid');
  }
  const kernel = b.floats(`${where}_kernel`, [cout, cin, k], await values(w.kernel, [2, 1, 0]));
  const bias = w.bias ? [b.floats(`${where}_bias`, [cout], await values(w.bias))] : [];
  const y = b.node('Conv', [input, kernel, ...bias], where, {
    kernel_shape: { ints: [k] },
    strides: { ints: [stride] },
    dilations: { ints: [dilation] },
    group: { i: 1 },
    ...padding,
  });
  return activate(b, { name: toStepsFirst(b, y, where), layout: 'plain', rank: 3 }, config.activation, where);
}

/** MaxPooling1D, AveragePooling1D (ONNX's AveragePool leaves padding out of the count, as TensorFlow). */
export function convertPooling1D(
  b: Builder,
  className: string,
  config: Record<string, unknown>,
  x: Value,
  where: string,
): Value {
  const size = first(config.poolSize, 2);
  const stride = first(config.strides, size);
  const y = b.node(
    className === 'MaxPooling1D' ? 'MaxPool' : 'AveragePool',
    [toChannelsFirst(b, x.name, where)],
    where,
    { kernel_shape: { ints: [size] }, strides: { ints: [stride] }, ...padding1d(config.padding) },
  );
  return { name: toStepsFirst(b, y, where), layout: 'plain', rank: 3 };
}

/** GlobalMaxPooling1D, GlobalAveragePooling1D: `[batch, steps, channels]` -> `[batch, channels]`. */
export function convertGlobalPooling1D(b: Builder, className: string, x: Value, where: string): Value {
  if (className === 'GlobalMaxPooling1D')
    return {
      name: b.node('ReduceMax', [x.name], where, { axes: { ints: [1] }, keepdims: { i: 0 } }),
      layout: 'plain',
      rank: 2,
    };
  if (!x.mask)
    return {
      name: b.node('ReduceMean', [x.name], where, { axes: { ints: [1] }, keepdims: { i: 0 } }),
      layout: 'plain',
      rank: 2,
    };
  // the mean over the real steps only; a sequence with none gives 0 (its sum is 0; divNoNan)
  const axes = b.int64s('axis1', [1]);
  const weights = b.node('Unsqueeze', [x.mask, b.int64s('axis2', [2])], `${where}_weights`); // [batch, steps, 1]
  const sum = b.node(
    'ReduceSum',
    [b.node('Mul', [x.name, weights], `${where}_masked`), axes],
    `${where}_sum`,
    {
      keepdims: { i: 0 },
    },
  ); // [batch, channels]
  const count = b.node('ReduceSum', [weights, axes], `${where}_count`, { keepdims: { i: 0 } }); // [batch, 1]
  const atLeastOne = b.node('Max', [count, b.floats('one', [], Float32Array.of(1))], `${where}_safe`);
  return { name: b.node('Div', [sum, atLeastOne], where), layout: 'plain', rank: 2 };
}
