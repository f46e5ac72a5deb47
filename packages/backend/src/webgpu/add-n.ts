import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { AddN, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';

/** WebGPU's guaranteed number of storage buffers per shader stage (the spec's default limit). */
const DEFAULT_STORAGE_BUFFERS = 8;

/**
 * `AddN` (`tf.addN`, which sums gradients and regularization losses) for any number of inputs.
 * Stock tfjs-backend-webgpu 4.22 binds every input and the output as storage buffers of one shader;
 * with more than the device's `maxStorageBuffersPerShaderStage - 1` inputs the pipeline is invalid
 * and the sum reads as zeros. Here the inputs are summed in chunks that fit: the first chunk, then
 * the running sum with each next chunk.
 */
export function chunkedAddN(stock: KernelConfig): KernelFunc {
  return (args) => {
    const inputs = args.inputs as unknown as TensorInfo[];
    const backend = args.backend as WebGPUBackend;
    const limit = backend.device?.limits?.maxStorageBuffersPerShaderStage ?? DEFAULT_STORAGE_BUFFERS;
    const perCall = Math.max(2, limit - 1);
    if (inputs.length <= perCall) return stock.kernelFunc(args);
    let sum = stock.kernelFunc({ ...args, inputs: inputs.slice(0, perCall) as never }) as TensorInfo;
    for (let start = perCall; start < inputs.length; start += perCall - 1) {
      const chunk = [sum, ...inputs.slice(start, start + perCall - 1)];
      const next = stock.kernelFunc({ ...args, inputs: chunk as never }) as TensorInfo;
      backend.disposeData(sum.dataId);
      sum = next;
    }
    return sum;
  };
}

/** Wraps the stock WebGPU `AddN` config with {@link chunkedAddN}. */
export function chunkedAddNConfig(stock: KernelConfig): KernelConfig {
  if (stock.kernelName !== AddN) throw new Error(`chunkedAddNConfig wraps AddN, not ${stock.kernelName}.`);
  return { ...stock, kernelFunc: chunkedAddN(stock) };
}
