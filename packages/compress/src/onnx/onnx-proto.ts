/**
 * The ONNX messages this exporter writes, with the field numbers of onnx.proto (ModelProto,
 * GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto, TypeProto).
 */
import { ProtoWriter } from './protobuf.js';

/** TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, INT32: 6, INT64: 7 } as const;

/** An attribute value: a number is an INT when `int` is set in the spec (see {@link node}). */
export type AttributeValue =
  | { i: number }
  | { f: number }
  | { s: string }
  | { ints: number[] }
  | { floats: number[] }
  | { strings: string[] };

/** One graph node. */
export interface OnnxNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  name: string;
  attributes?: Record<string, AttributeValue>;
}

/** One initializer (a constant tensor). */
export interface OnnxTensor {
  name: string;
  dims: number[];
  dataType: number;
  /** Little-endian raw bytes. */
  raw: Uint8Array;
}

/** A graph input or output: name, element type and shape (`null` for a symbolic dimension). */
export interface OnnxValue {
  name: string;
  dataType: number;
  shape: (number | null)[];
}

function attribute(name: string, value: AttributeValue): ProtoWriter {
  const a = new ProtoWriter().string(1, name);
  // AttributeProto: name 1, f 2, i 3, s 4, floats 7, ints 8, strings 9, type 20
  // (FLOAT 1, INT 2, STRING 3, FLOATS 6, INTS 7, STRINGS 8)
  if ('i' in value) a.int(3, value.i).int(20, 2);
  else if ('f' in value) a.float(2, value.f).int(20, 1);
  else if ('s' in value) a.string(4, value.s).int(20, 3);
  else if ('ints' in value) a.packedInts(8, value.ints).int(20, 7);
  else if ('strings' in value) {
    for (const s of value.strings) a.string(9, s);
    a.int(20, 8);
  } else {
    for (const f of value.floats) a.float(7, f);
    a.int(20, 6);
  }
  return a;
}

function nodeProto(n: OnnxNode): ProtoWriter {
  // NodeProto: input 1, output 2, name 3, op_type 4, attribute 5
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name).string(4, n.opType);
  for (const [k, v] of Object.entries(n.attributes ?? {})) w.message(5, attribute(k, v));
  return w;
}

function tensorProto(t: OnnxTensor): ProtoWriter {
  // TensorProto: dims 1, data_type 2, name 8, raw_data 9
  return new ProtoWriter().packedInts(1, t.dims).int(2, t.dataType).string(8, t.name).bytes(9, t.raw);
}

function valueInfo(v: OnnxValue): ProtoWriter {
  // TensorShapeProto.Dimension: dim_value 1, dim_param 2
  const shape = new ProtoWriter();
  v.shape.forEach((d, i) => {
    const dim =
      d == null ? new ProtoWriter().string(2, i === 0 ? 'batch' : `d${i}`) : new ProtoWriter().int(1, d);
    shape.message(1, dim);
  });
  // TypeProto.Tensor: elem_type 1, shape 2; TypeProto: tensor_type 1; ValueInfoProto: name 1, type 2
  const tensorType = new ProtoWriter().int(1, v.dataType).message(2, shape);
  return new ProtoWriter().string(1, v.name).message(2, new ProtoWriter().message(1, tensorType));
}

/** A whole model. */
export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValue[];
  outputs: OnnxValue[];
}

/** The ONNX file opset this exporter targets. */
export const OPSET = 13;

/** Serializes `graph` as an ONNX ModelProto (IR version 7, default-domain opset {@link OPSET}). */
export function encodeModel(graph: OnnxGraph, producerVersion: string): Uint8Array {
  // GraphProto: node 1, name 2, initializer 5, input 11, output 12
  const g = new ProtoWriter();
  for (const n of graph.nodes) g.message(1, nodeProto(n));
  g.string(2, graph.name);
  for (const t of graph.initializers) g.message(5, tensorProto(t));
  for (const v of graph.inputs) g.message(11, valueInfo(v));
  for (const v of graph.outputs) g.message(12, valueInfo(v));
  // ModelProto: ir_version 1, producer_name 2, producer_version 3, graph 7, opset_import 8
  // OperatorSetIdProto: domain 1, version 2
  return new ProtoWriter()
    .int(1, 7)
    .string(2, 'tensorfold')
    .string(3, producerVersion)
    .message(7, g)
    .message(8, new ProtoWriter().string(1, '').int(2, OPSET))
    .finish();
}
