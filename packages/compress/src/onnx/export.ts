/**
 * `exportOnnx(model)`: a tensorfold model (sequential or functional) as an ONNX file (opset 13), for
 * ONNX Runtime, Triton and the rest of the ONNX world. TF.js layers compute in NHWC, ONNX's Conv and
 * pooling in NCHW: the exporter tracks each tensor's layout and inserts a Transpose only where an op
 * needs the other one, so the file takes and returns tensors shaped as the tensorfold model does.
 */
import { ConfigError, type Layer, Model, VERSION } from '@tensorfold/core';
import type { Bidirectional, RecurrentLayer } from '@tensorfold/layers';
import type { TTDense } from '../decompose/tt-dense.js';
import { activate, Builder, pair, type Value, values, weightsOf } from './builder.js';
import { type AttributeValue, DataType, encodeModel, type OnnxValue } from './onnx-proto.js';
import { convertBidirectional, convertRecurrent } from './recurrent.js';
import { convertConv1D, convertGlobalPooling1D, convertPooling1D } from './sequence-ops.js';
import { convertTTDense } from './tt-dense.js';

/** Layer classes {@link exportOnnx} converts. */
export const ONNX_LAYERS = [
  'InputLayer',
  'Dense',
  'Conv2D',
  'DepthwiseConv2D',
  'SeparableConv2D',
  'Conv2DTranspose',
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
  'ZeroPadding2D',
  'Add',
  'Subtract',
  'Multiply',
  'Average',
  'Maximum',
  'Minimum',
  'Concatenate',
  'Conv1D',
  'MaxPooling1D',
  'AveragePooling1D',
  'GlobalMaxPooling1D',
  'GlobalAveragePooling1D',
  'Embedding',
  'Masking',
  'SimpleRNN',
  'LSTM',
  'GRU',
  'Bidirectional',
  'TTDense',
] as const;

/** Layers that make or use a mask themselves; the others pass theirs on when they support masking. */
const MASK_OWNERS = new Set([
  'Embedding',
  'Masking',
  'SimpleRNN',
  'LSTM',
  'GRU',
  'Bidirectional',
  'GlobalAveragePooling1D',
  'GlobalMaxPooling1D',
]);

