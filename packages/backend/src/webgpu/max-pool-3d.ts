import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import {
  backend_util,
  type KernelConfig,
  type KernelFunc,
  MaxPool3D,
  type MaxPool3DAttrs,
  MaxPool3DGrad,
  type MaxPool3DGradAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

/** Threads per workgroup of the programs below. */
const WORKGROUP_SIZE = 64;

/** Uniforms both programs take: the pool's geometry. */
const GEOMETRY_UNIFORMS =
  'strides : vec3<i32>, pads : vec3<i32>, filterDims : vec3<i32>, inDims : vec3<i32>,';

/** The values of {@link GEOMETRY_UNIFORMS} for a pool's geometry. */
function geometryUniforms(info: backend_util.Conv3DInfo) {
  return [
    { type: 'int32', data: [info.strideDepth, info.strideHeight, info.strideWidth] },
    { type: 'int32', data: [info.padInfo.front, info.padInfo.top, info.padInfo.left] },
    { type: 'int32', data: [info.filterDepth, info.filterHeight, info.filterWidth] },
    { type: 'int32', data: [info.inDepth, info.inHeight, info.inWidth] },
  ];
}

/** One thread per element of `outputShape` (the backend splits a dispatch that exceeds its limit). */
abstract class ElementwiseProgram implements WebGPUProgram {
  readonly uniforms = GEOMETRY_UNIFORMS;
  readonly workgroupSize: [number, number, number] = [WORKGROUP_SIZE, 1, 1];
  readonly size = true;
  readonly dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  abstract readonly variableNames: string[];
  abstract readonly shaderKey: string;

  constructor(readonly outputShape: number[]) {
    this.dispatchLayout = { x: outputShape.map((_, axis) => axis) };
    this.dispatch = [Math.ceil(outputShape.reduce((a, b) => a * b, 1) / WORKGROUP_SIZE), 1, 1];
  }

  abstract getUserCode(): string;
}

/**
 * For each window of a 3D max pool (one thread per output element, NDHWC), the CPU backend's scan
 * (`>=`, NaN skipped): with `output` 'position', the flat index `(d * inHeight + h) * inWidth + w` of
 * the last input position holding the window's maximum, or -1 when the window holds only NaN (int32);
 * with 'value', the maximum, -Infinity when the window holds only NaN (float32).
 */
class MaxPool3DScanProgram extends ElementwiseProgram {
  readonly variableNames = ['x'];
  readonly shaderKey: string;

  constructor(
    outputShape: number[],
    private readonly output: 'position' | 'value',
  ) {
    super(outputShape);
    this.shaderKey = `tensorfoldMaxPool3D_${output}`;
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let coords = getCoordsFromIndex(index);
          let corner = vec3<i32>(coords.y, coords.z, coords.w) * uniforms.strides - uniforms.pads;
          var best = 0.0;
          var found = false;
          var position = -1;
          for (var wD = 0; wD < uniforms.filterDims.x; wD++) {
            let d = corner.x + wD;
            if (d < 0 || d >= uniforms.inDims.x) {
              continue;
            }
            for (var wR = 0; wR < uniforms.filterDims.y; wR++) {
              let h = corner.y + wR;
              if (h < 0 || h >= uniforms.inDims.y) {
                continue;
              }
              for (var wC = 0; wC < uniforms.filterDims.z; wC++) {
                let w = corner.z + wC;
                if (w < 0 || w >= uniforms.inDims.z) {
                  continue;
                }
                let value = getX(coords.x, d, h, w, coords.u);
                if (!isnan(value) && (!found || value >= best)) {
                  best = value;
                  found = true;
                  position = (d * uniforms.inDims.y + h) * uniforms.inDims.z + w;
                }
              }
            }
          }
          ${
            this.output === 'position'
              ? 'setOutputAtIndexI32(index, position);'
              : 'setOutputAtIndex(index, select(-uniforms.INFINITY, best, found));'
          }
        }
      }
    `;
  }
}

/**
 * The gradient of a 3D max pool: one thread per input element (NDHWC) adds the `dy` of every window
 * that covers it and whose maximum it holds (per {@link MaxPool3DScanProgram}).
 */
class MaxPool3DBackpropProgram extends ElementwiseProgram {
  readonly variableNames = ['dy', 'positions'];
  readonly shaderKey = 'tensorfoldMaxPool3DBackprop';

  getUserCode(): string {
    return `
      // The first and last output positions along one axis whose window covers input position i.
      fn windowsCovering(i : i32, stride : i32, pad : i32, window : i32, outSize : i32) -> vec2<i32> {
        let last = min((i + pad) / stride, outSize - 1);
        let reach = i + pad - window + 1;
        var first = 0;
        if (reach > 0) {
          first = (reach + stride - 1) / stride;
        }
        return vec2<i32>(first, last);
      }

      fn main(index : i32) {
        if (index < uniforms.size) {
          let coords = getCoordsFromIndex(index);
          let here = (coords.y * uniforms.inDims.y + coords.z) * uniforms.inDims.z + coords.w;
          let ds = windowsCovering(coords.y, uniforms.strides.x, uniforms.pads.x, uniforms.filterDims.x, uniforms.dyShape.y);
          let hs = windowsCovering(coords.z, uniforms.strides.y, uniforms.pads.y, uniforms.filterDims.y, uniforms.dyShape.z);
          let ws = windowsCovering(coords.w, uniforms.strides.z, uniforms.pads.z, uniforms.filterDims.z, uniforms.dyShape.w);
          var sum = 0.0;
          for (var od = ds.x; od <= ds.y; od++) {
            for (var oh = hs.x; oh <= hs.y; oh++) {
              for (var ow = ws.x; ow <= ws.y; ow++) {
                if (i32(getPositions(coords.x, od, oh, ow, coords.u)) == here) {
                  sum += getDy(coords.x, od, oh, ow, coords.u);
                }
              }
            }
          }
          setOutputAtIndex(index, sum);
        }
      }
    `;
  }
}

/**
 * `MaxPool3DGrad` (the gradient of `maxPool3d`) for the WebGPU backend. Stock tfjs-backend-webgpu
 * 4.22 numbers a window's positions with its height where its depth-times-width belongs, so pools
 * whose height and width differ (`poolSize: [2, 3, 2]`) misplace the gradient. Here the position of
 * each window's maximum is recorded as a flat input index (last maximum, as on the CPU backend),
 * then every input element sums the `dy` of the windows it won.
 */
export const webgpuMaxPool3DGrad: KernelFunc = ({ inputs, attrs, backend }) => {
  const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPool3DGradAttrs;
  const info = backend_util.computePool3DInfo(
    input.shape as [number, number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const gpu = backend as WebGPUBackend;
  const geometry = geometryUniforms(info);
  // [batch, outDepth, outHeight, outWidth, channels]
  const positions = gpu.runWebGPUProgram(
    new MaxPool3DScanProgram(info.outShape, 'position'),
    [input],
    'int32',
    geometry,
  );
  try {
    // [batch, depth, height, width, channels]
    return gpu.runWebGPUProgram(
      new MaxPool3DBackpropProgram(input.shape),
      [dy, positions],
      'float32',
      geometry,
    );
  } finally {
    gpu.disposeData(positions.dataId);
  }
};

/**
 * `maxPool3d` (NDHWC) for the WebGPU backend. Stock tfjs-backend-webgpu 4.22 starts each window's
 * maximum at -1e20, so a window whose values are all below it (-Infinity, say) returns -1e20. Here
 * the maximum starts at -Infinity and skips NaN, as on the CPU backend.
 */
export const webgpuMaxPool3D: KernelFunc = ({ inputs, attrs, backend }) => {
  const { x } = inputs as { x: TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPool3DAttrs;
  const info = backend_util.computePool3DInfo(
    x.shape as [number, number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  // [batch, outDepth, outHeight, outWidth, channels]
  return (backend as WebGPUBackend).runWebGPUProgram(
    new MaxPool3DScanProgram(info.outShape, 'value'),
    [x],
    'float32',
    geometryUniforms(info),
  );
};

/** The WebGPU `MaxPool3D` kernel config (see {@link webgpuMaxPool3D}). */
export const webgpuMaxPool3DConfig: KernelConfig = {
  kernelName: MaxPool3D,
  backendName: 'webgpu',
  kernelFunc: webgpuMaxPool3D,
};

/** The WebGPU `MaxPool3DGrad` kernel config (see {@link webgpuMaxPool3DGrad}). */
export const webgpuMaxPool3DGradConfig: KernelConfig = {
  kernelName: MaxPool3DGrad,
  backendName: 'webgpu',
  kernelFunc: webgpuMaxPool3DGrad,
};
