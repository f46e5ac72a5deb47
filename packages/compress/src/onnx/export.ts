/**
 * `exportOnnx(model)`: a tensorfold model (sequential or functional) as an ONNX file (opset 13), for
 * ONNX Runtime, Triton and the rest of the ONNX world. TF.js layers compute in NHWC, ONNX's Conv and
 * pooling in NCHW: the exporter tracks each tensor's layout and inserts a Transpose only where an op
 * needs the other one, so the file takes and returns tensors shaped as the tensorfold model does.
 */
import { ConfigError, type Layer, type Model, tf, VERSION } from '@tensorfold/core';
import {
  type AttributeValue,
  DataType,
  encodeModel,
  type OnnxNode,
  type OnnxTensor,
  type OnnxValue,
} from './onnx-proto.js';

/** Layer classes {@link exportOnnx} converts. */
export const ONNX_LAYERS = [
  'InputLayer',
  'Dense',
  'Conv2D',
  'DepthwiseConv2D',
  'SeparableConv2D',
  'MaxPooling2D',
  'AveragePooling2D',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling2D',
  'BatchNormalization',
  'Flatten',
  'Reshape',
  'Dropout',
  'SpatialDropout1D',
  'GaussianNoise',
  'Activation',
  'ReLU',
  'LeakyReLU',
  'ELU',
  'Softmax',
  'Add',
  'Concatenate',
  'Embedding',
] as const;

type Layout = 'nhwc' | 'nchw' | 'plain';
interface Value {
  name: string;
  layout: Layout;
  rank: number;
}
interface Entry {
  name: string;
  className: string;
  config: Record<string, unknown>;
  inputs: string[];
}

