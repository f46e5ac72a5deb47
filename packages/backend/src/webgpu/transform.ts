import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { type KernelConfig, type KernelFunc, type TensorInfo, Transform } from '@tensorflow/tfjs-core';
import { transformOutputShape, transformSpec } from '../transform/transform-spec.js';
import { TransformProgram } from './transform-program.js';

const INTERPOLATION_IDS = { nearest: 1, bilinear: 2 } as const;
const FILL_MODE_IDS = { constant: 1, reflect: 2, wrap: 3, nearest: 4 } as const;

/**
 * `Transform` (what `tf.image.transform` runs) for the WebGPU backend. Stock
 * tfjs-backend-webgpu 4.22 reads past the transforms when one row serves a whole batch (`[1, 8]`:
 * every image after the first comes out wrong), rounds ties of nearest interpolation to even (a
 * half-pixel shift picks other pixels than TensorFlow), and returns float32 for int32 images. This
 * one follows TensorFlow's semantics (see {@link TransformProgram}).
 */
export const webgpuTransform: KernelFunc = ({ inputs, attrs, backend }) => {
  const { image, transforms } = inputs as { image: TensorInfo; transforms: TensorInfo };
  const spec = transformSpec(image, transforms, attrs ?? {});
  const program = new TransformProgram(transformOutputShape(spec)); // [batch, outHeight, outWidth, channels]
  return (backend as WebGPUBackend).runWebGPUProgram(program, [image, transforms], image.dtype, [
    { type: 'int32', data: [INTERPOLATION_IDS[spec.interpolation]] },
    { type: 'int32', data: [FILL_MODE_IDS[spec.fillMode]] },
    { type: 'float32', data: [spec.fillValue] },
    { type: 'int32', data: [spec.sharedTransform ? 0 : 1] },
  ]);
};

/** The WebGPU `Transform` kernel config (see {@link webgpuTransform}). */
export const webgpuTransformConfig: KernelConfig = {
  kernelName: Transform,
  backendName: 'webgpu',
  kernelFunc: webgpuTransform,
};
