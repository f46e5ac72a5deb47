import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findVulkanDrivers, vulkanDriverFolders } from './vulkan-drivers.js';

const home = mkdtempSync(join(tmpdir(), 'tensorfold-vulkan-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** An environment with only `vars` set, and no system folders (XDG_*_DIRS point into `home`). */
function env(vars: Record<string, string>) {
  const all: Record<string, string> = {
    HOME: home,
    XDG_CONFIG_DIRS: join(home, 'etc-xdg'),
    XDG_DATA_DIRS: join(home, 'usr-share'),
    ...vars,
  };
  return (name: string) => all[name];
}

describe('vulkanDriverFolders', () => {
  it("follows the loader's Linux search order, with XDG defaults", () => {
    expect(vulkanDriverFolders(() => undefined)).toEqual([
      '/etc/xdg/vulkan/icd.d',
      '/etc/vulkan/icd.d',
      '/usr/local/share/vulkan/icd.d',
      '/usr/share/vulkan/icd.d',
    ]);
    expect(vulkanDriverFolders((n) => ({ HOME: '/h' })[n])).toEqual([
      '/h/.config/vulkan/icd.d',
      '/etc/xdg/vulkan/icd.d',
      '/etc/vulkan/icd.d',
      '/h/.local/share/vulkan/icd.d',
      '/usr/local/share/vulkan/icd.d',
      '/usr/share/vulkan/icd.d',
    ]);
  });
});

describe('findVulkanDrivers', () => {
  it('answers null off Linux, where Dawn does not use Vulkan', async () => {
    expect(await findVulkanDrivers(env({}), 'darwin')).toBeNull();
    expect(await findVulkanDrivers(env({}), 'win32')).toBeNull();
  });

  it('finds the manifests in the search folders, and none where there are none', async () => {
    const before = await findVulkanDrivers(env({}), 'linux');
    expect(before?.files.filter((f) => f.startsWith(home))).toEqual([]);
    const folder = join(home, 'usr-share', 'vulkan', 'icd.d');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'gpu_icd.json'), '{}');
    writeFileSync(join(folder, 'notes.txt'), '');
    const after = await findVulkanDrivers(env({}), 'linux');
    expect(after?.files).toContain(join(folder, 'gpu_icd.json'));
    expect(after?.files).not.toContain(join(folder, 'notes.txt'));
    expect(after?.variable).toBeNull();
  });

  it('trusts VK_ICD_FILENAMES / VK_DRIVER_FILES, keeping only files that exist', async () => {
    const real = join(home, 'real_icd.json');
    writeFileSync(real, '{}');
    expect(
      await findVulkanDrivers(env({ VK_ICD_FILENAMES: `/nonexistent/icd.json:${real}` }), 'linux'),
    ).toEqual({
      files: [real],
      variable: 'VK_ICD_FILENAMES',
      folders: [],
    });
    const missing = await findVulkanDrivers(env({ VK_DRIVER_FILES: '/nonexistent/icd.json' }), 'linux');
    expect(missing).toMatchObject({ files: [], variable: 'VK_DRIVER_FILES' });
  });
});