/** The exporter's state: nodes and initializers so far, unique names. */
class Builder {
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
async function values(t: tf.Tensor, perm?: number[]): Promise<Float32Array> {
  const x = perm ? tf.transpose(t, perm) : t;
  const data = (await x.data()) as Float32Array;
  if (x !== t) x.dispose();
  return Float32Array.from(data);
}

function weightsOf(layer: Layer): Record<string, tf.Tensor> {
  return Object.fromEntries(layer.weights.map((w) => [w.name.split('/').pop() as string, w.read()]));
}

const pair = (x: unknown, fallback: number): [number, number] =>
  Array.isArray(x) ? [x[0], x[1]] : typeof x === 'number' ? [x, x] : [fallback, fallback];

function activationName(spec: unknown): string {
  if (spec == null) return 'linear';
  if (typeof spec === 'string') return spec;
  const s = spec as { className?: string };
  return String(s.className ?? 'linear');
}

/** Applies a named activation; returns the new value. */
function activate(b: Builder, v: Value, spec: unknown, where: string): Value {
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

/** The model's layers as entries with input tensor names (one node per layer). */
function entriesOf(model: Model): { entries: Entry[]; inputs: string[]; outputs: string[] } {
  const config = model.getConfig() as Record<string, unknown>;
  if (model.className === 'Sequential') {
    const layers = config.layers as { className: string; config: Record<string, unknown> }[];
    const input = model.inputNames[0] ?? 'input';
    let previous = input;
    const entries = layers.map((l) => {
      const e = { name: String(l.config.name), className: l.className, config: l.config, inputs: [previous] };
      previous = e.name;
      return e;
    });
    return { entries, inputs: [input], outputs: [previous] };
  }
  type Ref = [string, number, number, unknown];
  const layers = config.layers as {
    name: string;
    className: string;
    config: Record<string, unknown>;
    inboundNodes: Ref[][];
  }[];
  const entries = layers.map((l) => {
    if (l.inboundNodes.length > 1)
      throw new ConfigError(
        `Layer "${l.name}" is called ${l.inboundNodes.length} times (shared); exportOnnx supports layers used once.`,
      );
    return {
      name: l.name,
      className: l.className,
      config: l.config,
      inputs: (l.inboundNodes[0] ?? []).map((r) => r[0]),
    };
  });
  const names = (refs: unknown) => (refs as Ref[]).map((r) => r[0]);
  return { entries, inputs: names(config.inputLayers), outputs: names(config.outputLayers) };
}

/**
 * The model as the bytes of an ONNX file (opset 13). Inputs and outputs keep the model's shapes
 * (NHWC images), with a symbolic batch dimension.
 * @throws ConfigError naming the first layer (or activation) that has no ONNX export, and the
 *   supported ones.
 */
export async function exportOnnx(model: Model): Promise<Uint8Array> {
  const { entries, inputs, outputs } = entriesOf(model);
  for (const e of entries)
    if (!(ONNX_LAYERS as readonly string[]).includes(e.className))
      throw new ConfigError(
        `Layer "${e.name}" is a ${e.className}, which exportOnnx cannot convert yet; supported layers: ${ONNX_LAYERS.join(', ')}.`,
      );
  const b = new Builder();
  const layerByName = new Map(model.layers.map((l) => [l.name, l]));
  const valuesByName = new Map<string, Value>();
  const graphInputs: OnnxValue[] = model.inputs.map((t, i) => ({
    name: inputs[i],
    dataType: DataType.FLOAT,
    shape: t.shape as (number | null)[],
  }));
  for (const [i, name] of inputs.entries()) {
    const rank = graphInputs[i].shape.length;
    valuesByName.set(name, { name, layout: rank === 4 ? 'nhwc' : 'plain', rank });
  }
  for (const e of entries) {
    if (e.className === 'InputLayer') continue;
    const ins = e.inputs.map((n) => valuesByName.get(n) as Value);
    const layer = layerByName.get(e.name) as Layer;
    valuesByName.set(e.name, await convert(b, e, ins, layer));
  }
  const graphOutputs: OnnxValue[] = [];
  for (const [i, name] of outputs.entries()) {
    const v = b.toNhwc(valuesByName.get(name) as Value);
    const outName = model.outputNames[i] ?? name;
    b.nodes.push({ opType: 'Identity', inputs: [v.name], outputs: [outName], name: `${outName}__out` });
    graphOutputs.push({
      name: outName,
      dataType: DataType.FLOAT,
      shape: model.outputs[i].shape as (number | null)[],
    });
  }
  return encodeModel(
    {
      name: model.name,
      nodes: b.nodes,
      initializers: b.initializers,
      inputs: graphInputs,
      outputs: graphOutputs,
    },
    VERSION,
  );
}

async function convert(b: Builder, e: Entry, ins: Value[], layer: Layer): Promise<Value> {
  const c = e.config;
  const w = weightsOf(layer);
  const x = ins[0];
  const name = e.name;
  switch (e.className) {
    case 'Dense': {
      const u = b.toNhwc(x);
      const kernel = b.floats(`${name}_kernel`, w.kernel.shape, await values(w.kernel));
      let y = b.node('MatMul', [u.name, kernel], name);
      if (w.bias) y = b.node('Add', [y, b.floats(`${name}_bias`, w.bias.shape, await values(w.bias))], name);
      return activate(b, { ...u, name: y, layout: u.rank === 4 ? 'nhwc' : 'plain' }, c.activation, name);
    }
    case 'Conv2D':
    case 'DepthwiseConv2D':
    case 'SeparableConv2D': {
      if (c.dataFormat === 'channelsFirst')
        throw new ConfigError(`Layer "${name}" is channelsFirst; exportOnnx takes channelsLast layers.`);
      const u = b.toNchw(x);
      const [sh, sw] = pair(c.strides, 1);
      const [dh, dw] = pair(c.dilationRate, 1);
      const padding: Record<string, AttributeValue> =
        c.padding === 'same' ? { auto_pad: { s: 'SAME_UPPER' } } : { pads: { ints: [0, 0, 0, 0] } };
      const common = { strides: { ints: [sh, sw] }, dilations: { ints: [dh, dw] }, ...padding };
      let y: string;
      if (e.className === 'Conv2D') {
        const [kh, kw, cin, cout] = w.kernel.shape; // [kh, kw, cin, cout] -> [cout, cin, kh, kw]
        const k = b.floats(`${name}_kernel`, [cout, cin, kh, kw], await values(w.kernel, [3, 2, 0, 1]));
        const bias = w.bias ? [b.floats(`${name}_bias`, w.bias.shape, await values(w.bias))] : [];
        y = b.node('Conv', [u.name, k, ...bias], name, {
          ...common,
          kernel_shape: { ints: [kh, kw] },
          group: { i: 1 },
        });
      } else {
        const dk = w.depthwise_kernel; // [kh, kw, cin, mult] -> [cin * mult, 1, kh, kw]
        const [kh, kw, cin, mult] = dk.shape;
        const k = b.floats(`${name}_depthwise`, [cin * mult, 1, kh, kw], await values(dk, [2, 3, 0, 1]));
        const depthBias =
          e.className === 'DepthwiseConv2D' && w.bias
            ? [b.floats(`${name}_bias`, w.bias.shape, await values(w.bias))]
            : [];
        y = b.node('Conv', [u.name, k, ...depthBias], name, {
          ...common,
          kernel_shape: { ints: [kh, kw] },
          group: { i: cin },
        });
        if (e.className === 'SeparableConv2D') {
          const pk = w.pointwise_kernel; // [1, 1, cin * mult, cout] -> [cout, cin * mult, 1, 1]
          const [, , cm, cout] = pk.shape;
          const p = b.floats(`${name}_pointwise`, [cout, cm, 1, 1], await values(pk, [3, 2, 0, 1]));
          const bias = w.bias ? [b.floats(`${name}_bias`, w.bias.shape, await values(w.bias))] : [];
          y = b.node('Conv', [y, p, ...bias], name, { kernel_shape: { ints: [1, 1] }, group: { i: 1 } });
        }
      }
      return activate(b, { name: y, layout: 'nchw', rank: 4 }, c.activation, name);
    }
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      const u = b.toNchw(x);
      const pool = pair(c.poolSize, 2);
      const strides = c.strides == null ? pool : pair(c.strides, pool[0]);
      const padding: Record<string, AttributeValue> =
        c.padding === 'same' ? { auto_pad: { s: 'SAME_UPPER' } } : { pads: { ints: [0, 0, 0, 0] } };
      const op = e.className === 'MaxPooling2D' ? 'MaxPool' : 'AveragePool';
      const y = b.node(op, [u.name], name, {
        kernel_shape: { ints: pool },
        strides: { ints: strides },
        ...padding,
      });
      return { name: y, layout: 'nchw', rank: 4 };
    }
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D': {
      const u = b.toNchw(x);
      const pooled = b.node(
        e.className === 'GlobalAveragePooling2D' ? 'GlobalAveragePool' : 'GlobalMaxPool',
        [u.name],
        name,
      );
      if (c.keepDims) return { name: pooled, layout: 'nchw', rank: 4 };
      return { name: b.node('Flatten', [pooled], name, { axis: { i: 1 } }), layout: 'plain', rank: 2 };
    }
    case 'BatchNormalization': {
      const axis = (c.axis as number | undefined) ?? -1;
      if (axis !== -1 && axis !== x.rank - 1)
        throw new ConfigError(
          `BatchNormalization "${name}" normalizes axis ${axis}; exportOnnx supports the last axis.`,
        );
      const u = x.rank === 4 ? b.toNchw(x) : x;
      if (u.rank !== 2 && u.rank !== 4)
        throw new ConfigError(
          `BatchNormalization "${name}" takes rank-${u.rank} inputs; exportOnnx supports rank 2 and 4.`,
        );
      const n = w.moving_mean.shape[0];
      const gamma = w.gamma ? await values(w.gamma) : new Float32Array(n).fill(1);
      const beta = w.beta ? await values(w.beta) : new Float32Array(n);
      const y = b.node(
        'BatchNormalization',
        [
          u.name,
          b.floats(`${name}_gamma`, [n], gamma),
          b.floats(`${name}_beta`, [n], beta),
          b.floats(`${name}_mean`, [n], await values(w.moving_mean)),
          b.floats(`${name}_variance`, [n], await values(w.moving_variance)),
        ],
        name,
        { epsilon: { f: (c.epsilon as number | undefined) ?? 1e-3 } },
      );
      return { ...u, name: y };
    }
    case 'Flatten': {
      const u = b.toNhwc(x);
      return { name: b.node('Flatten', [u.name], name, { axis: { i: 1 } }), layout: 'plain', rank: 2 };
    }
    case 'Reshape': {
      const u = b.toNhwc(x);
      const target = c.targetShape as number[];
      const shape = b.int64s(`${name}_shape`, [0, ...target]);
      const rank = target.length + 1;
      return { name: b.node('Reshape', [u.name, shape], name), layout: rank === 4 ? 'nhwc' : 'plain', rank };
    }
    case 'Dropout':
    case 'SpatialDropout1D':
    case 'GaussianNoise':
      return x; // inference: the identity
    case 'Activation':
      return activate(b, x, c.activation, name);
    case 'ReLU': {
      if (c.maxValue != null || (c.threshold ?? 0) !== 0 || (c.negativeSlope ?? 0) !== 0)
        throw new ConfigError(
          `ReLU "${name}" has maxValue/threshold/negativeSlope; exportOnnx supports the plain ReLU.`,
        );
      return { ...x, name: b.node('Relu', [x.name], name) };
    }
    case 'LeakyReLU':
      return {
        ...x,
        name: b.node('LeakyRelu', [x.name], name, { alpha: { f: (c.alpha as number | undefined) ?? 0.3 } }),
      };
    case 'ELU':
      return {
        ...x,
        name: b.node('Elu', [x.name], name, { alpha: { f: (c.alpha as number | undefined) ?? 1 } }),
      };
    case 'Softmax':
      return activate(b, x, 'softmax', name);
    case 'Add': {
      const layout = ins[0].layout;
      const aligned = ins.map((v) => (layout === 'nchw' ? b.toNchw(v) : b.toNhwc(v)));
      return {
        ...aligned[0],
        name: b.node(
          'Sum',
          aligned.map((v) => v.name),
          name,
        ),
      };
    }
    case 'Concatenate': {
      const aligned = ins.map((v) => b.toNhwc(v));
      const axis = (c.axis as number | undefined) ?? -1;
      return {
        ...aligned[0],
        name: b.node(
          'Concat',
          aligned.map((v) => v.name),
          name,
          { axis: { i: axis } },
        ),
      };
    }
    case 'Embedding': {
      const indices = b.node('Cast', [x.name], `${name}_indices`, { to: { i: DataType.INT64 } });
      const table = b.floats(`${name}_embeddings`, w.embeddings.shape, await values(w.embeddings));
      return {
        name: b.node('Gather', [table, indices], name, { axis: { i: 0 } }),
        layout: 'plain',
        rank: x.rank + 1,
      };
    }
    default:
      throw new ConfigError(
        `Layer "${name}" (${e.className}) has no ONNX export; supported: ${ONNX_LAYERS.join(', ')}.`,
      );
  }
}
