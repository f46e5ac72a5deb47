import * as tf from '@tensorflow/tfjs-core';

/**
 * Registers `kernelName` on the CPU backend as `compute` over its float32 inputs (named `inputNames`,
 * in that order), in plain JavaScript: no kernel calls of its own and no gradient, as a backend's own
 * kernel (WASM's) would be, so that core's kernel paths run in CPU tests. `compute` returns the output
 * values, of the last input's shape.
 */
export function registerCpuTestKernel(
  kernelName: string,
  inputNames: string[],
  compute: (values: Float32Array[], shape: number[]) => Float32Array,
): void {
  tf.registerKernel({
    kernelName,
    backendName: 'cpu',
    kernelFunc: ({ inputs, backend }) => {
      const cpu = backend as tf.KernelBackend & {
        makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
      };
      const infos = inputNames.map((n) => inputs[n] as tf.TensorInfo);
      const shape = infos[infos.length - 1].shape;
      const values = compute(
        infos.map((t) => cpu.readSync(t.dataId) as Float32Array),
        shape,
      );
      return cpu.makeTensorInfo(shape, 'float32', values);
    },
  });
}
