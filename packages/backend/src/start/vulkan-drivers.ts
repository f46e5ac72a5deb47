import { environmentVariable } from '../environment.js';

/**
 * Where the Vulkan loader looks for driver manifests (ICD files) on Linux when neither
 * `VK_ICD_FILENAMES` nor `VK_DRIVER_FILES` is set: the XDG config and data folders, then `/etc`
 * (see the loader's "Driver Discovery on Linux").
 */
export function vulkanDriverFolders(
  env: (name: string) => string | undefined = environmentVariable,
): string[] {
  const home = env('HOME');
  const configHome = env('XDG_CONFIG_HOME') ?? (home ? `${home}/.config` : undefined);
  const dataHome = env('XDG_DATA_HOME') ?? (home ? `${home}/.local/share` : undefined);
  const configDirs = (env('XDG_CONFIG_DIRS') ?? '/etc/xdg').split(':');
  const dataDirs = (env('XDG_DATA_DIRS') ?? '/usr/local/share:/usr/share').split(':');
  const roots = [configHome, ...configDirs, '/etc', dataHome, ...dataDirs].filter(
    (root): root is string => root != null && root !== '',
  );
  return [...new Set(roots.map((root) => `${root.replace(/\/+$/, '')}/vulkan/icd.d`))];
}

/** What {@link findVulkanDrivers} found. */
export interface VulkanDrivers {
  /** Driver manifests that exist (from the environment variable when one is set, else the folders). */
  files: string[];
  /** The variable that named the manifests (`VK_ICD_FILENAMES` or `VK_DRIVER_FILES`), if one did. */
  variable: string | null;
  /** The folders searched when no variable was set. */
  folders: string[];
}

/**
 * The Vulkan driver manifests Dawn's loader would read, found without loading Vulkan (which prints
 * warnings with a stack line when there is none). Node on Linux only: elsewhere Dawn uses Metal or
 * Direct3D, and this answers `null`.
 */
export async function findVulkanDrivers(
  env: (name: string) => string | undefined = environmentVariable,
  platform: string = nodePlatform(),
): Promise<VulkanDrivers | null> {
  if (platform !== 'linux') return null;
  // Variable specifiers keep bundlers from pulling Node modules into browser builds.
  const fsName = 'node:fs';
  const fs = (await import(/* @vite-ignore */ fsName)) as typeof import('node:fs');
  for (const variable of ['VK_DRIVER_FILES', 'VK_ICD_FILENAMES']) {
    const value = env(variable);
    if (value == null) continue;
    const files = value.split(':').filter((file) => file !== '' && fs.existsSync(file));
    return { files, variable, folders: [] };
  }
  const folders = vulkanDriverFolders(env);
  const files = folders.flatMap((folder) => {
    try {
      return fs
        .readdirSync(folder)
        .filter((name) => name.endsWith('.json'))
        .map((name) => `${folder}/${name}`);
    } catch {
      return []; // a folder that does not exist holds no driver
    }
  });
  return { files, variable: null, folders };
}

function nodePlatform(): string {
  return (globalThis as { process?: { platform?: string } }).process?.platform ?? 'browser';
}
