import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { BackendError, ConfigError } from '@tensorfold/core';
import { afterEach, describe, expect, it } from 'vitest';
import { availableBackends } from './available-backends.js';
import { describeBackend } from './backend-info.js';
import { BACKEND_ENV, backendInfo, initBackend, useBackend } from './init-backend.js';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * Runs `initBackend(options)` in a fresh Node process with `env` (a variable set to undefined is
 * removed), once per options object given, in order, and returns its exit code, the last line it
 * printed (the last call's result), and its stderr.
 */
function initInChild(
  env: Record<string, string | undefined>,
  ...calls: string[]
): Promise<{ code: number | null; out: string; stderr: string }> {
  const script = `
    import { initBackend } from './src/index.ts';
    try {
      let info;
      for (const options of [${(calls.length > 0 ? calls : ['{}']).join(', ')}]) info = await initBackend(options);
      console.log(JSON.stringify({ ok: info }));
    } catch (e) {
      console.log(JSON.stringify({ error: e.constructor.name, message: e.message }));
    }`;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--conditions=@tensorfold/source', '--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: packageRoot, env: childEnvironment(env), timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({
          code: error ? (error.code as number) : 0,
          out: stdout.trim().split('\n').at(-1) ?? '',
          stderr,
        }),
    );
  });
}

function childEnvironment(changes: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env = { ...process.env, ...changes };
  for (const [name, value] of Object.entries(changes)) if (value === undefined) delete env[name];
  return env;
}

describe('initBackend', () => {
  afterEach(() => {
    delete process.env[BACKEND_ENV];
  });

  it('picks WASM here when no hardware GPU exists, and says why WebGPU was passed over', async () => {
    const info = await initBackend();
    expect(tf.getBackend()).toBe(info.name);
    if (info.name === 'wasm') {
      expect(info.skipped.map((s) => s.name)).toEqual(['webgpu']);
      expect(info.skipped[0].reason.length).toBeGreaterThan(20);
      expect(info.simd).toBe(true);
      expect(info.threads).toBeGreaterThanOrEqual(1);
      expect(describeBackend(info)).toMatch(/^wasm \(SIMD( \+ FMA)?, \d+ threads?\)$/);
      // vitest.config.ts starts Node with relaxed SIMD: the SIMD kernels run their FMA build.
      expect(info.fma).toBe(true);
      expect(describeBackend(info)).toMatch(/^wasm \(SIMD \+ FMA, \d+ threads?\)$/);
      expect(describeBackend({ ...info, fma: false })).toMatch(/^wasm \(SIMD, \d+ threads?\)$/);
    }
    expect(backendInfo()).toEqual(info);
  });

  it('passes WebGPU over without a word from Dawn when no Vulkan driver is installed', async (context) => {
    const { findVulkanDrivers } = await import('./start/vulkan-drivers.js');
    const drivers = await findVulkanDrivers(() => undefined);
    if (drivers == null || drivers.files.length > 0) {
      console.warn('Skipped: this machine has Vulkan driver files (or is not Linux).');
      context.skip();
      return;
    }
    const result = await initInChild({ VK_ICD_FILENAMES: undefined, VK_DRIVER_FILES: undefined });
    const printed = JSON.parse(result.out);
    expect(printed.ok.name).toBe('wasm');
    expect(printed.ok.skipped[0].name).toBe('webgpu');
    expect(printed.ok.skipped[0].reason).toMatch(/^no Vulkan driver is installed/);
    expect(printed.ok.skipped[0].reason).not.toContain('\n');
    expect(result.stderr).not.toMatch(/vkCreateInstance|VK_ERROR|Warning/);
  });

  it('honours TENSORFOLD_BACKEND and require, and require wins', async () => {
    process.env[BACKEND_ENV] = 'cpu';
    expect(await initBackend()).toMatchObject({ name: 'cpu', chosenBy: 'environment' });
    expect(await initBackend({ prefer: 'wasm' })).toMatchObject({ name: 'cpu', chosenBy: 'environment' });
    expect(await initBackend({ require: 'wasm' })).toMatchObject({ name: 'wasm', chosenBy: 'required' });
    expect(tf.getBackend()).toBe('wasm');
  });

  it('takes a preferred backend first', async () => {
    expect(await initBackend({ prefer: 'cpu' })).toMatchObject({
      name: 'cpu',
      chosenBy: 'preferred',
      skipped: [],
    });
  });

  it('rejects unknown backend names with a ConfigError and changes nothing', async () => {
    await useBackend('cpu');
    process.env[BACKEND_ENV] = 'tpu';
    await expect(initBackend()).rejects.toThrow(ConfigError);
    await expect(initBackend()).rejects.toThrow(/TENSORFOLD_BACKEND.*webgpu, wasm, cpu/);
    await expect(useBackend('gpu' as never)).rejects.toThrow(ConfigError);
    expect(tf.getBackend()).toBe('cpu');
  });

  it('switches between the backends that start here; WASM and CPU always do', async () => {
    const names = await availableBackends();
    expect(names).toEqual(expect.arrayContaining(['wasm', 'cpu']));
    for (const name of names) {
      const info = await useBackend(name);
      expect(info.name).toBe(name);
      expect(tf.getBackend()).toBe(name);
      const sum = tf.tidy(() => tf.sum(tf.tensor1d([1, 2, 3])));
      expect((await sum.data())[0]).toBe(6);
      sum.dispose();
    }
  });

  it('a forced WebGPU that cannot start is a BackendError that names the fix, not a fallback', async () => {
    const result = await initInChild({ [BACKEND_ENV]: 'webgpu', VK_ICD_FILENAMES: '/nonexistent/icd.json' });
    const printed = JSON.parse(result.out);
    expect(printed.error).toBe(BackendError.name);
    expect(printed.message).toMatch(/TENSORFOLD_BACKEND=webgpu/);
    expect(printed.message).toMatch(/VK_ICD_FILENAMES/);
  });

  it('a required WebGPU starts on a software adapter when one is installed, says so, and the process ends by itself', async (context) => {
    // No XDG_RUNTIME_DIR, as in containers and CI: Dawn must not complain about it.
    const probe = await initInChild({ XDG_RUNTIME_DIR: undefined }, "{ require: 'webgpu' }");
    const printed = JSON.parse(probe.out);
    if (printed.error) {
      expect(process.env.TENSORFOLD_REQUIRE_WEBGPU, printed.message).not.toBe('1');
      context.skip();
      return;
    }
    expect(probe.stderr).not.toMatch(/XDG_RUNTIME_DIR/);
    expect(probe.code).toBe(0);
    expect(printed.ok.name).toBe('webgpu');
    expect(typeof printed.ok.adapter).toBe('string');
    expect(typeof printed.ok.softwareAdapter).toBe('boolean');
  });

  it('a required WebGPU still finds the software adapter after an automatic start passed it over', async (context) => {
    const unset = { VK_ICD_FILENAMES: undefined };
    const direct = JSON.parse((await initInChild(unset, "{ require: 'webgpu' }")).out);
    if (direct.error) {
      expect(process.env.TENSORFOLD_REQUIRE_WEBGPU, direct.message).not.toBe('1');
      context.skip();
      return;
    }
    const afterAuto = JSON.parse((await initInChild(unset, '{}', "{ require: 'webgpu' }")).out);
    expect(afterAuto.error, afterAuto.message).toBeUndefined();
    expect(afterAuto.ok).toMatchObject({ name: 'webgpu', adapter: direct.ok.adapter });
  });
});
