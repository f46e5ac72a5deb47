import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { type KernelConfig, type KernelFunc, type TensorInfo, Transform, util } from '@tensorflow/tfjs-core';
import { transformImages } from '../transform/transform-images.js';
import { transformOutputShape, transformSpec } from '../transform/transform-spec.js';

/**
 * `Transform` (what `tf.image.transform` runs) for the CPU backend. Stock tfjs-backend-cpu 4.22
 * returns after the first image of a batch, so every other image comes out blank (all fill value);
 * it also rounds a negative half (-0.5) towards the image where TensorFlow rounds it away. This one
 * resamples every image with TensorFlow's semantics (see `transformImages`), in one pass over the
 * values the CPU backend already holds in JavaScript.
 */
export const cpuTransform: KernelFunc = ({ inputs, attrs, backend }) => {
  const { image, transforms } = inputs as { image: TensorInfo; transforms: TensorInfo };
  const spec = transformSpec(image, transforms, attrs ?? {});
  const cpu = backend as MathBackendCPU;
  const shape = transformOutputShape(spec); // [batch, outHeight, outWidth, channels]
  const out = util.getTypedArrayFromDType(image.dtype as 'float32' | 'int32', util.sizeFromShape(shape));
  transformImages(
    cpu.data.get(image.dataId).values as ArrayLike<number>,
    cpu.data.get(transforms.dataId).values as ArrayLike<number>,
    spec,
    out,
  );
  return cpu.makeTensorInfo(shape, image.dtype, out);
};

/** The CPU `Transform` kernel config (see {@link cpuTransform}). */
export const cpuTransformConfig: KernelConfig = {
  kernelName: Transform,
  backendName: 'cpu',
  kernelFunc: cpuTransform,
};