interface Entry {
  name: string;
  className: string;
  config: Record<string, unknown>;
  inputs: string[];
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

/** Throws for the first layer (nested models included) that has no converter. */
function checkSupported(model: Model): void {
  for (const layer of model.layers) {
    if (layer instanceof Model) checkSupported(layer);
    else if (!(ONNX_LAYERS as readonly string[]).includes(layer.className))
      throw new ConfigError(
        `Layer "${layer.name}" is a ${layer.className}, which exportOnnx cannot convert yet; supported layers: ${ONNX_LAYERS.join(', ')}, and models of them used as layers.`,
      );
  }
}

/** Converts the layers of `model` (a whole model, or one used as a layer) applied to `given`; returns its outputs. */
async function convertModel(b: Builder, model: Model, given: Value[]): Promise<Value[]> {
  const { entries, inputs, outputs } = entriesOf(model);
  const layerByName = new Map(model.layers.map((l) => [l.name, l]));
  const valuesByName = new Map<string, Value>(inputs.map((name, i) => [name, given[i]]));
  for (const e of entries) {
    if (e.className === 'InputLayer') continue;
    const ins = e.inputs.map((n) => valuesByName.get(n) as Value);
    const layer = layerByName.get(e.name) as Layer;
    if (layer instanceof Model) {
      // a model used as a layer: its layers inline, masks carried through
      const outs = await convertModel(b, layer, ins);
      if (outs.length !== 1)
        throw new ConfigError(
          `Model "${e.name}" is used as a layer with ${outs.length} outputs; exportOnnx inlines nested models with one output.`,
        );
      valuesByName.set(e.name, outs[0]);
      continue;
    }
    const out = await convert(b, e, ins, layer);
    const inputMask = ins.find((v) => v.mask)?.mask;
    let mask = MASK_OWNERS.has(e.className) ? out.mask : undefined;
    if (!MASK_OWNERS.has(e.className) && inputMask && layer.supportsMasking) {
      if (ins.length > 1)
        throw new ConfigError(
          `Layer "${e.name}" (${e.className}) merges masked sequences; exportOnnx carries masks through single-input layers only: merge after the recurrent layer (returnSequences false) or drop the mask.`,
        );
      mask = inputMask;
    }
    valuesByName.set(e.name, { ...out, mask });
  }
  return outputs.map((name) => valuesByName.get(name) as Value);
}

/**
 * The model as the bytes of an ONNX file (opset 13). Inputs and outputs keep the model's shapes
 * (NHWC images), with a symbolic batch dimension.
 * @throws ConfigError naming the first layer (or activation) that has no ONNX export, and the
 *   supported ones.
 */
export async function exportOnnx(model: Model): Promise<Uint8Array> {
  checkSupported(model);
  if (model.inputs.length === 0)
    throw new ConfigError(
      `Model "${model.name}" has no inputs yet (a sequential model that starts with a model learns its input shape on first use): call model.build([null, ...inputShape]) or predict once, then export.`,
    );
  const b = new Builder();
  const { inputs, outputs } = entriesOf(model);
  const graphInputs: OnnxValue[] = model.inputs.map((t, i) => ({
    name: inputs[i],
    dataType: DataType.FLOAT,
    shape: t.shape as (number | null)[],
  }));
  const given = graphInputs.map(
    (v): Value => ({ name: v.name, layout: v.shape.length === 4 ? 'nhwc' : 'plain', rank: v.shape.length }),
  );
  const results = await convertModel(b, model, given);
  const graphOutputs: OnnxValue[] = [];
  for (const [i, name] of outputs.entries()) {
    const v = b.toNhwc(results[i]);
    const outName = model.outputNames[i] ?? name;
    b.nodes.push({ opType: 'Identity', inputs: [v.name], outputs: [outName], name: `${outName}__out` });
    graphOutputs.push({
      name: outName,
      dataType: DataType.FLOAT,
      shape: model.outputs[i].shape as (number | null)[],
    });
  }
  const used = new Set(b.nodes.flatMap((n) => n.inputs)); // constants a converter made but no node reads stay out
  return encodeModel(
    {
      name: model.name,
      nodes: b.nodes,
      initializers: b.initializers.filter((t) => used.has(t.name)),
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
    case 'Conv2DTranspose': {
      if (c.dataFormat === 'channelsFirst')
        throw new ConfigError(`Layer "${name}" is channelsFirst; exportOnnx takes channelsLast layers.`);
      const u = b.toNchw(x);
      const [kh, kw, cout, cin] = w.kernel.shape; // [kh, kw, filters, channels] -> [channels, filters, kh, kw]
      const kernel = b.floats(`${name}_kernel`, [cin, cout, kh, kw], await values(w.kernel, [3, 2, 0, 1]));
      const bias = w.bias ? [b.floats(`${name}_bias`, w.bias.shape, await values(w.bias))] : [];
      const [sh, sw] = pair(c.strides, 1);
      // TensorFlow's output: n s ('same') or n s + max(k - s, 0) ('valid'); ONNX's: s (n - 1) + k - pads +
      // output_padding. 'same' crops max(k - s, 0), the smaller half first; k < s leaves s - k zeros at the end.
      const crop = (k: number, st: number) => (c.padding === 'same' ? Math.max(k - st, 0) : 0);
      const [ch, cw] = [crop(kh, sh), crop(kw, sw)];
      const y = b.node('ConvTranspose', [u.name, kernel, ...bias], name, {
        kernel_shape: { ints: [kh, kw] },
        strides: { ints: [sh, sw] },
        pads: {
          ints: [Math.floor(ch / 2), Math.floor(cw / 2), ch - Math.floor(ch / 2), cw - Math.floor(cw / 2)],
        },
        output_padding: { ints: [Math.max(sh - kh, 0), Math.max(sw - kw, 0)] },
      });
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
      if ((c.threshold ?? 0) !== 0 || (c.negativeSlope ?? 0) !== 0)
        throw new ConfigError(
          `ReLU "${name}" has a threshold or negativeSlope; exportOnnx supports ReLU with an optional maxValue.`,
        );
      if (c.maxValue == null) return { ...x, name: b.node('Relu', [x.name], name) };
      const lo = b.floats('zero', [], Float32Array.of(0));
      const hi = b.floats(`${name}_max`, [], Float32Array.of(Number(c.maxValue)));
      return { ...x, name: b.node('Clip', [x.name, lo, hi], name) };
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
    case 'Add':
    case 'Subtract':
    case 'Multiply':
    case 'Average':
    case 'Maximum':
    case 'Minimum': {
      const layout = ins[0].layout;
      const aligned = ins.map((v) => (layout === 'nchw' ? b.toNchw(v) : b.toNhwc(v))).map((v) => v.name);
      // Sum, Mean, Max, Min take any number of inputs; Sub and Mul two
      const variadic: Record<string, string> = {
        Add: 'Sum',
        Average: 'Mean',
        Maximum: 'Max',
        Minimum: 'Min',
      };
      let y: string;
      if (variadic[e.className]) y = b.node(variadic[e.className], aligned, name);
      else if (e.className === 'Subtract') y = b.node('Sub', aligned, name);
      else y = aligned.slice(1).reduce((acc, v) => b.node('Mul', [acc, v], name), aligned[0]);
      return { ...ins[0], layout, name: y };
    }
    case 'ZeroPadding2D': {
      const [[top, bottom], [left, right]] = c.padding as [[number, number], [number, number]];
      if (c.dataFormat === 'channelsFirst')
        throw new ConfigError(
          `ZeroPadding2D "${name}" is channelsFirst; exportOnnx takes channelsLast layers.`,
        );
      const pads =
        x.layout === 'nchw' ? [0, 0, top, left, 0, 0, bottom, right] : [0, top, left, 0, 0, bottom, right, 0];
      return { ...x, name: b.node('Pad', [x.name, b.int64s(`${name}_pads`, pads)], name) };
    }
    case 'Conv1D':
      return convertConv1D(b, layer, c, b.toNhwc(x), name);
    case 'MaxPooling1D':
    case 'AveragePooling1D':
      return convertPooling1D(b, e.className, c, x, name);
    case 'GlobalMaxPooling1D':
    case 'GlobalAveragePooling1D':
      return convertGlobalPooling1D(b, e.className, x, name);
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
      // maskZero: id 0 is padding, [batch, steps] of 1 (real) and 0
      const mask = c.maskZero
        ? b.node(
            'Cast',
            [
              b.node(
                'Not',
                [b.node('Equal', [indices, b.int64Scalar('zero', 0)], `${name}_is_pad`)],
                `${name}_real`,
              ),
            ],
            `${name}_mask`,
            { to: { i: DataType.FLOAT } },
          )
        : undefined;
      return {
        name: b.node('Gather', [table, indices], name, { axis: { i: 0 } }),
        layout: 'plain',
        rank: x.rank + 1,
        mask,
      };
    }
    case 'Masking': {
      // a step is real when some feature differs from maskValue; padded steps are zeroed
      if (x.rank !== 3)
        throw new ConfigError(
          `Masking "${name}" takes [batch, steps, features]; exportOnnx supports rank 3 only.`,
        );
      const u = x;
      const differs = b.node(
        'Cast',
        [
          b.node(
            'Not',
            [
              b.node(
                'Equal',
                [u.name, b.floats('mask_value', [], Float32Array.of(Number(c.maskValue ?? 0)))],
                `${name}_eq`,
              ),
            ],
            `${name}_ne`,
          ),
        ],
        `${name}_differs`,
        { to: { i: DataType.FLOAT } },
      );
      const keep = b.node('ReduceMax', [differs], `${name}_keep`, {
        axes: { ints: [-1] },
        keepdims: { i: 1 },
      }); // [batch, steps, 1]
      const mask = b.node('Squeeze', [keep, b.int64s('axis', [-1])], `${name}_mask`); // [batch, steps]
      return { ...u, name: b.node('Mul', [u.name, keep], name), mask };
    }
    case 'SimpleRNN':
    case 'LSTM':
    case 'GRU':
      if (ins.length > 1)
        throw new ConfigError(
          `Layer "${name}" takes initial states as inputs; exportOnnx exports recurrent layers that start from zeros.`,
        );
      return convertRecurrent(b, layer as RecurrentLayer, b.toNhwc(x), name);
    case 'Bidirectional':
      if (ins.length > 1)
        throw new ConfigError(
          `Layer "${name}" takes initial states as inputs; exportOnnx exports recurrent layers that start from zeros.`,
        );
      return convertBidirectional(b, layer as Bidirectional, b.toNhwc(x), name);
    case 'TTDense':
      return convertTTDense(b, layer as TTDense, x, name);
    default:
      throw new ConfigError(
        `Layer "${name}" (${e.className}) has no ONNX export; supported: ${ONNX_LAYERS.join(', ')}.`,
      );
  }
}
