/**
 * The integer inference kernels on WebGPU (see ../int8/int8-kernels.ts): one thread per output
 * element quantizes its inputs on the fly (the row's or image's `max |x|` comes from the stock `Abs`
 * and `Max` kernels), unpacks the int8 levels two from each int32 (shifts), and sums the products in
 * i32.
 */
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { getKernel, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { BackendError } from '@tensorfold/core';
import {
  CONV_LEVEL_TOP,
  DENSE_LEVEL_TOP,
  INT8_CONV2D,
  INT8_MAT_MUL,
  type Int8Conv2DAttrs,
  type Int8MatMulAttrs,
} from '../int8/int8-kernels.js';
import { int8ConvGeometry } from '../int8/reference.js';

const WORKGROUP_SIZE = 64;

type Int8Inputs = { x: TensorInfo; w: TensorInfo; scales: TensorInfo; bias: TensorInfo };

/**
 * WGSL shared by both programs: a level from the packed weights, the quantizer (levels in
 * [-top, top]: {@link DENSE_LEVEL_TOP} for the product, {@link CONV_LEVEL_TOP} for the convolution),
 * the epilogue.
 */
const helpers = (top: number) => `
  // Level of row t, column j of the packed weights (blocks of 8 columns, two rows an i32).
  fn level(t : i32, j : i32) -> i32 {
    let pair = w[(((j >> 3u) * uniforms.pairs + (t >> 1u)) << 3u) + (j & 7)];
    return select((pair << 16u) >> 16u, pair >> 16u, (t & 1) == 1);
  }
  fn inverse(m : f32) -> f32 {
    return select(0.0, ${top.toFixed(1)} / m, m > 0.0);
  }
  fn finish(acc : i32, m : f32, j : i32) -> f32 {
    let y = f32(acc) * ((m / ${top.toFixed(1)}) * scales[j]) + bias[j];
    return select(y, max(y, 0.0), uniforms.relu == 1);
  }
`;

/** One thread per output element of `outputShape`. */
abstract class Int8Program implements WebGPUProgram {
  readonly variableNames = ['x', 'w', 'scales', 'bias', 'maxima'];
  readonly workgroupSize: [number, number, number] = [WORKGROUP_SIZE, 1, 1];
  readonly size = true;
  readonly dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  abstract readonly uniforms: string;
  abstract readonly shaderKey: string;

  constructor(readonly outputShape: number[]) {
    this.dispatchLayout = { x: outputShape.map((_, axis) => axis) };
    this.dispatch = [Math.ceil(outputShape.reduce((a, b) => a * b, 1) / WORKGROUP_SIZE), 1, 1];
  }

  abstract getUserCode(): string;
}

/** `y [m, n]` of x `[m, k]`: thread (i, j) sums row i's levels times column j's. */
class Int8MatMulProgram extends Int8Program {
  readonly uniforms = 'k : i32, n : i32, pairs : i32, relu : i32,';
  readonly shaderKey = 'tensorfoldInt8MatMul';

  getUserCode(): string {
    return `
      ${helpers(DENSE_LEVEL_TOP)}
      fn main(index : i32) {
        if (index < uniforms.size) {
          let i = index / uniforms.n;
          let j = index - i * uniforms.n;
          let m = maxima[i];
          let inv = inverse(m);
          var acc = 0;
          for (var t = 0; t < uniforms.k; t++) {
            acc += i32(round(x[i * uniforms.k + t] * inv)) * level(t, j);
          }
          setOutputAtIndex(index, finish(acc, m, j));
        }
      }
    `;
  }
}

/** `y [batch, outH, outW, n]`: thread (b, oy, ox, j) sums its window's levels times filter j's. */
class Int8Conv2DProgram extends Int8Program {
  readonly uniforms =
    'inDims : vec3<i32>, outDims : vec3<i32>, filterDims : vec2<i32>, strides : vec2<i32>, pads : vec2<i32>, pairs : i32, relu : i32,';
  readonly shaderKey = 'tensorfoldInt8Conv2D';

  getUserCode(): string {
    return `
      ${helpers(CONV_LEVEL_TOP)}
      fn main(index : i32) {
        if (index < uniforms.size) {
          let n = uniforms.outDims.z;
          let j = index % n;
          let position = index / n;
          let ox = position % uniforms.outDims.y;
          let oy = (position / uniforms.outDims.y) % uniforms.outDims.x;
          let b = position / (uniforms.outDims.y * uniforms.outDims.x);
          let m = maxima[b];
          let inv = inverse(m);
          let cin = uniforms.inDims.z;
          var acc = 0;
          for (var dy = 0; dy < uniforms.filterDims.x; dy++) {
            let iy = oy * uniforms.strides.x - uniforms.pads.x + dy;
            if (iy < 0 || iy >= uniforms.inDims.x) {
              continue;
            }
            for (var dx = 0; dx < uniforms.filterDims.y; dx++) {
              let ix = ox * uniforms.strides.y - uniforms.pads.y + dx;
              if (ix < 0 || ix >= uniforms.inDims.y) {
                continue;
              }
              let base = ((b * uniforms.inDims.x + iy) * uniforms.inDims.y + ix) * cin;
              let t0 = (dy * uniforms.filterDims.y + dx) * cin;
              for (var c = 0; c < cin; c++) {
                acc += i32(round(x[base + c] * inv)) * level(t0 + c, j);
              }
            }
          }
          setOutputAtIndex(index, finish(acc, m, j));
        }
      }
    `;
  }
}

/** `max |x|` over `axes` (the stock kernels); the caller disposes it. */
function absMax(gpu: WebGPUBackend, x: TensorInfo, axes: number[]): TensorInfo {
  const abs = getKernel('Abs', 'webgpu')!.kernelFunc({
    inputs: { x },
    backend: gpu,
    attrs: {},
  }) as TensorInfo;
  try {
    return getKernel('Max', 'webgpu')!.kernelFunc({
      inputs: { x: abs },
      backend: gpu,
      attrs: { reductionIndices: axes, keepDims: false },
    }) as TensorInfo;
  } finally {
    gpu.disposeData(abs.dataId);
  }
}

function checkPacked(w: TensorInfo, k: number, n: number, kernel: string): void {
  const expected = [Math.ceil(n / 8), Math.ceil(k / 2), 8];
  if (w.dtype !== 'int32' || w.shape.join() !== expected.join())
    throw new BackendError(
      `${kernel}: the weights must be int32 [${expected}] (two int8 levels each, blocks of 8 columns) for ${k} inputs and ${n} outputs, got ${w.dtype} [${w.shape}].`,
    );
}

const matMul: KernelFunc = ({ inputs, backend, attrs }) => {
  const gpu = backend as WebGPUBackend;
  const { x, w, scales, bias } = inputs as unknown as Int8Inputs;
  const k = x.shape[x.shape.length - 1];
  const n = scales.shape[0];
  checkPacked(w, k, n, INT8_MAT_MUL);
  const outShape = [...x.shape.slice(0, -1), n];
  const maxima = absMax(gpu, x, [x.shape.length - 1]); // [...]
  try {
    const relu = (attrs as unknown as Int8MatMulAttrs).activation === 'relu' ? 1 : 0;
    return gpu.runWebGPUProgram(new Int8MatMulProgram(outShape), [x, w, scales, bias, maxima], 'float32', [
      { type: 'int32', data: [k] },
      { type: 'int32', data: [n] },
      { type: 'int32', data: [w.shape[1]] },
      { type: 'int32', data: [relu] },
    ]);
  } finally {
    gpu.disposeData(maxima.dataId);
  }
};

const conv2d: KernelFunc = ({ inputs, backend, attrs }) => {
  const gpu = backend as WebGPUBackend;
  const { x, w, scales, bias } = inputs as unknown as Int8Inputs;
  const convAttrs = attrs as unknown as Int8Conv2DAttrs;
  const g = int8ConvGeometry(x.shape, scales.shape[0], convAttrs);
  checkPacked(w, g.fH * g.fW * g.inC, g.outC, INT8_CONV2D);
  const maxima = absMax(gpu, x, [1, 2, 3]); // [batch]
  try {
    return gpu.runWebGPUProgram(
      new Int8Conv2DProgram([g.batch, g.outH, g.outW, g.outC]),
      [x, w, scales, bias, maxima],
      'float32',
      [
        { type: 'int32', data: [g.inH, g.inW, g.inC] },
        { type: 'int32', data: [g.outH, g.outW, g.outC] },
        { type: 'int32', data: [g.fH, g.fW] },
        { type: 'int32', data: [g.sH, g.sW] },
        { type: 'int32', data: [g.padTop, g.padLeft] },
        { type: 'int32', data: [w.shape[1]] },
        { type: 'int32', data: [convAttrs.activation === 'relu' ? 1 : 0] },
      ],
    );
  } finally {
    gpu.disposeData(maxima.dataId);
  }
};

/** The int8 kernels of the WebGPU backend. */
export const INT8_WEBGPU_KERNELS: readonly KernelConfig[] = [
  { kernelName: INT8_MAT_MUL, backendName: 'webgpu', kernelFunc: matMul },
  { kernelName: INT8_CONV2D, backendName: 'webgpu', kernelFunc: conv2d },
];
