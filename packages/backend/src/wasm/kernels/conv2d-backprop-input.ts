import {
  Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs,
  type Conv2DBackpropInputInputs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { KernelScope, type WasmBackendLike } from '../kernel-scope.js';
import { inputGradientBySimd } from './conv-by-simd.js';
import { conv2DGeometry } from './convolution-geometry.js';
import { correlationPaddings } from './correlation-padding.js';
import { explicitPadding } from './filter-gradient-padding.js';
import { inputGradientByColumns } from './input-gradient-by-columns.js';
import { inputGradientByPhases } from './input-gradient-by-phases.js';

/**
 * Strided, up to this many input channels the matrix product and scatter form
 * ({@link inputGradientByColumns}) runs, above it one XNNPACK convolution per phase. Measured on a
 * DCGAN generator's output layer (64x14x14x64 to 64x28x28xC, 4x4 at stride 2; min of 10, 2-core AMD
 * EPYC at load 12): C = 1 1.6 ms against 14.3 ms, C = 4 13.2 against 15.4, C = 8 25.8 against 17.3.
 */
const COLUMNS_MAX_IN_CHANNELS = 4;

/**
 * The gradient of `conv2d` with respect to its input (also the forward pass of `conv2dTranspose`).
 *
 * Stock tfjs-backend-wasm 4.22 computes it in a scalar loop, 10 to 20 times slower than its XNNPACK
 * convolution; in LeNet-5 it took more time than every other kernel of a training step together.
 * This version runs that XNNPACK convolution instead: at stride 1, `dy` is correlated with the filter
 * flipped in space and with its channel axes swapped:
 * `dx[b, i, j, ci] = sum over kh, kw, co of dy[b, i + pt - kh, j + pl - kw, co] * W[kh, kw, ci, co]`.
 * Strided, each output phase is its own dense correlation ({@link inputGradientByPhases}), or for
 * few input channels one matrix product and a scatter ({@link inputGradientByColumns}): a spread
 * `dy` (zeros between its positions) would spend 3/4 of a stride-2 convolution's products on zeros,
 * which made this kernel 75% of a DCGAN training step.
 */
function conv2DBackpropInput(args: {
  inputs: Conv2DBackpropInputInputs;
  backend: WasmBackendLike;
  attrs: Conv2DBackpropInputAttrs;
}): TensorInfo {
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const info = conv2DGeometry(args.attrs.inputShape, filter.shape, args.attrs);
  const channelsLast = info.dataFormat === 'channelsLast';
  const scope = new KernelScope(args.backend);
  try {
    // [batch, outHeight, outWidth, outChannels] whatever the data format.
    const dyNhwc = channelsLast ? dy : scope.transpose(dy, [0, 2, 3, 1]);
    if (info.strideHeight > 1 || info.strideWidth > 1) {
      // [batch, inHeight, inWidth, inChannels]
      const dx =
        info.inChannels <= COLUMNS_MAX_IN_CHANNELS
          ? inputGradientByColumns(scope, dyNhwc, filter, info)
          : inputGradientByPhases(scope, dyNhwc, filter, info);
      return scope.finish(channelsLast ? dx : scope.transpose(dx, [0, 3, 1, 2]));
    }
    // [batch, inHeight, inWidth, inChannels], small stride-1 convolutions (LeNet-5's) without the padding.
    const direct = inputGradientBySimd(scope, dyNhwc, filter, info);
    if (direct != null) return scope.finish(channelsLast ? direct : scope.transpose(direct, [0, 3, 1, 2]));
    const padding = correlationPaddings(info, dyNhwc.shape);
    const cropped = scope.crop(dyNhwc, padding);
    // [filterHeight, filterWidth, outChannels, inChannels], flipped in space.
    const flipped = scope.run('Reverse', { x: scope.transpose(filter, [0, 1, 3, 2]) }, { dims: [0, 1] });
    // [batch, inHeight, inWidth, inChannels]
    const dx = scope.run('Conv2D', { x: cropped, filter: flipped }, {
      strides: [1, 1],
      dilations: [1, 1],
      pad: explicitPadding(padding),
      dataFormat: 'NHWC',
      dimRoundingMode: undefined,
    } as unknown as Record<string, never>);
    return scope.finish(channelsLast ? dx : scope.transpose(dx, [0, 3, 1, 2]));
  } finally {
    scope.dispose();
  }
}

/** Kernel config of {@link conv2DBackpropInput} for the `wasm` backend (replaces the stock one). */
export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInput as unknown as KernelFunc,
};
