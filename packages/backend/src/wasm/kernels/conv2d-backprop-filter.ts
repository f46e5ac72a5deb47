import {
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type Conv2DBackpropFilterInputs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { KernelScope, type WasmBackendLike } from '../kernel-scope.js';
import { simdKernels } from '../simd/simd-kernels.js';
import { conv2DGeometry } from './convolution-geometry.js';
import { filterGradientByConvolution } from './filter-gradient-by-convolution.js';
import { filterGradientByPatches } from './filter-gradient-by-patches.js';
import { filterGradientByRows } from './filter-gradient-by-rows.js';
import { filterGradientBySimd, usesBlockedFilterGradient } from './filter-gradient-by-simd.js';
import { blockedFilterGradientByThreads, filterGradientByThreads } from './filter-gradient-by-threads.js';

/**
 * Without the SIMD kernel (see {@link conv2DBackpropFilter}): up to this ratio of filter taps (`filterHeight * filterWidth * inChannels`) to output channels,
 * the patch form is faster than the convolution form. Measured on the benchmark machine with a new
 * `x` and `dy` every call, as in training (2-core AMD EPYC, tfjs-backend-wasm 4.22 SIMD, batch 32 to
 * 64, min of 30 interleaved runs): patches win by 5-20% at ratios 0.84 to 1.7 (3x3x3 to 32 or 16
 * channels; LeNet-5's first layer, 3x3x1 to 8, is about even); the convolution wins by 1.25x at 2.25,
 * 1.4x at 3, 1.7x at 4.2 and 2.6x at 12.5 (LeNet-5's second layer). Both forms spend most of their
 * time moving `dy`: XNNPACK repacks a new operand on every call.
 */
const PATCHES_MAX_TAPS_PER_OUTPUT_CHANNEL = 2;

/** Largest patch matrix (floats) the patch form may allocate on the WASM heap: 256 MB. */
const PATCHES_MAX_FLOATS = 2 ** 26;

/**
 * The gradient of `conv2d` with respect to its filter, which stock tfjs-backend-wasm lacks:
 * `dW[kh, kw, ci, co] = sum over b, oh, ow of x[b, oh*s + kh - pt, ow*s + kw - pl, ci] * dy[b, oh, ow, co]`.
 * Computed by tensorfold's SIMD kernel where it runs and the output channels are a multiple of 4
 * ({@link filterGradientBySimd}; on every thread of the pool where one runs, {@link filterGradientByThreads}); otherwise by XNNPACK, as a matrix product over image patches for
 * layers with few input channels ({@link filterGradientByPatches}) or as a convolution
 * ({@link filterGradientByConvolution}).
 *
 * The SIMD kernel reads `x` and `dy` where they lie, where both XNNPACK forms first copy `dy` (into
 * XNNPACK's packed layout, after a transpose for the convolution form). Measured with a new `x` and
 * `dy` every call (2-core AMD EPYC, min of 30 interleaved runs, load 2 to 7), against the faster of
 * the XNNPACK forms: LeNet-5's first layer (64x28x28x1, 3x3 to 8) 0.44 ms against 3.1 ms, its
 * second (64x14x14x8, 5x5 to 16) 2.1 against 2.3, 3x3x8 to 16 at 32x28x28 2.1 against 5.4,
 * 3x3x16 to 32 at 32x16x16 2.9 against 5.9, 3x3x64 to 64 at 32x8x8 7.5 against 8.5.
 */
function conv2DBackpropFilter(args: {
  inputs: Conv2DBackpropFilterInputs;
  backend: WasmBackendLike;
  attrs: Conv2DBackpropFilterAttrs;
}): TensorInfo {
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const info = conv2DGeometry(x.shape, args.attrs.filterShape, args.attrs);
  const channelsLast = info.dataFormat === 'channelsLast';
  const scope = new KernelScope(args.backend);
  try {
    // [batch, height, width, channels] whatever the data format.
    const xNhwc = channelsLast ? x : scope.transpose(x, [0, 2, 3, 1]);
    const dyNhwc = channelsLast ? dy : scope.transpose(dy, [0, 2, 3, 1]);
    const simd = info.outChannels % 4 === 0 ? simdKernels(args.backend) : null;
    if (simd != null) {
      // Few input channels (a first layer) take the kernel over runs of taps, on one thread: LeNet-5's
      // first layer 0.32 ms against 0.43 ms (kernels/filter-gradient-by-rows.ts; loaded machine).
      const rows = filterGradientByRows(scope, xNhwc, dyNhwc, info);
      if (rows != null) return scope.finish(rows);
      // On the pool, the register-blocked kernel splits by images (partial gradients): the pool's
      // unblocked kernel split by taps lost to the blocked one on one thread (LeNet-5's second layer,
      // 1.44 against 1.05 ms, quiet machine). Other shapes split by filter taps.
      const threaded = usesBlockedFilterGradient(info)
        ? blockedFilterGradientByThreads(scope, xNhwc, dyNhwc, info)
        : filterGradientByThreads(scope, xNhwc, dyNhwc, info);
      return scope.finish(threaded ?? filterGradientBySimd(scope, xNhwc, dyNhwc, info, simd));
    }
    const taps = info.filterHeight * info.filterWidth * info.inChannels;
    const positions = info.batchSize * info.outHeight * info.outWidth;
    const byPatches =
      taps <= PATCHES_MAX_TAPS_PER_OUTPUT_CHANNEL * info.outChannels &&
      taps * positions <= PATCHES_MAX_FLOATS;
    // [filterHeight, filterWidth, inChannels, outChannels]
    const grad = byPatches
      ? filterGradientByPatches(scope, xNhwc, dyNhwc, info)
      : filterGradientByConvolution(scope, xNhwc, dyNhwc, info);
    return scope.finish(grad);
  } finally {
    scope.dispose();
  }
}

/** Kernel config of {@link conv2DBackpropFilter} for the `wasm` backend. */
export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter as unknown as KernelFunc,
};
