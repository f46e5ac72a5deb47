import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from '@tensorfold/core';
import { environmentVariable, isNode, nodeEnvironment } from '../environment.js';
import { registerWebgpuBackendFactory, type WebGPUBackendClass } from '../webgpu/device.js';
import { registerWebgpuKernels } from '../webgpu/register-kernels.js';
import { ensureRuntimeDir } from './runtime-dir.js';
import { isSoftwareAdapter, SOFTWARE_VULKAN_ICDS } from './software-icd.js';
import { findVulkanDrivers } from './vulkan-drivers.js';

/** Options of {@link startWebgpu}. */
export interface WebgpuStartOptions {
  /** Accept a CPU-emulated adapter (SwiftShader). Auto-selection does not: WASM is faster than it. */
  allowSoftware: boolean;
  /**
   * Node only: when Dawn finds no adapter and `VK_ICD_FILENAMES` is unset, point it at a software
   * Vulkan driver found on this machine (SwiftShader from Debian's chromium) and try again.
   */
  softwareFallback: boolean;
}

/** What the WebGPU backend reports once started. */
export interface WebgpuStartInfo {
  adapter: string;
  softwareAdapter: boolean;
}

interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

interface GpuLike {
  requestAdapter(options?: unknown): Promise<{ info?: AdapterInfoLike } | null>;
}

/**
 * Starts `@tensorflow/tfjs-backend-webgpu`: in a browser on `navigator.gpu`, in Node on Dawn (the
 * optional `webgpu` package, loaded only here and only in Node). Throws a {@link BackendError} that says
 * what is missing when no adapter is found.
 */
