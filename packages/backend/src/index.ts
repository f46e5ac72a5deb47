/**
 * @tensorfold/backend: picks the fastest compute backend that works here (WebGPU, WASM or CPU) and
 * completes the WASM backend with the kernels training needs, so every tensorfold model trains on
 * every backend.
 *
 * @example
 * import { describeBackend, initBackend } from '@tensorfold/backend';
 * const info = await initBackend();
 * console.log(describeBackend(info));
 *
 * @packageDocumentation
 */
export { availableBackends, type BackendSupport, probeBackends } from './available-backends.js';
export { type BackendInfo, describeBackend, type SkippedBackend } from './backend-info.js';
export { BACKEND_NAMES, type BackendName, isBackendName, parseBackendName } from './backend-name.js';
export { REPLACED_CPU_KERNELS, registerCpuKernels, unregisterCpuKernels } from './cpu/register-kernels.js';
export {
  BACKEND_ENV,
  backendInfo,
  type InitBackendOptions,
  initBackend,
  useBackend,
} from './init-backend.js';
export {
  CONV_LEVEL_TOP,
  DENSE_LEVEL_TOP,
  INT8_CONV2D,
  INT8_CONV2D_MAX_POOL,
  INT8_DENSE_CHAIN,
  INT8_MAT_MUL,
  type Int8Activation,
  type Int8Conv2DAttrs,
  type Int8DenseChainAttrs,
  type Int8MatMulAttrs,
  packInt8Levels,
} from './int8/int8-kernels.js';
export type { WasmPaths } from './start/start-wasm.js';
export {
  ADDED_WASM_KERNELS,
  REPLACED_WASM_KERNELS,
  registerWasmKernels,
  unregisterWasmKernels,
  WRAPPED_WASM_KERNELS,
} from './wasm/register-kernels.js';
export { setWasmThreads, WASM_THREADS_ENV, wasmThreads } from './wasm/threads/wasm-threads.js';
export {
  REPLACED_WEBGPU_KERNELS,
  registerWebgpuKernels,
  unregisterWebgpuKernels,
} from './webgpu/register-kernels.js';
