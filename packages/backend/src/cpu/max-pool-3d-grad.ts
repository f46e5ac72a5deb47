import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import {
  type KernelConfig,
  type KernelFunc,
  MaxPool3DGrad,
  type MaxPool3DGradAttrs,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { maxPool3DGradValues } from '../kernels3d/max-pool-3d-grad-values.js';
import { pool3DInfo } from '../kernels3d/pool-3d-info.js';

/**
 * `MaxPool3DGrad` (the gradient of `maxPool3d`) for the CPU backend. Stock tfjs-backend-cpu 4.22
 * numbers the positions of a window with the window's height where its width belongs, so a pool
 * whose height and width differ (`poolSize: [2, 3, 2]`) sends the gradient to wrong positions (the
 * gradient of a window no longer even sums to its `dy`). This one sends each window's `dy` to the
 * last position holding its maximum, as stock does where height and width are equal
 * (see `maxPool3DGradValues`).
 */
export const cpuMaxPool3DGrad: KernelFunc = ({ inputs, attrs, backend }) => {
  const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
  const info = pool3DInfo(input.shape, attrs as unknown as MaxPool3DGradAttrs);
  const cpu = backend as MathBackendCPU;
  const dx = new Float32Array(util.sizeFromShape(input.shape)); // [batch, depth, height, width, channels]
  maxPool3DGradValues(
    cpu.data.get(input.dataId).values as ArrayLike<number>,
    cpu.data.get(dy.dataId).values as ArrayLike<number>,
    dx,
    info,
  );
  return cpu.makeTensorInfo(input.shape, 'float32', dx);
};

/** The CPU `MaxPool3DGrad` kernel config (see {@link cpuMaxPool3DGrad}). */
export const cpuMaxPool3DGradConfig: KernelConfig = {
  kernelName: MaxPool3DGrad,
  backendName: 'cpu',
  kernelFunc: cpuMaxPool3DGrad,
};