export async function startWebgpu(options: WebgpuStartOptions): Promise<WebgpuStartInfo> {
  const gpu = isNode() ? await dawnGpu(options.softwareFallback) : browserGpu();
  const adapter = await gpu.requestAdapter();
  if (adapter == null) throw new BackendError(noAdapterMessage());
  const info: AdapterInfoLike = adapter.info ?? {};
  const softwareAdapter = isSoftwareAdapter(info);
  const name = describeAdapter(info, softwareAdapter);
  if (softwareAdapter && !options.allowSoftware) {
    throw new BackendError(
      `The only WebGPU adapter here is ${name}, a CPU emulation that is slower than wasm. ` +
        "Ask for it explicitly (initBackend({ require: 'webgpu' }) or TENSORFOLD_BACKEND=webgpu) to use it anyway.",
    );
  }
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  // After the import: importing registers the stock kernels over any registered earlier, and the
  // stock backend factory, which asks for too low device limits and lets WebGPU errors pass silently.
  registerWebgpuKernels();
  registerWebgpuBackendFactory(WebGPUBackend as unknown as WebGPUBackendClass);
  let started = false;
  try {
    started = await tf.setBackend('webgpu');
  } catch (error) {
    throw new BackendError(`The WebGPU backend did not start on ${name}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (!started)
    throw new BackendError(`The WebGPU backend did not start on ${name} (tfjs logged the cause above).`);
  await tf.ready();
  return { adapter: name, softwareAdapter };
}

function describeAdapter(info: AdapterInfoLike, software: boolean): string {
  const parts = [
    info.description || [info.vendor, info.architecture].filter(Boolean).join(' ') || 'unnamed adapter',
  ];
  if (software) parts.push('(software)');
  return parts.join(' ');
}

function browserGpu(): GpuLike {
  const gpu = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
  if (gpu == null) {
    throw new BackendError(
      'This browser has no WebGPU (navigator.gpu is missing): use a browser with WebGPU enabled, or a secure (https) page.',
    );
  }
  return gpu;
}

interface DawnModule {
  create(flags: string[]): GpuLike;
  globals: Record<string, unknown>;
}

let dawnModule: DawnModule | null = null;
let dawn: GpuLike | null = null;

/**
 * Dawn's `navigator.gpu` for Node, installed on `globalThis` so tfjs-backend-webgpu finds it. With
 * `softwareFallback`, an instance that finds no adapter while `VK_ICD_FILENAMES` is unset is replaced
 * by one on a software Vulkan driver found here, also when an earlier call without the fallback
 * created it (an automatic start passes a software adapter over; a later required one may use it).
 */
async function dawnGpu(softwareFallback: boolean): Promise<GpuLike> {
  await checkVulkanDrivers(softwareFallback);
  if (dawnModule == null) {
    dawnModule = await loadDawn();
    await ensureRuntimeDir();
    Object.assign(globalThis, dawnModule.globals);
  }
  if (dawn == null) dawn = installGpu(dawnModule.create([]));
  if (
    softwareFallback &&
    environmentVariable('VK_ICD_FILENAMES') == null &&
    (await dawn.requestAdapter()) == null
  ) {
    const icd = await firstExisting(SOFTWARE_VULKAN_ICDS);
    if (icd != null) {
      nodeEnvironment().VK_ICD_FILENAMES = icd;
      dawn = installGpu(dawnModule.create([]));
    }
  }
  return dawn;
}

/**
 * Linux: looks for Vulkan driver files before Dawn loads Vulkan, because a Vulkan with no driver
 * prints warnings and a stack line (`vkCreateInstance: Found no drivers!`) on every start. With none,
 * `softwareFallback` points `VK_ICD_FILENAMES` at a software driver found here; otherwise this
 * throws a one-line {@link BackendError} saying why, and nothing is printed.
 */
async function checkVulkanDrivers(softwareFallback: boolean): Promise<void> {
  const drivers = await findVulkanDrivers();
  if (drivers == null || drivers.files.length > 0) return;
  if (drivers.variable != null) {
    throw new BackendError(
      `${drivers.variable}=${environmentVariable(drivers.variable)} names no Vulkan driver file that exists here: ` +
        `point it at an ICD file such as ${SOFTWARE_VULKAN_ICDS[0]}, or unset it.`,
    );
  }
  const software = await firstExisting(SOFTWARE_VULKAN_ICDS);
  if (softwareFallback && software != null) {
    nodeEnvironment().VK_ICD_FILENAMES = software;
    if (dawnModule != null) dawn = installGpu(dawnModule.create([]));
    return;
  }
  throw new BackendError(noDriverMessage(software));
}

/** Why WebGPU cannot start in Node on Linux when no Vulkan driver is installed, in one line. */
function noDriverMessage(software: string | null): string {
  const why =
    "no Vulkan driver is installed (no driver file in /usr/share/vulkan/icd.d, /etc/vulkan/icd.d or the XDG folders): install your GPU vendor's Vulkan driver";
  return software != null
    ? `${why}. The software adapter here (${software}) is slower than wasm; TENSORFOLD_BACKEND=webgpu uses it anyway.`
    : `${why} (or, for a slow software adapter, Debian's chromium and libvulkan1).`;
}

async function loadDawn(): Promise<DawnModule> {
  // A variable specifier keeps bundlers from pulling Dawn into browser builds.
  const specifier = 'webgpu';
  try {
    return await import(/* @vite-ignore */ specifier);
  } catch (error) {
    throw new BackendError(
      'WebGPU in Node needs the optional dependency "webgpu" (Dawn), which is not installed here: ' +
        `install it (pnpm add webgpu) or use wasm. (${(error as Error).message})`,
      { cause: error },
    );
  }
}

/**
 * Makes `gpu` the global `navigator.gpu`, unless a `navigator.gpu` that is not an earlier Dawn
 * instance of this module is already there. Returns `gpu`.
 */
function installGpu(gpu: GpuLike): GpuLike {
  const host = globalThis as unknown as { navigator?: Record<string, unknown> };
  if (host.navigator == null) {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  } else if (host.navigator.gpu == null || host.navigator.gpu === dawn) {
    Object.defineProperty(host.navigator, 'gpu', { value: gpu, configurable: true });
  }
  return gpu;
}

async function firstExisting(paths: string[]): Promise<string | null> {
  const fsModule = 'node:fs';
  const { existsSync } = (await import(/* @vite-ignore */ fsModule)) as typeof import('node:fs');
  return paths.find((p) => existsSync(p)) ?? null;
}

function noAdapterMessage(): string {
  if (!isNode())
    return 'navigator.gpu.requestAdapter() found no adapter: this browser or machine has WebGPU turned off or no GPU.';
  const icd = environmentVariable('VK_ICD_FILENAMES');
  return (
    'Dawn found no usable Vulkan driver' +
    (icd ? ` (VK_ICD_FILENAMES=${icd})` : '') +
    ". Install your GPU vendor's Vulkan driver, or for a slow software adapter install Debian's chromium and libvulkan1 " +
    `and set VK_ICD_FILENAMES=${SOFTWARE_VULKAN_ICDS[0]}.`
  );
}
