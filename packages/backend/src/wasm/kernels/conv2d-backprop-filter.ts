import {
  backend_util,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type Conv2DBackpropFilterInputs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { KernelScope, type WasmBackendLike } from '../kernel-scope.js';
import { filterGradientPadding } from './filter-gradient-padding.js';

/**
 * The gradient of `conv2d` with respect to its filter, which stock tfjs-backend-wasm lacks.
 *
 * Built from WASM's own XNNPACK convolution: the filter gradient
 * `dW[kh, kw, ci, co] = sum over b, oh, ow of x[b, oh*s + kh - pt, ow*s + kw - pl, ci] * dy[b, oh, ow, co]`
 * is itself a convolution of the input (batch and channels swapped) with `dy` as the filter, where the
 * forward stride becomes the dilation.
 */
function conv2DBackpropFilter(args: {
  inputs: Conv2DBackpropFilterInputs;
  backend: WasmBackendLike;
  attrs: Conv2DBackpropFilterAttrs;
}): TensorInfo {
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = args.attrs;
  const format = backend_util.convertConv2DDataFormat(dataFormat);
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    format,
  );
  const scope = new KernelScope(args.backend);
  try {
    // [batch, height, width, inChannels] whatever the data format.
    const xNhwc = format === 'channelsLast' ? x : scope.transpose(x, [0, 2, 3, 1]);
    const dyNhwc = format === 'channelsLast' ? dy : scope.transpose(dy, [0, 2, 3, 1]);
    const rows = filterGradientPadding(
      info.inHeight,
      info.outHeight,
      info.filterHeight,
      info.strideHeight,
      1,
      info.padInfo.top,
    );
    const cols = filterGradientPadding(
      info.inWidth,
      info.outWidth,
      info.filterWidth,
      info.strideWidth,
      1,
      info.padInfo.left,
    );
    // [inChannels, height, width, batch]: input channels act as the batch, the batch as channels.
    let images = scope.transpose(xNhwc, [3, 1, 2, 0]);
    if (rows.crop > 0 || cols.crop > 0) {
      const [c, h, w, b] = images.shape;
      images = scope.run(
        'Slice',
        { x: images },
        { begin: [0, 0, 0, 0], size: [c, h - rows.crop, w - cols.crop, b] },
      );
    }
    // [outHeight, outWidth, batch, outChannels]: dy is the filter.
    const kernel = scope.transpose(dyNhwc, [1, 2, 0, 3]);
    // [inChannels, filterHeight, filterWidth, outChannels]
    const grad = scope.run('Conv2D', { x: images, filter: kernel }, {
      strides: [1, 1],
      dilations: [info.strideHeight, info.strideWidth],
      pad: [
        [0, 0],
        [rows.before, rows.after],
        [cols.before, cols.after],
        [0, 0],
      ],
      dataFormat: 'NHWC',
      dimRoundingMode: undefined,
    } as unknown as Record<string, never>);
    // [filterHeight, filterWidth, inChannels, outChannels]
    return scope.finish(scope.transpose(grad, [1, 2, 0, 3]));
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
