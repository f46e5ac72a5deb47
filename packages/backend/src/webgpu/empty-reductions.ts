import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { type DataType, sumOutType, type TensorInfo, util } from '@tensorflow/tfjs-core';

/**
 * What each reduction gives over an empty axis on the CPU backend (the reference every backend
 * matches): a sum (and `mean`, which tfjs-core's CPU kernel computes as a scaled sum) of nothing is 0,
 * a product 1; `max` and `min` of nothing are NaN (0 in an int32 result); `all`, `any`, `argMax` and
 * `argMin` give 0 (false, index 0).
 */
export const EMPTY_REDUCTION_VALUES: Readonly<Record<string, number>> = {
  Sum: 0,
  Mean: 0,
  Prod: 1,
  Max: Number.NaN,
  Min: Number.NaN,
  All: 0,
  Any: 0,
  ArgMax: 0,
  ArgMin: 0,
};

/** The output dtype of reduction `kernelName` of an `inputDtype` tensor. */
function reductionDtype(kernelName: string, inputDtype: DataType): DataType {
  switch (kernelName) {
    case 'Sum':
    case 'Prod':
      return sumOutType(inputDtype);
    case 'Mean':
      return 'float32';
    case 'All':
    case 'Any':
      return 'bool';
    case 'ArgMax':
    case 'ArgMin':
      return 'int32';
    default:
      return inputDtype;
  }
}

/**
 * The result of reduction `kernelName` of an empty tensor of dtype `inputDtype`, as an `outShape`
 * tensor filled with {@link EMPTY_REDUCTION_VALUES} (empty itself when `outShape` holds a 0), made
 * without running a WebGPU program. Stock tfjs-backend-webgpu 4.22 divides 0 elements by an empty
 * axis of 0 to size its output (NaN), and `createBuffer` throws.
 */
export function emptyReduction(
  backend: unknown,
  kernelName: string,
  inputDtype: DataType,
  outShape: number[],
): TensorInfo {
  const value = EMPTY_REDUCTION_VALUES[kernelName];
  if (value === undefined) throw new Error(`emptyReduction: ${kernelName} is not a reduction.`);
  const dtype = reductionDtype(kernelName, inputDtype);
  const size = util.sizeFromShape(outShape);
  const values = dtype === 'float32' ? new Float32Array(size) : new Int32Array(size);
  values.fill(dtype === 'float32' || !Number.isNaN(value) ? value : 0);
  return (backend as WebGPUBackend).makeTensorInfo(outShape, dtype, values);
}
