/**
 * Test backend selection. Tests run on the CPU backend (exact, everywhere) unless
 * `TENSORFOLD_TEST_BACKEND` names another (`wasm`, `webgpu`); `backend-parity.test.ts` runs the same
 * computations on every backend and compares them.
 */
import { existsSync } from 'node:fs';
import '@tensorfold/core';
import { tf } from '@tensorfold/core';
import '@tensorflow/tfjs-backend-cpu';

/** Debian's chromium ships SwiftShader, a CPU Vulkan driver Dawn can use when there is no GPU. */
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

let webgpuRegistered: Promise<boolean> | null = null;

/** Gives Node a `navigator.gpu` from Dawn (the `webgpu` package) and registers tfjs's WebGPU backend. */
function registerWebgpu(): Promise<boolean> {
  webgpuRegistered ??= (async () => {
    if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD))
      process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    try {
      const { create, globals } = await import('webgpu');
      Object.assign(globalThis, globals);
      const gpu = create([]);
      if (!(await gpu.requestAdapter())) return false;
      Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
      await import('@tensorflow/tfjs-backend-webgpu');
      return true;
    } catch {
      return false;
    }
  })();
  return webgpuRegistered;
}

/** Switches tfjs to `name` (loading its backend first). Returns false when it cannot start here. */
export async function startBackend(name: string): Promise<boolean> {
  if (name === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  else if (name === 'webgpu') {
    if (!(await registerWebgpu())) return false;
  } else if (name !== 'cpu') return false;
  try {
    const ok = await tf.setBackend(name);
    await tf.ready();
    return ok;
  } catch {
    return false;
  }
}

/** The backend the ordinary tests run on (`TENSORFOLD_TEST_BACKEND`, default `cpu`). */
export async function useTestBackend(): Promise<string> {
  const name = process.env.TENSORFOLD_TEST_BACKEND ?? 'cpu';
  if (!(await startBackend(name))) throw new Error(`Test backend "${name}" could not start.`);
  return name;
}

/** Whether a WebGPU test must run (CI) instead of skipping where no adapter exists. */
export const REQUIRE_WEBGPU = process.env.TENSORFOLD_REQUIRE_WEBGPU === '1';
