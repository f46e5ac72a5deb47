import {
  backend_util,
  Conv2D,
  type Conv2DAttrs,
  DepthwiseConv2dNative,
  FusedConv2D,
  FusedDepthwiseConv2D,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

/** Stock WASM convolutions that {@link explicitSamePadding} wraps. */
export const SAME_PADDING_KERNELS = [
  Conv2D,
  DepthwiseConv2dNative,
  FusedConv2D,
  FusedDepthwiseConv2D,
] as const;

/**
 * Stock tfjs-backend-wasm 4.22 hands `pad: 'same'` to XNNPACK as its TensorFlow-SAME-padding flag,
 * and for some geometries XNNPACK then writes nothing: `conv2d` of a `[2, 9, 12, 3]` input with a
 * 2x1 filter at stride 2 returns all zeros (as does `depthwiseConv2d`), with no error. The padding
 * the CPU backend uses is computed here (`computeConv2DInfo`) and passed as explicit numbers,
 * which XNNPACK takes as they are. Other paddings go to the stock kernel unchanged.
 */
export function explicitSamePadding(stock: KernelConfig): KernelFunc {
  const depthwise = stock.kernelName === DepthwiseConv2dNative || stock.kernelName === FusedDepthwiseConv2D;
  return (args) => {
    const attrs = args.attrs as unknown as Conv2DAttrs;
    if (attrs.pad !== 'same') return stock.kernelFunc(args);
    const { x, filter } = args.inputs as { x: TensorInfo; filter: TensorInfo };
    const info = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      attrs.strides,
      attrs.dilations ?? 1,
      'same',
      attrs.dimRoundingMode,
      depthwise,
    );
    const { top, bottom, left, right } = info.padInfo;
    const pad = [
      [0, 0],
      [top, bottom],
      [left, right],
      [0, 0],
    ];
    return stock.kernelFunc({ ...args, attrs: { ...args.attrs, pad } as never });
  };
}

/** Wraps a stock convolution ({@link SAME_PADDING_KERNELS}) with {@link explicitSamePadding}. */
export function explicitSamePaddingConfig(stock: KernelConfig): KernelConfig {
  return { ...stock, kernelFunc: explicitSamePadding(stock) };
}
