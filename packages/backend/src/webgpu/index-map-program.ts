import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

/** Threads per workgroup of {@link IndexMapProgram}. */
const WORKGROUP_SIZE = 64;

/**
 * A copy in which every output element reads one input element, for any number of axes: the
 * program behind tensorfold's `transpose`, `slice`, `stridedSlice`, `tile` and `unstack` above the
 * ranks of tfjs-backend-webgpu's shaders (6; `tile`: 4).
 *
 * The input `X` and the output are flat. The second input `Map` (int32) describes the copy for an
 * output of `n` axes: `[offset, outStride_0..n-1, modulus_0..n-1, step_0..n-1]`. The output element
 * at coordinates `c` reads `X[offset + sum_k (c_k mod modulus_k) * step_k]`: a transpose steps by
 * the input stride of the axis it takes, a slice starts at an offset (a strided slice steps by a
 * multiple of the stride, negative to go backwards), a tile wraps with the modulus.
 *
 * Values are copied as stored (f32 or i32), so int32 values above 2^24 stay exact.
 */
export class IndexMapProgram implements WebGPUProgram {
  readonly variableNames = ['X', 'Map'];
  readonly uniforms = 'axisCount : i32,';
  readonly workgroupSize: [number, number, number] = [WORKGROUP_SIZE, 1, 1];
  readonly size = true;
  readonly shaderKey = 'tensorfoldIndexMap';
  readonly outputShape: number[];
  readonly dispatchLayout = { x: [0] };
  dispatch: [number, number, number];

  /** @param outputSize elements of the (flat) output. */
  constructor(outputSize: number) {
    this.outputShape = [outputSize];
    // The backend splits a dispatch that exceeds the per-dimension limit.
    this.dispatch = [Math.ceil(outputSize / WORKGROUP_SIZE), 1, 1];
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let n = uniforms.axisCount;
          var rest = index;
          var source = Map[0];
          for (var k = 0; k < n; k = k + 1) {
            let stride = Map[1 + k];
            let coord = rest / stride;
            rest = rest - coord * stride;
            source = source + (coord % Map[1 + n + k]) * Map[1 + 2 * n + k];
          }
          result[index] = X[source];
        }
      }
    `;
  }
}

/** One output axis of an index map: its length, its modulus and its step in the input. */
export interface MappedAxis {
  /** Output length of the axis. */
  size: number;
  /** The axis coordinate is taken modulo this (tile: the input length; else `size`). */
  modulus: number;
  /** Input elements between consecutive coordinates (negative to read backwards). */
  step: number;
}

/** The `Map` input of {@link IndexMapProgram} for output `axes` and input start `offset`. */
export function indexMapData(axes: readonly MappedAxis[], offset: number): Int32Array {
  const n = axes.length;
  const data = new Int32Array(1 + 3 * n);
  data[0] = offset;
  let stride = 1;
  for (let k = n - 1; k >= 0; k--) {
    data[1 + k] = stride;
    stride *= axes[k].size;
  }
  axes.forEach((axis, k) => {
    data[1 + n + k] = axis.modulus;
    data[1 + 2 * n + k] = axis.step;
  });
  return data;
}
