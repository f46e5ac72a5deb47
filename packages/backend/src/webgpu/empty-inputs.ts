import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { type DataType, type TensorInfo, util } from '@tensorflow/tfjs-core';

/**
 * Elements of the buffer bound in place of an empty input: 4, so that even a program that reads its
 * inputs as `vec4` (16 bytes) gets a binding of its minimum size.
 */
const PLACEHOLDER_ELEMENTS = 4;

/** Marks the backends already patched, so patching twice is a no-op. */
const patched = new WeakSet<object>();

function zeros(dtype: DataType): Float32Array | Int32Array {
  return dtype === 'float32' ? new Float32Array(PLACEHOLDER_ELEMENTS) : new Int32Array(PLACEHOLDER_ELEMENTS);
}

/**
 * Makes `backend.runWebGPUProgram` accept empty inputs (a 0 in the shape) when the output is not
 * empty: `sum` over an empty axis (`[3, 0]` summed over axis 1 is `[0, 0, 0]`), a product with an
 * inner size of 0, the gradient of an empty tensor (a sum of nothing).
 *
 * Stock tfjs-backend-webgpu 4.22 skips programs whose output is empty, but uploads every empty input
 * as a buffer of 0 bytes: `createBuffer` then throws ("no overload matched for createBuffer") or the
 * bind group is invalid ("Binding size ... is zero", read back as zeros). Here each empty input is
 * bound to a small placeholder buffer instead; the shader still receives the input's real shape in
 * its uniforms, so it iterates over no elements of it and never reads the placeholder.
 */
export function acceptEmptyInputs(backend: WebGPUBackend): void {
  if (patched.has(backend)) return;
  patched.add(backend);
  const run = backend.runWebGPUProgram.bind(backend);
  backend.runWebGPUProgram = (program, inputs, outputDtype, uniforms, output) => {
    if (!inputs.some((t) => util.sizeFromShape(t.shape) === 0)) {
      return run(program, inputs, outputDtype, uniforms, output);
    }
    const placeholders: TensorInfo[] = [];
    const bound = inputs.map((t) => {
      if (util.sizeFromShape(t.shape) !== 0) return t;
      const placeholder = backend.makeTensorInfo([PLACEHOLDER_ELEMENTS], t.dtype, zeros(t.dtype));
      placeholders.push(placeholder);
      // The input's own (empty) shape, on the placeholder's data.
      return { ...t, dataId: placeholder.dataId };
    });
    try {
      return run(program, bound, outputDtype, uniforms, output);
    } finally {
      // Freed once the queued work that reads them has run.
      for (const placeholder of placeholders) backend.disposeData(placeholder.dataId);
    }
  };
}
