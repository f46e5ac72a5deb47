/**
 * `TensorfoldInt8Conv2DMaxPool` on WASM (see ../../int8/int8-kernels.ts): the int8 convolution with
 * a 2 x 2 max pool fused into the direct kernel's epilogue (int8-direct-conv.ts; the convolution's
 * output is never written), on the pool or on one thread. Where the direct kernel does not run, the
 * int8 convolution kernel and then tfjs-backend-wasm's MaxPool: the same numbers (a max is exact).
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { INT8_CONV2D, INT8_CONV2D_MAX_POOL, type Int8Conv2DAttrs } from '../../int8/int8-kernels.js';
import { int8ConvGeometry } from '../../int8/reference.js';
import { KernelScope, type WasmBackendLike } from '../kernel-scope.js';
import { int8DirectConvByThreads, int8DirectConvOnHeap } from './int8-direct-conv.js';

/** `out [batch, floor(h / 2), floor(w / 2), c]` = the 2 x 2 max pool (stride 2) of `x [batch, h, w, c]`. */
export function maxPool2x2(
  x: Float32Array,
  batch: number,
  h: number,
  w: number,
  c: number,
  out: Float32Array,
): void {
  const [ph, pw] = [Math.floor(h / 2), Math.floor(w / 2)];
  let at = 0;
  for (let b = 0; b < batch; b++)
    for (let py = 0; py < ph; py++)
      for (let px = 0; px < pw; px++) {
        const top = ((b * h + 2 * py) * w + 2 * px) * c;
        const bottom = top + w * c;
        for (let k = 0; k < c; k++)
          out[at++] = Math.max(x[top + k], x[top + c + k], x[bottom + k], x[bottom + c + k]);
      }
}

const conv2dMaxPool: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as unknown as WasmBackendLike;
  const all = inputs as unknown as { x: TensorInfo; w: TensorInfo; scales: TensorInfo; bias: TensorInfo };
  const convAttrs = attrs as unknown as Int8Conv2DAttrs;
  const g = int8ConvGeometry(all.x.shape, all.scales.shape[0], convAttrs);
  const scope = new KernelScope(wasm);
  try {
    const out = scope.allocate([g.batch, Math.floor(g.outH / 2), Math.floor(g.outW / 2), g.outC]);
    if (out.shape.includes(0)) return scope.finish(out);
    const relu = convAttrs.activation === 'relu';
    if (int8DirectConvByThreads(wasm, all, out, g, relu, true)) return scope.finish(out);
    if (int8DirectConvOnHeap(wasm, all, out, g, relu, true)) return scope.finish(out);
    // the convolution, then tfjs-backend-wasm's max pool
    const full = scope.run(INT8_CONV2D, all, attrs); // [batch, outH, outW, outC]
    const pooled = scope.run('MaxPool', { x: full }, { filterSize: 2, strides: 2, pad: 'valid' });
    (wasm.typedArrayFromHeap(out) as Float32Array).set(wasm.typedArrayFromHeap(pooled) as Float32Array);
    return scope.finish(out);
  } finally {
    scope.dispose();
  }
};

/** The fused int8 convolution and max pool of the WASM backend. */
export const INT8_POOL_WASM_KERNELS: readonly KernelConfig[] = [
  { kernelName: INT8_CONV2D_MAX_POOL, backendName: 'wasm', kernelFunc: conv2dMaxPool },
];
