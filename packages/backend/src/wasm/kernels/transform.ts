import { type KernelConfig, type KernelFunc, type TensorInfo, Transform } from '@tensorflow/tfjs-core';
import { transformImages } from '../../transform/transform-images.js';
import { transformOutputShape, transformSpec } from '../../transform/transform-spec.js';
import type { WasmBackendLike } from '../kernel-scope.js';

/**
 * `Transform` (what `tf.image.transform` runs) for the WASM backend. Stock tfjs-backend-wasm 4.22
 * mirrors about the wrong edge in `'reflect'` mode (a pixel 2 left of `[1, 2, 3, 4]` reads 4, not
 * 2) and reads int32 images as floats. This one resamples in one JavaScript pass over the WASM heap with
 * TensorFlow's semantics (see `transformImages`), computing each pixel's source once for all its
 * channels.
 */
export const wasmTransform: KernelFunc = ({ inputs, attrs, backend }) => {
  const { image, transforms } = inputs as { image: TensorInfo; transforms: TensorInfo };
  const spec = transformSpec(image, transforms, attrs ?? {});
  const wasm = backend as WasmBackendLike;
  const out = wasm.makeOutput(transformOutputShape(spec), image.dtype); // [batch, outHeight, outWidth, channels]
  // Views after the last allocation: allocating may grow the heap and detach earlier views.
  transformImages(
    wasm.typedArrayFromHeap(image),
    wasm.typedArrayFromHeap(transforms),
    spec,
    wasm.typedArrayFromHeap(out),
  );
  return out;
};

/** The WASM `Transform` kernel config (see {@link wasmTransform}). */
export const wasmTransformConfig: KernelConfig = {
  kernelName: Transform,
  backendName: 'wasm',
  kernelFunc: wasmTransform,
};
