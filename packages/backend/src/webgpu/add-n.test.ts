import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../init-backend.js';
import { backendsForTests } from '../testing.js';
import { REQUESTED_LIMITS, requiredLimits } from './device.js';

const hasWebgpu = (await backendsForTests()).includes('webgpu');

describe('requiredLimits', () => {
  it("asks for the adapter's value of every limit it reports", () => {
    expect(
      requiredLimits({ maxStorageBuffersPerShaderStage: 12, maxBufferSize: 1024, maxColorAttachments: 8 }),
    ).toEqual({
      maxStorageBuffersPerShaderStage: 12,
      maxBufferSize: 1024,
    });
    expect(REQUESTED_LIMITS).toContain('maxStorageBuffersPerShaderStage');
  });
});

/** A shader that binds `inputs` storage buffers plus its output (sums its inputs' first elements). */
class ManyInputsProgram implements WebGPUProgram {
  readonly variableNames: string[];
  readonly workgroupSize: [number, number, number] = [1, 1, 1];
  readonly shaderKey: string;
  readonly outputShape = [1];
  readonly dispatchLayout = { x: [0] };
  dispatch: [number, number, number] = [1, 1, 1];
  constructor(inputs: number) {
    this.variableNames = Array.from({ length: inputs }, (_, i) => `T${i}`);
    this.shaderKey = `tensorfoldManyInputs${inputs}`;
  }
  getUserCode(): string {
    const sum = this.variableNames.map((name) => `get${name}ByOutputIndex(0)`).join(' + ');
    return `
      fn main(index : i32) {
        setOutputAtIndex(0, ${sum});
      }`;
  }
}

describe.skipIf(!hasWebgpu)('WebGPU storage-buffer limits', () => {
  beforeAll(async () => {
    await useBackend('webgpu');
  });

  it('the device has the storage-buffer limit of its adapter', async () => {
    const backend = tf.backend() as WebGPUBackend;
    const gpu = (globalThis as unknown as { navigator: { gpu: GPU } }).navigator.gpu;
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    expect(backend.device.limits.maxStorageBuffersPerShaderStage).toBe(
      adapter!.limits.maxStorageBuffersPerShaderStage,
    );
  });

  for (const count of [2, 8, 10, 11, 12, 13, 30]) {
    it(`addN of ${count} tensors filled 1..${count} sums them`, async () => {
      const before = tf.memory().numTensors;
      const tensors = Array.from({ length: count }, (_, i) => tf.fill([2, 3], i + 1));
      const sum = tf.addN(tensors);
      expect(Array.from(await sum.data())).toEqual(new Array(6).fill((count * (count + 1)) / 2));
      tf.dispose([sum, ...tensors]);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('a shader over the storage-buffer limit makes the next read throw instead of returning zeros', async () => {
    const backend = tf.backend() as WebGPUBackend;
    const limit = backend.device.limits.maxStorageBuffersPerShaderStage;
    const inputs = Array.from({ length: limit + 1 }, () => tf.ones([1]));
    const out = tf
      .engine()
      .makeTensorFromTensorInfo(
        backend.runWebGPUProgram(new ManyInputsProgram(limit + 1) as never, inputs, 'float32'),
      );
    await expect(out.data()).rejects.toThrow(BackendError);
    tf.dispose([out, ...inputs]);
    // The error is reported once; later work reads normally.
    const ok = tf.add(tf.ones([2]), 1);
    expect(Array.from(await ok.data())).toEqual([2, 2]);
    ok.dispose();
  });
});
