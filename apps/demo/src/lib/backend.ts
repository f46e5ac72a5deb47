/**
 * Starts the compute backend once for the whole site: WebGPU where the browser has it, else WASM
 * (its files served from the site's own `wasm/` folder), else the CPU. `?backend=wasm` (or `webgpu`,
 * `cpu`) in the page address forces one, for comparing them.
 */
import { type BackendInfo, describeBackend, initBackend } from '@tensorfold/backend';

export type { BackendInfo };

const NAMES = ['webgpu', 'wasm', 'cpu'] as const;
type Name = (typeof NAMES)[number];

let started: Promise<{ info: BackendInfo; label: string }> | undefined;

/** The backend asked for in `?backend=`, if any. */
export function requestedBackend(search: string): Name | undefined {
  const asked = new URLSearchParams(search).get('backend');
  return NAMES.find((n) => n === asked);
}

/** Starts the backend (once) and says which one runs, e.g. `wasm (SIMD, 1 thread)`. */
export function startBackend(): Promise<{ info: BackendInfo; label: string }> {
  started ??= (async () => {
    const require = requestedBackend(location.search);
    // Relative to the page, so the built site works from any folder of any host.
    const wasmPaths = new URL('./wasm/', location.href).href;
    const info = await initBackend(require ? { require, wasmPaths } : { wasmPaths });
    return { info, label: describeBackend(info) };
  })();
  return started;
}
