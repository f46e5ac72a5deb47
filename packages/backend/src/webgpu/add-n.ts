import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import {
  AddN,
  getKernel,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';

/** WebGPU's guaranteed number of storage buffers per shader stage (the spec's default limit). */
const DEFAULT_STORAGE_BUFFERS = 8;

/**
 * `AddN` (`tf.addN`, which sums gradients and regularization losses) for any number of inputs.
 * Stock tfjs-backend-webgpu 4.22 binds every input and the output as storage buffers of one shader;
 * with more than the device's `maxStorageBuffersPerShaderStage - 1` inputs the pipeline is invalid
 * and the sum reads as zeros. Here the inputs are summed in chunks that fit: the first chunk, then
 * the running sum with each next chunk. Tensors above rank 6 are summed flattened.
 */
export function chunkedAddN(stock: KernelConfig): KernelFunc {
  const kernel: KernelFunc = (args) => {
    const inputs = args.inputs as unknown as TensorInfo[];
    const backend = args.backend as WebGPUBackend;
    const limit = backend.device?.limits?.maxStorageBuffersPerShaderStage ?? DEFAULT_STORAGE_BUFFERS;
    const perCall = Math.max(2, limit - 1);
    if (inputs.length <= perCall && inputs[0].shape.length <= 6) return stock.kernelFunc(args);
    if (inputs[0].shape.length > 6) return flattenedSum(kernel, args, inputs);
    let sum = stock.kernelFunc({ ...args, inputs: inputs.slice(0, perCall) as never }) as TensorInfo;
    for (let start = perCall; start < inputs.length; start += perCall - 1) {
      const chunk = [sum, ...inputs.slice(start, start + perCall - 1)];
      const next = stock.kernelFunc({ ...args, inputs: chunk as never }) as TensorInfo;
      backend.disposeData(sum.dataId);
      sum = next;
    }
    return sum;
  };
  return kernel;
}

/** `addN` of tensors above rank 6 (which WebGPU's shaders cannot index): summed flattened. */
function flattenedSum(kernel: KernelFunc, args: Parameters<KernelFunc>[0], inputs: TensorInfo[]): TensorInfo {
  const reshape = getKernel('Reshape', 'webgpu')!.kernelFunc;
  const backend = args.backend as WebGPUBackend;
  const shape = inputs[0].shape;
  const flat = inputs.map(
    (x) => reshape({ inputs: { x }, backend, attrs: { shape: [util.sizeFromShape(shape)] } }) as TensorInfo,
  );
  const sum = kernel({ ...args, inputs: flat as never }) as TensorInfo;
  const out = reshape({ inputs: { x: sum }, backend, attrs: { shape } }) as TensorInfo;
  for (const t of [...flat, sum]) backend.disposeData(t.dataId);
  return out;
}

/** Wraps the stock WebGPU `AddN` config with {@link chunkedAddN}. */
export function chunkedAddNConfig(stock: KernelConfig): KernelConfig {
  if (stock.kernelName !== AddN) throw new Error(`chunkedAddNConfig wraps AddN, not ${stock.kernelName}.`);
  return { ...stock, kernelFunc: chunkedAddN(stock) };
}
