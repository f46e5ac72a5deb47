/**
 * Vulkan drivers that emulate a GPU on the CPU. Debian's `chromium` package ships SwiftShader's; with
 * Debian's `libvulkan1` (the loader Dawn opens) it gives WebGPU everywhere, slowly but correctly.
 */
export const SOFTWARE_VULKAN_ICDS = ['/usr/lib/chromium/vk_swiftshader_icd.json'];

/** Adapter names of CPU-emulated GPUs. */
const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|software/i;

/** Whether an adapter is a CPU emulation (correct, far slower than WASM for training). */
export function isSoftwareAdapter(info: {
  isFallbackAdapter?: boolean;
  description?: string;
  architecture?: string;
  device?: string;
}): boolean {
  if (info.isFallbackAdapter === true) return true;
  return SOFTWARE_ADAPTER.test([info.description, info.architecture, info.device].filter(Boolean).join(' '));
}
