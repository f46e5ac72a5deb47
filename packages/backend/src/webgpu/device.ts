import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from '@tensorfold/core';
import { acceptEmptyInputs } from './empty-inputs.js';

/**
 * Device limits requested at the adapter's own values. Stock tfjs-backend-webgpu 4.22 asks for six of
 * them and leaves the rest at WebGPU's defaults, among them 8 storage buffers per shader stage, which
 * makes `addN` of 8 or more tensors (one buffer per input plus the output) an invalid pipeline that
 * silently returns zeros, although most adapters (SwiftShader: 12) allow more.
 */
export const REQUESTED_LIMITS = [
  'maxComputeWorkgroupStorageSize',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupSizeZ',
  'maxComputeInvocationsPerWorkgroup',
  'maxStorageBuffersPerShaderStage',
  'maxUniformBuffersPerShaderStage',
  'maxUniformBufferBindingSize',
  'maxBindingsPerBindGroup',
  'maxBindGroups',
] as const;

interface AdapterLike {
  features: { has(name: string): boolean };
  limits: Record<string, number | undefined>;
  info?: unknown;
  requestDevice(descriptor: unknown): Promise<DeviceLike>;
}

interface DeviceLike {
  limits: Record<string, number>;
  addEventListener?(
    type: 'uncapturederror',
    listener: (event: { error?: { message?: string } }) => void,
  ): void;
}

/**
 * The `requiredLimits` to ask of `adapter`: each of {@link REQUESTED_LIMITS} that it reports, at its value.
 */
export function requiredLimits(adapterLimits: Record<string, number | undefined>): Record<string, number> {
  const limits: Record<string, number> = {};
  for (const name of REQUESTED_LIMITS) {
    const value = adapterLimits[name];
    if (typeof value === 'number') limits[name] = value;
  }
  return limits;
}

/** Errors the device reported since the last read, per backend instance. */
const pendingErrors = new WeakMap<object, string[]>();

/** The backend class of tfjs-backend-webgpu (passed in, so that package is loaded only on demand). */
export type WebGPUBackendClass = new (device: never, adapterInfo?: never) => WebGPUBackend;

/** The factories this module registered, to recognise them. */
const ownFactories = new WeakSet<object>();

/**
 * Replaces the `webgpu` backend factory that importing tfjs-backend-webgpu registers with one that
 * (1) asks the adapter for its real limits ({@link REQUESTED_LIMITS}) and (2) does not let a WebGPU
 * error pass silently: WebGPU reports an invalid pipeline or bind group only as an "uncaptured error"
 * event (Dawn prints it, the commands are dropped, outputs read as zeros); the backend made here
 * collects those events and the next read of a tensor (`data()`, `array()`) throws a `BackendError`
 * with their messages; (3) accepts empty inputs of programs whose output is not empty
 * ({@link acceptEmptyInputs}). Does nothing when this module's factory is in place, or when a `webgpu`
 * backend was already created (it is left running as it is).
 */
export function registerWebgpuBackendFactory(Backend: WebGPUBackendClass): void {
  const current = tf.findBackendFactory('webgpu');
  if (current != null && ownFactories.has(current)) return;
  if (tf.findBackend('webgpu') != null) return;
  if (current != null) tf.removeBackend('webgpu');
  const factory = () => createBackend(Backend);
  ownFactories.add(factory);
  tf.registerBackend('webgpu', factory, 3);
}

async function createBackend(Backend: WebGPUBackendClass): Promise<WebGPUBackend> {
  const gpu = (
    globalThis as { navigator?: { gpu?: { requestAdapter(o?: unknown): Promise<AdapterLike | null> } } }
  ).navigator?.gpu;
  const adapter = await gpu?.requestAdapter({
    powerPreference: tf.env().get('WEBGPU_USE_LOW_POWER_GPU') ? 'low-power' : 'high-performance',
  });
  if (adapter == null) throw new BackendError('navigator.gpu.requestAdapter() found no WebGPU adapter.');
  const requiredFeatures = ['timestamp-query', 'bgra8unorm-storage'].filter((f) => adapter.features.has(f));
  const device = await adapter.requestDevice({
    requiredFeatures,
    requiredLimits: requiredLimits(adapter.limits),
  });
  const backend = new Backend(device as never, adapter.info as never);
  watchErrors(backend, device);
  acceptEmptyInputs(backend);
  return backend;
}

/** Collects the device's uncaptured errors and makes `backend.read` throw them. */
function watchErrors(backend: WebGPUBackend, device: DeviceLike): void {
  const errors: string[] = [];
  pendingErrors.set(backend, errors);
  device.addEventListener?.('uncapturederror', (event) => {
    errors.push(event.error?.message ?? String(event.error));
  });
  const read = backend.read.bind(backend);
  backend.read = async (dataId) => {
    const values = await read(dataId);
    throwPendingErrors(backend);
    return values;
  };
}

/**
 * Throws a `BackendError` naming the WebGPU errors `backend` reported since the last call (then
 * forgets them); does nothing when there were none or `backend` was not made by this module.
 */
export function throwPendingErrors(backend: object): void {
  const errors = pendingErrors.get(backend);
  if (errors == null || errors.length === 0) return;
  const messages = errors.splice(0).map((m) => m.split('\n')[0].replace(/\.$/, ''));
  throw new BackendError(
    `WebGPU rejected work of tensorfold's WebGPU backend, so results computed since may be wrong: ${messages.join(' | ')}. ` +
      'Please report it with the shapes involved; meanwhile use the wasm backend.',
  );
}
