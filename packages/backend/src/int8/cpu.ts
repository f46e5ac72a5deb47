/** The integer inference kernels on the CPU backend: the JavaScript reference (reference.ts). */
import type { KernelConfig, KernelFunc, TensorInfo, TypedArray } from '@tensorflow/tfjs-core';
import { INT8_CONV2D, INT8_MAT_MUL, type Int8Conv2DAttrs, type Int8MatMulAttrs } from './int8-kernels.js';
import { int8Conv2DReference, int8ConvGeometry, int8MatMulReference } from './reference.js';

interface CpuBackendLike {
  readSync(dataId: object): unknown;
  makeTensorInfo(shape: number[], dtype: 'float32', values: TypedArray): TensorInfo;
}

type Int8Inputs = { x: TensorInfo; w: TensorInfo; scales: TensorInfo; bias: TensorInfo };

function read(backend: CpuBackendLike, t: TensorInfo): TypedArray {
  return backend.readSync(t.dataId) as TypedArray;
}

const matMul: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, w, scales, bias } = inputs as unknown as Int8Inputs;
  const cpu = backend as unknown as CpuBackendLike;
  const k = x.shape[x.shape.length - 1];
  const m = x.shape.length === 0 ? 0 : x.shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const n = scales.shape[0];
  const relu = (attrs as unknown as Int8MatMulAttrs).activation === 'relu';
  const out = int8MatMulReference(
    read(cpu, x),
    m,
    k,
    read(cpu, w),
    n,
    read(cpu, scales),
    read(cpu, bias),
    relu,
  );
  return cpu.makeTensorInfo([...x.shape.slice(0, -1), n], 'float32', out);
};

const conv2d: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, w, scales, bias } = inputs as unknown as Int8Inputs;
  const cpu = backend as unknown as CpuBackendLike;
  const convAttrs = attrs as unknown as Int8Conv2DAttrs;
  const g = int8ConvGeometry(x.shape, scales.shape[0], convAttrs);
  const relu = convAttrs.activation === 'relu';
  const out = int8Conv2DReference(read(cpu, x), g, read(cpu, w), read(cpu, scales), read(cpu, bias), relu);
  return cpu.makeTensorInfo([g.batch, g.outH, g.outW, g.outC], 'float32', out);
};

/** The int8 kernels of the CPU backend. */
export const INT8_CPU_KERNELS: readonly KernelConfig[] = [
  { kernelName: INT8_MAT_MUL, backendName: 'cpu', kernelFunc: matMul },
  { kernelName: INT8_CONV2D, backendName: 'cpu', kernelFunc: conv2d },
];
