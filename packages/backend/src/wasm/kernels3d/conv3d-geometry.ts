import { backend_util } from '@tensorflow/tfjs-core';

type Shape5D = [number, number, number, number, number];

/** The geometry of an NDHWC `conv3d` (tfjs differentiates only undilated ones: `dilations` 1). */
export function conv3DGeometry(
  inputShape: readonly number[],
  filterShape: readonly number[],
  strides: number | [number, number, number],
  pad: 'valid' | 'same',
  dilations: number | [number, number, number] = 1,
): backend_util.Conv3DInfo {
  return backend_util.computeConv3DInfo(
    inputShape as Shape5D,
    filterShape as Shape5D,
    strides,
    dilations,
    pad,
  );
}

/**
 * The padding of the height and width axes of a 3D convolution, as the explicit padding of a 2D
 * convolution over NHWC depth slices (`[[0, 0], [top, bottom], [left, right], [0, 0]]`).
 */
export function planePadding(info: backend_util.Conv3DInfo): number[][] {
  const { top, bottom, left, right } = info.padInfo;
  return [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ];
}
