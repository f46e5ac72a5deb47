/**
 * What the ONNX converters share: the graph being built (nodes, initializers, fresh names), each
 * tensor's layout (NHWC as TF.js, NCHW as ONNX's Conv), weights read as Float32Array, activations.
 */
import { ConfigError, type Layer, tf } from '@tensorfold/core';
import { DataType, type OnnxNode, type OnnxTensor } from './onnx-proto.js';

export type Layout = 'nhwc' | 'nchw' | 'plain';
/** A tensor of the graph being built. */
export interface Value {
  name: string;
  layout: Layout;
  rank: number;
  /**
   * The Keras mask this tensor carries (from `Embedding({maskZero})`), as the name of a float
   * `[batch, steps]` tensor: 1 for a real step, 0 for padding. Absent: no mask.
   */
  mask?: string;
}

/** The exporter's state: nodes and initializers so far, unique names. */
export class Builder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private count = 0;

  fresh(base: string): string {
    return `${base}__${this.count++}`;
  }

  node(opType: string, inputs: string[], base: string, attributes?: OnnxNode['attributes']): string {
    const out = this.fresh(base);
    this.nodes.push({ opType, inputs, outputs: [out], name: out, attributes });
    return out;
  }

  /** A node with several outputs (an empty name leaves an optional output out); returns their names. */
  nodeOutputs(
    opType: string,
    inputs: string[],
    base: string,
    outputs: boolean[],
    attributes?: OnnxNode['attributes'],
  ): string[] {
    const names = outputs.map((used, i) => (used ? this.fresh(`${base}_${i}`) : ''));
    this.nodes.push({ opType, inputs, outputs: names, name: this.fresh(base), attributes });
    return names;
  }

  floats(base: string, dims: number[], values: Float32Array): string {
    const name = this.fresh(base);
    this.initializers.push({
      name,
      dims,
      dataType: DataType.FLOAT,
      raw: new Uint8Array(values.slice().buffer),
    });
    return name;
  }

  int64s(base: string, values: number[]): string {
    const name = this.fresh(base);
    const raw = new Uint8Array(new BigInt64Array(values.map((v) => BigInt(v))).buffer);
    this.initializers.push({ name, dims: [values.length], dataType: DataType.INT64, raw });
    return name;
  }

  /** A rank-0 int64 constant (an index, a Range bound). */
  int64Scalar(base: string, value: number): string {
    const name = this.fresh(base);
    const raw = new Uint8Array(BigInt64Array.of(BigInt(value)).buffer);
    this.initializers.push({ name, dims: [], dataType: DataType.INT64, raw });
    return name;
  }

  toNchw(v: Value): Value {
    if (v.layout !== 'nhwc') return v;
    return {
      name: this.node('Transpose', [v.name], 'to_nchw', { perm: { ints: [0, 3, 1, 2] } }),
      layout: 'nchw',
      rank: 4,
    };
  }

  toNhwc(v: Value): Value {
    if (v.layout !== 'nchw') return v;
    return {
      name: this.node('Transpose', [v.name], 'to_nhwc', { perm: { ints: [0, 2, 3, 1] } }),
      layout: 'nhwc',
      rank: 4,
    };
  }
}

/** A tensor's values in a (copied) Float32Array, transposed by `perm` first when given. */
export async function values(t: tf.Tensor, perm?: number[]): Promise<Float32Array> {
  const x = perm ? tf.transpose(t, perm) : t;
  const data = (await x.data()) as Float32Array;
  if (x !== t) x.dispose();
  return Float32Array.from(data);
}

export function weightsOf(layer: Layer): Record<string, tf.Tensor> {
  return Object.fromEntries(layer.weights.map((w) => [w.name.split('/').pop() as string, w.read()]));
}

export const pair = (x: unknown, fallback: number): [number, number] =>
  Array.isArray(x) ? [x[0], x[1]] : typeof x === 'number' ? [x, x] : [fallback, fallback];

export function activationName(spec: unknown): string {
  if (spec == null) return 'linear';
  if (typeof spec === 'string') return spec;
  const s = spec as { className?: string };
  return String(s.className ?? 'linear');
}

/** Applies a named activation; returns the new value. */
export function activate(b: Builder, v: Value, spec: unknown, where: string): Value {
  const name = activationName(spec).replace(/_/g, '').toLowerCase();
  const unary: Record<string, string> = {
    relu: 'Relu',
    sigmoid: 'Sigmoid',
    tanh: 'Tanh',
    softplus: 'Softplus',
    softsign: 'Softsign',
    elu: 'Elu',
    selu: 'Selu',
  };
  if (name === 'linear') return v;
  if (unary[name]) return { ...v, name: b.node(unary[name], [v.name], where) };
  if (name === 'softmax') {
    const u = b.toNhwc(v);
    return { ...u, name: b.node('Softmax', [u.name], where, { axis: { i: -1 } }) };
  }
  if (name === 'relu6') {
    const lo = b.floats('zero', [], Float32Array.of(0));
    const hi = b.floats('six', [], Float32Array.of(6));
    return { ...v, name: b.node('Clip', [v.name, lo, hi], where) };
  }
  if (name === 'hardsigmoid')
    return { ...v, name: b.node('HardSigmoid', [v.name], where, { alpha: { f: 0.2 }, beta: { f: 0.5 } }) };
  if (name === 'swish') {
    const s = b.node('Sigmoid', [v.name], where);
    return { ...v, name: b.node('Mul', [v.name, s], where) };
  }
  throw new ConfigError(
    `Activation "${name}" of ${where} has no ONNX export yet; supported: linear, relu, relu6, sigmoid, hardSigmoid, tanh, softmax, softplus, softsign, elu, selu, swish.`,
  );
}
